// The cluster's ports (docs/cluster.md), implemented on etcd by
// store/etcd/etcd_cluster.h. Three roles, three interfaces: an agent's
// membership, everyone's view, the leader's writes.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <optional>
#include <string_view>

#include "reconcile/cluster/node.h"
#include "reconcile/domain/error.h"
#include "reconcile/domain/game_runtime.h"
#include "reconcile/domain/time.h"

namespace rtm {

// The membership of this process's node: its record and its liveness
// lease. Used by one thread (the agent's heartbeat).
class NodeMembership {
 public:
  virtual ~NodeMembership() = default;

  // Publishes `info` (nodes/<name>) and takes a fresh liveness lease of
  // `ttl` (alive/<name> lives and dies with it). Joining again replaces the
  // previous lease.
  virtual Expected<void> Join(const NodeInfo& info, Duration ttl) = 0;
  // Renews the lease: true while it holds; false once it expired (the node
  // must stop acting and Join again). An error when etcd cannot be reached:
  // the caller cannot know whether the lease still holds.
  virtual Expected<bool> Renew() = 0;
  // Campaigns for leadership on the membership lease: the term when this
  // node leads (now or already), nullopt when another node does. Leading
  // ends with the lease.
  virtual Expected<std::optional<uint64_t>> Campaign() = 0;
  // Ends the lease now (a clean stop): alive/<name> and a leadership held
  // go at once.
  virtual Expected<void> Leave() = 0;
};

// The cluster as of the newest revision this process has seen (a watch
// cache: reads cost no round trip). Thread-safe.
class ClusterView {
 public:
  virtual ~ClusterView() = default;

  virtual ClusterSnapshot Snapshot() = 0;
  // Returns once the cluster changed after `revision`, `timeout` passed or
  // Wake was called (spurious returns allowed).
  virtual void WaitForChange(uint64_t revision, Duration timeout) = 0;
  virtual void Wake() = 0;

  // How long ago each live node last renewed its liveness lease (asks the
  // store: one call per live node; for `rtmanager nodes`, not for loops).
  virtual Expected<std::map<std::string, Duration>> HeartbeatAges() = 0;
};

// The leader's writes. Each is fenced by `term` (the leadership the
// caller holds: it must still be the current one) and conditional on
// what the caller saw; either failing is kConflict and writes nothing.
class ClusterScheduling {
 public:
  virtual ~ClusterScheduling() = default;

  // Assigns `assignment.game` to `assignment.node` if its assignment is
  // still at assignment.token (0: none). Returns the new token.
  virtual Expected<uint64_t> Assign(const Assignment& assignment,
                                    uint64_t term) = 0;
  // Removes the assignment of `game` if it is still at `token`.
  virtual Expected<void> Unassign(std::string_view game, uint64_t token,
                                  uint64_t term) = 0;
  // Records the state of node `name` since `since`.
  virtual Expected<void> MarkNode(std::string_view name, NodeState state,
                                  Timestamp since, uint64_t term) = 0;
  // The status of a game no node reports for (unplaced: Pending; pinned to
  // a lost node: Unknown), if it is still at status.revision (0: none).
  // Returns the new revision.
  virtual Expected<uint64_t> WriteStatus(std::string_view game,
                                         const RuntimeStatusView& status,
                                         uint64_t term) = 0;
};

}  // namespace rtm
