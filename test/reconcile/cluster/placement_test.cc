// The scheduler's decision (reconcile/cluster/placement.h), rule by rule as
// its contract states them.
#include "reconcile/cluster/placement.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace rtm {
namespace {

using ::testing::ElementsAre;

// A node that is alive and Ready, or (ready false) Lost.
NodeView Node(std::string name, size_t max_runtimes = 0,
              std::map<std::string, std::string> labels = {}, bool ready = true) {
  return NodeView{std::move(name), std::move(labels), max_runtimes, ready,
                  /*keeps_games=*/ready};
}

GameToPlace Game(std::string name) { return GameToPlace{.name = std::move(name)}; }

GameToPlace Assigned(std::string name, std::string node) {
  GameToPlace game = Game(std::move(name));
  game.assigned_node = std::move(node);
  return game;
}

Placement Assign(std::string game, std::string node, std::string reason) {
  return Placement{std::move(game), Placement::Kind::kAssign, std::move(node),
                   std::move(reason)};
}
Placement Keep(std::string game, std::string node) {
  return Placement{std::move(game), Placement::Kind::kKeep, std::move(node), ""};
}
Placement Pending(std::string game, std::string reason) {
  return Placement{std::move(game), Placement::Kind::kPending, "",
                   std::move(reason)};
}

TEST(PlacementTest, NewGamesSpreadToTheNodeWithFewestGamesTiesByName) {
  const auto placements =
      PlaceGames({Node("b"), Node("a"), Node("c")},
                 {Assigned("kept", "b"), Game("g1"), Game("g2"), Game("g3")});

  EXPECT_THAT(placements, ElementsAre(Keep("kept", "b"),
                                      Assign("g1", "a", "scheduled"),
                                      Assign("g2", "c", "scheduled"),
                                      Assign("g3", "a", "scheduled")));
}

TEST(PlacementTest, CapacityIsRespectedAndAFullClusterLeavesGamesPending) {
  const auto placements = PlaceGames(
      {Node("a", 1), Node("b", 2)},
      {Assigned("on-b", "b"), Game("g1"), Game("g2"), Game("g3")});

  EXPECT_THAT(placements,
              ElementsAre(Keep("on-b", "b"), Assign("g1", "a", "scheduled"),
                          Assign("g2", "b", "scheduled"),
                          Pending("g3", "0/2 nodes available: 2 full")));
}

TEST(PlacementTest, KeptGamesCountBeforeAnythingIsPlaced) {
  // The kept game comes last in the input, yet its slot is taken first.
  const auto placements =
      PlaceGames({Node("a", 1)}, {Game("new"), Assigned("old", "a")});

  EXPECT_THAT(placements, ElementsAre(Pending("new", "0/1 nodes available: 1 full"),
                                      Keep("old", "a")));
}

TEST(PlacementTest, SelectorNarrowsTheNodesAndPendingSaysWhy) {
  const std::map<std::string, std::string> eu = {{"region", "eu"}};
  GameToPlace wants_eu = Game("eu-game");
  wants_eu.node_selector = eu;
  GameToPlace wants_us = Game("us-game");
  wants_us.node_selector = {{"region", "us"}};

  const auto placements = PlaceGames(
      {Node("a", 0, {{"region", "us"}, {"gpu", "no"}}),
       Node("b", 0, {{"region", "eu"}}), Node("c", 0, eu, /*ready=*/false)},
      {wants_eu, wants_us, Game("any")});

  EXPECT_THAT(placements, ElementsAre(Assign("eu-game", "b", "nodeSelector"),
                                      Assign("us-game", "a", "nodeSelector"),
                                      Assign("any", "a", "scheduled")));
  GameToPlace wants_asia = Game("asia");
  wants_asia.node_selector = {{"region", "asia"}};
  EXPECT_THAT(PlaceGames({Node("a", 0, {{"region", "us"}}), Node("c", 0, eu, false)},
                         {wants_asia}),
              ElementsAre(Pending(
                  "asia", "0/2 nodes available: 1 not ready, 1 do not match nodeSelector")));
}

TEST(PlacementTest, GamesOfALostNodeMoveButPinnedOnesStay) {
  GameToPlace pinned = Assigned("pinned", "a");
  pinned.node_name = "a";
  const auto placements =
      PlaceGames({Node("a", 0, {}, /*ready=*/false), Node("b")},
                 {Assigned("moved", "a"), pinned});

  EXPECT_THAT(placements,
              ElementsAre(Assign("moved", "b", "scheduled"), Keep("pinned", "a")));
}

TEST(PlacementTest, ANodeWhoseLeaseLapsedKeepsItsGamesButTakesNoNewOne) {
  NodeView suspect = Node("a");
  suspect.ready = false;  // not alive, not yet Lost
  const auto placements =
      PlaceGames({suspect, Node("b")}, {Assigned("kept", "a"), Game("new")});

  EXPECT_THAT(placements,
              ElementsAre(Keep("kept", "a"), Assign("new", "b", "scheduled")));
}

TEST(PlacementTest, PinnedGamesGoToTheirNodeOrWaitForIt) {
  GameToPlace to_b = Game("to-b");
  to_b.node_name = "b";
  GameToPlace to_lost = Game("to-lost");
  to_lost.node_name = "lost";
  GameToPlace to_ghost = Game("to-ghost");
  to_ghost.node_name = "ghost";
  GameToPlace to_full = Game("to-full");
  to_full.node_name = "full";

  const auto placements = PlaceGames(
      {Node("a"), Node("b"), Node("lost", 0, {}, false), Node("full", 1)},
      {Assigned("filler", "full"), to_b, to_lost, to_ghost, to_full});

  EXPECT_THAT(placements,
              ElementsAre(Keep("filler", "full"), Assign("to-b", "b", "pinned"),
                          Pending("to-lost", "node lost is not ready"),
                          Pending("to-ghost", "node ghost is not registered"),
                          Pending("to-full", "node full is full (1 games)")));
}

TEST(PlacementTest, AGameWhoseSelectorNoLongerMatchesItsNodeMoves) {
  GameToPlace game = Assigned("g", "a");
  game.node_selector = {{"tier", "big"}};
  const auto placements =
      PlaceGames({Node("a"), Node("b", 0, {{"tier", "big"}})}, {game});

  EXPECT_THAT(placements, ElementsAre(Assign("g", "b", "nodeSelector")));
}

TEST(PlacementTest, PlacingAgainWithTheResultAppliedChangesNothing) {
  std::vector<NodeView> nodes = {Node("a", 2), Node("b", 1, {{"zone", "x"}})};
  std::vector<GameToPlace> games = {Game("g1"), Game("g2"), Game("g3"), Game("g4")};
  games[1].node_selector = {{"zone", "x"}};

  const auto first = PlaceGames(nodes, games);
  for (size_t i = 0; i < games.size(); ++i) {
    if (first[i].kind != Placement::Kind::kPending) {
      games[i].assigned_node = first[i].node;
    }
  }
  const auto second = PlaceGames(nodes, games);

  for (size_t i = 0; i < games.size(); ++i) {
    if (first[i].kind == Placement::Kind::kPending) {
      EXPECT_EQ(second[i], first[i]);
    } else {
      EXPECT_EQ(second[i], Keep(games[i].name, first[i].node));
    }
  }
}

}  // namespace
}  // namespace rtm

namespace rtm {
namespace {

TEST(PlacementOrderTest, ConstrainedGamesAreServedBeforeFreeOnes) {
  GameToPlace zoned{.name = "zoned", .node_selector = {{"zone", "a"}}};
  GameToPlace pinned{.name = "pinned", .node_name = "b"};
  const std::vector<NodeView> nodes = {
      NodeView{"a", {{"zone", "a"}}, 1, true, true},
      NodeView{"b", {}, 1, true, true}};

  // Listed first, the free game would take a's only slot, or b's.
  const auto placements = PlaceGames(
      nodes, {GameToPlace{.name = "free"}, zoned, pinned});

  EXPECT_EQ(placements[0].kind, Placement::Kind::kPending);  // no room left
  EXPECT_EQ(placements[1].node, "a");
  EXPECT_EQ(placements[2].node, "b");
}

}  // namespace
}  // namespace rtm
