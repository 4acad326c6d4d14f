// What spec.restartSchedule asks of the controller now (docs/contract.md §2
// "Scheduled restarts"), as a pure decision over the schedule, the instant
// through which its restarts were requested, and the warnings already run.
#pragma once

#include <optional>
#include <set>
#include <vector>

#include "reconcile/domain/game_spec.h"
#include "reconcile/domain/time.h"
#include "reconcile/ports/time_zones.h"
#include "reconcile/schedule/cron.h"

namespace rtm {

struct ScheduleInput {
  const CronExpression* cron = nullptr;  // parsed spec cron
  const TimeZone* zone = nullptr;        // spec timeZone
  std::optional<int> starting_deadline_seconds;
  std::vector<ScheduleWarning> warnings;
  // DesiredRuntime::schedule_checked_through.
  Timestamp checked_through{};
  // before_seconds of the warnings already run for the upcoming restart.
  std::set<int> warned;
  Timestamp now{};
};

struct ScheduleStep {
  enum class Kind {
    kWait,        // nothing due before next_at
    kWarn,        // run `warnings` (indices, earliest first) for `fire`
    kRestart,     // request the restart scheduled at `fire`
    kSkipMissed,  // `fire` (the latest missed) is later than the deadline
    kNever,       // the cron never fires again
  };
  Kind kind = Kind::kWait;
  Timestamp fire{};
  std::vector<size_t> warnings;
  Timestamp next_at{};  // kWait, kWarn: when something is due next
};

// The first fire F after checked_through: when F <= now, the latest fire L
// <= now is requested (kRestart, once however many were missed) unless it
// is more than starting_deadline_seconds late (kSkipMissed). Otherwise the
// warnings whose instant (F - before) has come and that did not run for F
// yet are due (kWarn, the longest before first; one whose instant passed
// long ago, e.g. while the controller was down, runs late rather than
// never); next_at is the next warning's instant or F.
ScheduleStep DecideSchedule(const ScheduleInput& input);

}  // namespace rtm
