// The agent side of cluster mode (docs/cluster.md): keeps this node's
// liveness lease alive, campaigns for leadership on it, follows the
// assignments, and answers which games this node may act on
// (GameOwnership). Two threads: the heartbeat (every ttl/3) and the
// assignment follower (on every change of the cluster view).
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "controller/app/stoppable_thread.h"
#include "reconcile/ports/clock.h"
#include "reconcile/ports/cluster.h"
#include "reconcile/ports/game_ownership.h"
#include "reconcile/ports/logger.h"

namespace rtm {

struct NodeAgentOptions {
  NodeInfo info;
  Duration ttl = std::chrono::seconds(10);  // the liveness lease (--node-ttl)
};

class NodeAgent : public GameOwnership {
 public:
  struct Callbacks {
    // A game's assignment moved to or away from this node, or its token
    // changed: reconcile it.
    std::function<void(const std::string& game)> on_assignment_changed;
    // The node joined again after its lease lapsed: reconcile everything
    // (release what moved away meanwhile).
    std::function<void()> on_rejoined;
    // This node started (term) or stopped (nullopt) leading.
    std::function<void(std::optional<uint64_t> term)> on_leadership;
    // The cluster view changed (anything: nodes, liveness, assignments).
    std::function<void()> on_cluster_changed;
  };

  NodeAgent(NodeMembership& membership, ClusterView& view, Clock& clock,
            Logger& logger, NodeAgentOptions options, Callbacks callbacks);
  ~NodeAgent() override;

  // Joins the cluster (start-up: an error when etcd cannot be written).
  Expected<void> Join();
  // Starts both threads.
  void Start();
  // Stops both threads, then leaves (the lease ends now: leadership and
  // liveness go at once).
  void Stop();

  // kSuspended while the lease may have lapsed (no successful renewal for a
  // ttl), kOwned for a game assigned here, kElsewhere otherwise.
  Ownership Check(std::string_view game) override;

  std::optional<uint64_t> term() const;

  // One step of each thread (what they loop on; tests call them directly):
  // Beat renews the lease (joining again when it expired) and campaigns
  // unless the view shows another node leading (with no lease, because
  // joining again failed, this node does not lead);
  // Follow takes the view's assignments and reports what changed. Follow
  // returns the revision of the snapshot it took.
  void Beat();
  uint64_t Follow();

 private:

  NodeMembership& membership_;
  ClusterView& view_;
  Clock& clock_;
  Logger& logger_;
  const NodeAgentOptions options_;
  const Callbacks callbacks_;

  mutable std::mutex mutex_;
  Timestamp lease_valid_until_{};                 // guarded by mutex_
  std::optional<uint64_t> term_;                  // guarded by mutex_
  std::map<std::string, Assignment> assignments_; // guarded by mutex_

  StoppableThread heartbeat_;
  StoppableThread follower_;
  std::atomic<bool> stopping_{false};
};

}  // namespace rtm
