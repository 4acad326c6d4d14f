// One round of the leader's scheduler (docs/cluster.md), as a pure
// function: the cluster, the desired objects and the statuses → what to
// write. The leader loop (controller/cluster/leader_loop.h) reads, calls
// this, writes (every write fenced by its term), and goes again on the
// next change; a round that finds nothing to do writes nothing.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "reconcile/cluster/node.h"
#include "reconcile/domain/game_runtime.h"
#include "reconcile/domain/time.h"

namespace rtm {

struct SchedulingInput {
  ClusterSnapshot cluster;
  std::vector<DesiredRuntime> desired;  // every object, tombstones included
  // The stored status of the games this round may write one for (absent:
  // none stored).
  std::map<std::string, RuntimeStatusView> statuses;
  // Since when each node has been seen without its liveness lease (the
  // leader's own observation; see NoteLiveness).
  std::map<std::string, Timestamp> down_since;
  Timestamp now{};
  Duration node_lost_after = std::chrono::seconds(30);
};

struct NodeMark {
  std::string node;
  NodeState state = NodeState::kReady;
  Timestamp since{};

  friend bool operator==(const NodeMark&, const NodeMark&) = default;
};

struct StatusWrite {
  std::string game;
  RuntimeStatusView status;  // .revision: the stored one it replaces

  friend bool operator==(const StatusWrite&, const StatusWrite&) = default;
};

struct SchedulingRound {
  std::vector<NodeMark> marks;
  // token = the assignment's current token (0: none), for the CAS.
  std::vector<Assignment> assign;
  std::vector<Assignment> unassign;  // token: the one to remove
  std::vector<StatusWrite> statuses;
  // When the next round is due even if nothing changes (a node's
  // node-lost-after running out); nullopt: only on a change.
  std::optional<Timestamp> next_check;

  bool empty() const {
    return marks.empty() && assign.empty() && unassign.empty() &&
           statuses.empty();
  }
};

// Updates `down_since` from `cluster`: a node without its lease is down
// since the first time the leader saw it so; a live one is removed.
void NoteLiveness(const ClusterSnapshot& cluster, Timestamp now,
                  std::map<std::string, Timestamp>& down_since);

// The rules, in order:
//   1. nodes: one down for node_lost_after is marked Lost (since it went
//      down); a Lost node that is alive again is marked Ready;
//   2. placement (reconcile/cluster/placement.h) of every game that is not
//      deleted: a node down but not yet Lost keeps its games and takes no
//      new one; a Lost node keeps only its pinned games;
//   3. a deleted game keeps its assignment until its status says Removed
//      (its node removed it), then it is unassigned; an assignment whose
//      game has no desired object at all is unassigned;
//   4. statuses: an unplaced game is Pending with condition Scheduled=False
//      (reason Unschedulable, the placement's reason as message); a pinned
//      game on a Lost node is phase Unknown with Ready=Unknown (reason
//      NodeLost); written only when they differ from the stored one.
SchedulingRound PlanSchedulingRound(const SchedulingInput& input);

}  // namespace rtm
