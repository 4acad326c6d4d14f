// spec.restartSchedule at work (docs/contract.md §2 "Scheduled restarts"):
// runs each schedule's warnings in the game's container and, at each
// scheduled instant, bumps the game's restart generation itself (opSource
// schedule, sourceRef "schedule@<instant>"), which the reconciler then
// performs like any restart (drain, budget, audit, lastRestart).
//
// Durable state is the desired object's schedule_checked_through, advanced
// with each request or skip by a write conditional on its revision, so a
// restart is requested once however many processes look (cluster mode:
// each agent handles the games it owns). Which warnings ran for the
// upcoming restart is kept in memory: after a controller restart a warning
// whose instant already passed runs again if the restart is still ahead.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "reconcile/domain/time.h"
#include "reconcile/ports/clock.h"
#include "reconcile/ports/container_engine.h"
#include "reconcile/ports/desired_state_store.h"
#include "reconcile/ports/game_ownership.h"
#include "reconcile/ports/logger.h"
#include "reconcile/ports/time_zones.h"

namespace rtm {

struct ScheduledRestartsOptions {
  std::string network = "rtmanager";  // whose containers are the games'
  GameOwnership* ownership = nullptr;  // cluster mode; null: every game
  // The longest wait between two runs when nothing is due sooner (a
  // schedule added meanwhile is also announced by Kick).
  Duration idle_recheck = std::chrono::seconds(60);
};

class ScheduledRestarts {
 public:
  ScheduledRestarts(DesiredStateStore& desired, ContainerEngine& engine,
                    TimeZoneDatabase& time_zones, Clock& clock, Logger& logger,
                    ScheduledRestartsOptions options);

  // Does what is due now for every game with a schedule: warnings, restart
  // requests, skips of restarts missed beyond their deadline. Returns when
  // to run again (at the latest now + idle_recheck; soon after an error).
  // Not for concurrent calls.
  Timestamp RunDue();

 private:
  // The upcoming restart's warnings that ran, per game.
  struct Warned {
    Timestamp fire{};
    std::set<int> befores;
  };

  Timestamp RunGame(const DesiredRuntime& runtime, Timestamp now);
  void RunWarnings(const DesiredRuntime& runtime, Timestamp fire,
                   const std::vector<size_t>& indices);
  // Writes `runtime` with schedule_checked_through = fire, and when
  // `restart`, the restart request; false when the write failed (logged).
  bool Advance(const DesiredRuntime& runtime, Timestamp fire, bool restart);
  std::shared_ptr<const TimeZone> Zone(const std::string& name);

  DesiredStateStore& desired_;
  ContainerEngine& engine_;
  TimeZoneDatabase& time_zones_;
  Clock& clock_;
  Logger& logger_;
  const ScheduledRestartsOptions options_;

  std::map<std::string, Warned, std::less<>> warned_;
  std::map<std::string, std::shared_ptr<const TimeZone>, std::less<>> zones_;
  std::set<std::string, std::less<>> reported_;  // problems logged once
};

}  // namespace rtm
