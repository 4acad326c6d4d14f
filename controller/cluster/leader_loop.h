// The leader's work in cluster mode (docs/cluster.md): while this node
// leads, it runs scheduling rounds (reconcile/cluster/scheduling.h) after
// every kick (a change of the cluster: Kick, from the node agent; of
// desired state: its own change-feed informer) and when a node's
// node-lost-after runs out, writes what a round decides (each write fenced
// by the term), and asks for a manifest sync when it starts leading. One
// thread; leading starts and stops with SetLeadership.
#pragma once

#include <cstdint>
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

 private:
  void Run();

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
  StoppableThread thread_;
};

}  // namespace rtm
