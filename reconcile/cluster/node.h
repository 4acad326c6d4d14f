// The cluster's domain values (docs/cluster.md): nodes, their state, and
// the assignment of games to nodes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reconcile/domain/time.h"

namespace rtm {

// What an agent publishes about its node when it joins.
struct NodeInfo {
  std::string name;
  std::map<std::string, std::string> labels;  // --node-label k=v
  size_t max_runtimes = 0;                    // --max-runtimes; 0: no limit
  Timestamp started_at{};

  friend bool operator==(const NodeInfo&, const NodeInfo&) = default;
};

enum class NodeState { kReady, kLost };
std::string_view ToString(NodeState state);  // "Ready" | "Lost"

// A node as the cluster sees it.
struct NodeRecord {
  NodeInfo info;
  bool alive = false;  // its liveness lease holds (alive/<node> exists)
  // What the leader decided (docs/cluster.md "Liveness"); kReady until it
  // wrote otherwise.
  NodeState state = NodeState::kReady;
  Timestamp state_since{};

  friend bool operator==(const NodeRecord&, const NodeRecord&) = default;
};

// Where a game runs. `token` is the store revision of the assignment's
// last write: it grows on every reassignment, and every agent write for
// the game is guarded by it (fencing).
struct Assignment {
  std::string game;
  std::string node;
  std::string reason;  // "pinned" | "nodeSelector" | "scheduled"
  uint64_t token = 0;

  friend bool operator==(const Assignment&, const Assignment&) = default;
};

struct Leadership {
  std::string node;
  uint64_t term = 0;  // grows with every new leader

  friend bool operator==(const Leadership&, const Leadership&) = default;
};

// Everything about the cluster at one store revision.
struct ClusterSnapshot {
  uint64_t revision = 0;
  std::vector<NodeRecord> nodes;                    // by name
  std::map<std::string, Assignment> assignments;    // by game
  std::optional<Leadership> leader;

  const NodeRecord* FindNode(std::string_view name) const;
  const Assignment* FindAssignment(std::string_view game) const;
};

}  // namespace rtm
