// The scheduler's pure decision (docs/cluster.md "Placement"): the nodes
// and the games as the leader sees them → where each game runs, or why it
// cannot. No I/O; the same input always gives the same placements, and
// placing again with the result applied changes nothing.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace rtm {

struct NodeView {
  std::string name;
  std::map<std::string, std::string> labels;
  size_t max_runtimes = 0;  // 0: no limit
  // Takes new games: alive (its lease holds) and not Lost.
  bool ready = false;
  // Keeps the games it has: not Lost (a node whose lease just lapsed keeps
  // them until it is declared Lost, after --node-lost-after).
  bool keeps_games = true;
};

struct GameToPlace {
  std::string name;
  std::string node_name;                               // pinned; empty: not
  std::map<std::string, std::string> node_selector;    // empty: any node
  std::optional<std::string> assigned_node;            // where it is now
};

struct Placement {
  enum class Kind {
    kKeep,     // stays on assigned_node
    kAssign,   // (re)assign to `node`
    kPending,  // no node fits; `reason` says why
  };
  std::string game;
  Kind kind = Kind::kKeep;
  std::string node;    // kKeep, kAssign
  std::string reason;  // kAssign: "pinned" | "nodeSelector" | "scheduled";
                       // kPending: "0/3 nodes: 1 lost, 2 full"

  friend bool operator==(const Placement&, const Placement&) = default;
};

// One placement per game, in the order of `games`. The rules:
//   - a game assigned to a node that keeps its games and still satisfies
//     its nodeName / nodeSelector is kept (no rebalancing; capacity is not
//     re-checked);
//   - a pinned game goes to its node when that node is registered, Ready
//     and has room; otherwise it is kept where it is assigned to its
//     node (a Lost node keeps its pinned games), else Pending;
//   - any other game goes to the Ready node that matches its selector, has
//     room, and holds the fewest games (counting the placements made
//     before it in this call); ties go to the smaller name;
//   - the most constrained games are placed first: pinned ones, then those
//     with a nodeSelector, then the rest (each class in input order), so
//     that free games do not take the only room a constrained one fits;
//   - nothing fits: Pending, counting every node's reason ("not ready",
//     "full", "do not match nodeSelector").
// Games kept on a node count toward its capacity before anything is
// placed, so a reassignment never overfills a node.
std::vector<Placement> PlaceGames(const std::vector<NodeView>& nodes,
                                  const std::vector<GameToPlace>& games);

}  // namespace rtm
