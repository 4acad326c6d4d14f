#include "reconcile/cluster/node.h"

namespace rtm {

std::string_view ToString(NodeState state) {
  return state == NodeState::kReady ? "Ready" : "Lost";
}

const NodeRecord* ClusterSnapshot::FindNode(std::string_view name) const {
  for (const NodeRecord& node : nodes) {
    if (node.info.name == name) return &node;
  }
  return nullptr;
}

const Assignment* ClusterSnapshot::FindAssignment(std::string_view game) const {
  auto found = assignments.find(std::string(game));
  return found == assignments.end() ? nullptr : &found->second;
}

}  // namespace rtm
