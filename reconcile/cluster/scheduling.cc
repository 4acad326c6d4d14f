#include "reconcile/cluster/scheduling.h"

#include <algorithm>
#include <set>

#include "reconcile/cluster/placement.h"

namespace rtm {
namespace {

bool IsLost(const NodeRecord& node) { return node.state == NodeState::kLost; }

// Sets condition `type` in `status`, keeping its transition time when its
// status and reason did not change.
void SetCondition(RuntimeStatusView& status, const RuntimeStatusView& previous,
                  Condition condition, Timestamp now) {
  condition.last_transition_time = now;
  for (const Condition& old : previous.conditions) {
    if (old.type == condition.type && old.status == condition.status &&
        old.reason == condition.reason) {
      condition.last_transition_time = old.last_transition_time;
    }
  }
  auto same_type = [&](const Condition& c) { return c.type == condition.type; };
  status.conditions.erase(std::remove_if(status.conditions.begin(),
                                         status.conditions.end(), same_type),
                          status.conditions.end());
  status.conditions.push_back(std::move(condition));
}

void WriteIfChanged(SchedulingRound& round, const std::string& game,
                    RuntimeStatusView status, const RuntimeStatusView& previous) {
  if (status == previous) return;
  round.statuses.push_back({game, std::move(status)});
}

}  // namespace

void NoteLiveness(const ClusterSnapshot& cluster, Timestamp now,
                  std::map<std::string, Timestamp>& down_since) {
  std::set<std::string> known;
  for (const NodeRecord& node : cluster.nodes) {
    known.insert(node.info.name);
    if (node.alive) {
      down_since.erase(node.info.name);
    } else {
      down_since.try_emplace(node.info.name, now);
    }
  }
  std::erase_if(down_since, [&](const auto& entry) {
    return !known.contains(entry.first);
  });
}

SchedulingRound PlanSchedulingRound(const SchedulingInput& input) {
  SchedulingRound round;

  // 1. Node states, and the nodes as placement sees them.
  std::vector<NodeView> views;
  std::map<std::string, bool> lost;
  for (const NodeRecord& node : input.cluster.nodes) {
    const std::string& name = node.info.name;
    bool is_lost = IsLost(node);
    if (node.alive && is_lost) {
      round.marks.push_back({name, NodeState::kReady, input.now});
      is_lost = false;
    } else if (!node.alive && !is_lost) {
      auto down = input.down_since.find(name);
      const Timestamp since = down == input.down_since.end() ? input.now
                                                             : down->second;
      const Timestamp lost_at = since + input.node_lost_after;
      if (input.now >= lost_at) {
        round.marks.push_back({name, NodeState::kLost, since});
        is_lost = true;
      } else if (!round.next_check || lost_at < *round.next_check) {
        round.next_check = lost_at;
      }
    }
    lost[name] = is_lost;
    views.push_back(NodeView{name, node.info.labels, node.info.max_runtimes,
                             node.alive && !is_lost, !is_lost});
  }

  // 2. and 3. Placement; deleted games and assignments without a game.
  std::vector<GameToPlace> games;
  std::set<std::string> declared;
  for (const DesiredRuntime& desired : input.desired) {
    declared.insert(desired.name);
    const Assignment* assigned = input.cluster.FindAssignment(desired.name);
    if (desired.deleted) {
      if (assigned == nullptr) continue;
      auto status = input.statuses.find(desired.name);
      const bool removed = status == input.statuses.end() ||
                           status->second.phase == Phase::kRemoved;
      if (removed) round.unassign.push_back(*assigned);
      continue;
    }
    GameToPlace game{.name = desired.name,
                     .node_name = desired.spec.node_name,
                     .node_selector = desired.spec.node_selector};
    if (assigned != nullptr) game.assigned_node = assigned->node;
    games.push_back(std::move(game));
  }
  for (const auto& [game, assignment] : input.cluster.assignments) {
    if (!declared.contains(game)) round.unassign.push_back(assignment);
  }

  const std::vector<Placement> placements = PlaceGames(views, games);
  for (const Placement& placement : placements) {
    const Assignment* current = input.cluster.FindAssignment(placement.game);
    auto stored = input.statuses.find(placement.game);
    const RuntimeStatusView previous =
        stored == input.statuses.end() ? RuntimeStatusView{} : stored->second;
    if (placement.kind == Placement::Kind::kAssign) {
      round.assign.push_back(Assignment{placement.game, placement.node,
                                        placement.reason,
                                        current ? current->token : 0});
    } else if (placement.kind == Placement::Kind::kPending) {
      RuntimeStatusView status = previous;
      status.phase = Phase::kPending;
      status.node_name.clear();
      SetCondition(status, previous,
                   {"Scheduled", ConditionStatus::kFalse, "Unschedulable",
                    placement.reason},
                   input.now);
      SetCondition(status, previous,
                   {"Ready", ConditionStatus::kFalse, "Unschedulable",
                    placement.reason},
                   input.now);
      WriteIfChanged(round, placement.game, std::move(status), previous);
    } else if (lost[placement.node]) {  // kept: pinned to a Lost node
      RuntimeStatusView status = previous;
      status.phase = Phase::kUnknown;
      status.node_name = placement.node;
      SetCondition(status, previous,
                   {"Ready", ConditionStatus::kUnknown, "NodeLost",
                    "node " + placement.node + " is lost"},
                   input.now);
      WriteIfChanged(round, placement.game, std::move(status), previous);
    }
  }
  return round;
}

}  // namespace rtm
