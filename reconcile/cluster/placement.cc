#include "reconcile/cluster/placement.h"

#include <algorithm>

namespace rtm {
namespace {

bool Matches(const NodeView& node, const GameToPlace& game) {
  for (const auto& [key, value] : game.node_selector) {
    auto label = node.labels.find(key);
    if (label == node.labels.end() || label->second != value) return false;
  }
  return true;
}

bool HasRoom(const NodeView& node, size_t games) {
  return node.max_runtimes == 0 || games < node.max_runtimes;
}

const NodeView* Find(const std::vector<NodeView>& nodes,
                     const std::string& name) {
  for (const NodeView& node : nodes) {
    if (node.name == name) return &node;
  }
  return nullptr;
}

// Where a game already is and may stay: its node is Ready and still
// matches, or it is pinned there.
bool Stays(const std::vector<NodeView>& nodes, const GameToPlace& game) {
  if (!game.assigned_node) return false;
  if (!game.node_name.empty()) return *game.assigned_node == game.node_name;
  const NodeView* node = Find(nodes, *game.assigned_node);
  return node != nullptr && node->keeps_games && Matches(*node, game);
}

std::string Count(size_t count, const char* what) {
  return std::to_string(count) + " " + what;
}

}  // namespace

std::vector<Placement> PlaceGames(const std::vector<NodeView>& nodes,
                                  const std::vector<GameToPlace>& games) {
  std::map<std::string, size_t> load;  // games per node
  for (const NodeView& node : nodes) load[node.name] = 0;
  for (const GameToPlace& game : games) {
    if (Stays(nodes, game)) ++load[*game.assigned_node];
  }

  // Pinned first, then selectors, then free games; results in input order.
  std::vector<size_t> order(games.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  auto constraint = [&](size_t i) {
    return !games[i].node_name.empty() ? 0 : !games[i].node_selector.empty() ? 1 : 2;
  };
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return constraint(a) < constraint(b);
  });
  std::vector<Placement> placements(games.size());
  for (size_t index : order) {
    const GameToPlace& game = games[index];
    Placement& placement = placements[index];
    placement.game = game.name;
    if (Stays(nodes, game)) {
      placement.kind = Placement::Kind::kKeep;
      placement.node = *game.assigned_node;
      continue;
    }
    if (!game.node_name.empty()) {
      const NodeView* node = Find(nodes, game.node_name);
      if (node != nullptr && node->ready && HasRoom(*node, load[node->name])) {
        ++load[node->name];
        placement.kind = Placement::Kind::kAssign;
        placement.node = node->name;
        placement.reason = "pinned";
      } else {
        placement.kind = Placement::Kind::kPending;
        placement.reason =
            node == nullptr ? "node " + game.node_name + " is not registered"
            : !node->ready  ? "node " + game.node_name + " is not ready"
                            : "node " + game.node_name + " is full (" +
                                 std::to_string(node->max_runtimes) + " games)";
      }
      continue;
    }
    const NodeView* best = nullptr;
    size_t not_ready = 0, full = 0, mismatched = 0;
    for (const NodeView& node : nodes) {
      if (!node.ready) {
        ++not_ready;
      } else if (!Matches(node, game)) {
        ++mismatched;
      } else if (!HasRoom(node, load[node.name])) {
        ++full;
      } else if (best == nullptr || load[node.name] < load[best->name] ||
                 (load[node.name] == load[best->name] && node.name < best->name)) {
        best = &node;
      }
    }
    if (best != nullptr) {
      ++load[best->name];
      placement.kind = Placement::Kind::kAssign;
      placement.node = best->name;
      placement.reason = game.node_selector.empty() ? "scheduled" : "nodeSelector";
    } else {
      placement.kind = Placement::Kind::kPending;
      std::vector<std::string> why;
      if (not_ready > 0) why.push_back(Count(not_ready, "not ready"));
      if (full > 0) why.push_back(Count(full, "full"));
      if (mismatched > 0) why.push_back(Count(mismatched, "do not match nodeSelector"));
      placement.reason = "0/" + std::to_string(nodes.size()) + " nodes available";
      for (size_t i = 0; i < why.size(); ++i) {
        placement.reason += (i == 0 ? ": " : ", ") + why[i];
      }
    }
  }
  return placements;
}

}  // namespace rtm
