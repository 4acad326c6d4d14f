// The leader's work in cluster mode (docs/cluster.md): while this node
// leads, it runs scheduling rounds (reconcile/cluster/scheduling.h) after
// every kick (a change of the cluster: Kick, from the node agent; of
// desired state: its own change-feed informer) and when a node's
// node-lost-after runs out, writes what a round decides (each write fenced
// by the term), and calls on_lead (the manifest sync) on its thread when it
// starts leading, before its first round. One thread; leading starts and
// stops with SetLeadership.
#pragma once

#include <cstdint>
#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>

#include "controller/app/change_feed_informer.h"
#include "controller/app/stoppable_thread.h"
#include "reconcile/cluster/scheduling.h"
#include "reconcile/ports/change_feed.h"
#include "reconcile/ports/clock.h"
#include "reconcile/ports/cluster.h"
#include "reconcile/ports/desired_state_store.h"
#include "reconcile/ports/logger.h"

namespace rtm {

struct LeaderLoopOptions {
  Duration node_lost_after = std::chrono::seconds(30);
  // The longest wait between rounds when nothing changes.
  Duration idle_round = std::chrono::seconds(30);
  // After a failed write or read, the next round comes this soon.
  Duration retry = std::chrono::seconds(1);
  // How long a round waits for the view to show the previous round's
  // writes (a round on a view without them would, e.g., overfill a node).
  Duration catch_up = std::chrono::seconds(5);
  // A round waits for a quiet spell this long after the last kick (a
  // manifest sync writes its games one by one: placing the whole batch at
  // once lets the constrained games go first), but never longer than
  // max_quiet_wait.
  Duration quiet = std::chrono::milliseconds(20);
  Duration max_quiet_wait = std::chrono::milliseconds(500);
};

class LeaderLoop {
 public:
  LeaderLoop(ClusterView& view, ClusterScheduling& scheduling,
             DesiredStateStore& desired, StatusStore& statuses,
             ChangeFeed& changes, Clock& clock, Logger& logger,
             LeaderLoopOptions options, std::function<void()> on_lead);
  ~LeaderLoop();

  void Start();
  void Stop();

  // This node now leads with `term` (nullopt: it no longer leads).
  void SetLeadership(std::optional<uint64_t> term);
  // Something changed: a round is due (coalesced; never blocks).
  void Kick();

  // One round now, if leading (also what the thread runs); false when a
  // read or write failed. For tests and the thread.
  bool RunRound(uint64_t term);

  // What this loop did so far (for /metrics).
  struct Stats {
    uint64_t rounds = 0;
    uint64_t assignments = 0;   // games (re)assigned
    uint64_t refused_writes = 0;
  };
  Stats stats() const;
  // When the last round said the next one is due although nothing changes
  // (a down node's node-lost-after running out); nullopt: only on a change.
  // Read by the thread that runs the rounds.
  std::optional<Timestamp> next_check() const { return next_check_; }

 private:
  void Run();
  // Waits for options_.quiet without a kick (at most max_quiet_wait);
  // false when stopping.
  bool AwaitQuiet();

  ClusterView& view_;
  ClusterScheduling& scheduling_;
  DesiredStateStore& desired_;
  StatusStore& statuses_;
  ChangeFeed& changes_;
  Clock& clock_;
  Logger& logger_;
  const LeaderLoopOptions options_;
  const std::function<void()> on_lead_;
  ChangeFeedInformer kicks_;  // desired changes wake the loop

  std::mutex mutex_;
  std::condition_variable kicked_signal_;
  std::optional<uint64_t> term_;  // guarded by mutex_
  bool lead_started_ = false;     // guarded by mutex_: on_lead due
  bool kicked_ = true;            // guarded by mutex_: a round is due
  bool stopping_ = false;         // guarded by mutex_
  // The leader's own observation of down nodes (the loop's thread).
  std::map<std::string, Timestamp> down_since_;
  // The store revision of this loop's last write (the loop's thread).
  uint64_t written_revision_ = 0;
  std::atomic<uint64_t> rounds_{0};
  std::atomic<uint64_t> assignments_{0};
  std::atomic<uint64_t> refused_writes_{0};
  std::optional<Timestamp> next_check_;  // the loop's thread: see next_check()
  StoppableThread thread_;
};

}  // namespace rtm
