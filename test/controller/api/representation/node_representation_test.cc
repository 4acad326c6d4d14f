// The nodes of GET /v1/nodes: golden JSON.
#include "controller/api/representation/node_representation.h"

#include <gtest/gtest.h>

#include "controller/api/representation/representation_support.h"
#include "test/controller/api/representation/representation_fixtures.h"

namespace rtm::api {
namespace {

using api_test::At;
using std::chrono::milliseconds;

// node-a: alive, Ready, leading, 2 games; node-b: lost, 1 game; a game
// assigned to a node that left counts for no listed node.
ClusterSnapshot TwoNodes() {
  ClusterSnapshot cluster;
  cluster.revision = 31;
  cluster.nodes = {
      NodeRecord{.info = {.name = "node-a",
                          .labels = {{"zone", "eu"}, {"disk", "ssd"}},
                          .max_runtimes = 10,
                          .started_at = At("2026-11-25T02:00:00.000Z")},
                 .alive = true},
      NodeRecord{.info = {.name = "node-b", .started_at = At("2026-11-25T01:00:00.500Z")},
                 .alive = false,
                 .state = NodeState::kLost,
                 .state_since = At("2026-11-25T02:30:00.000Z")},
  };
  cluster.assignments = {
      {"duel-1", Assignment{"duel-1", "node-a", "scheduled", 11}},
      {"lobby-1", Assignment{"lobby-1", "node-a", "pinned", 12}},
      {"raid-1", Assignment{"raid-1", "node-b", "nodeSelector", 13}},
      {"solo-1", Assignment{"solo-1", "node-gone", "scheduled", 14}},
  };
  cluster.leader = Leadership{"node-a", 3};
  return cluster;
}

TEST(NodeRepresentationTest, RendersEveryFieldOfAliveAndLostNodes) {
  // node-b's age is ignored: a node that is not alive has no heartbeat.
  const std::map<std::string, Duration> ages{{"node-a", milliseconds(2900)},
                                             {"node-b", milliseconds(7000)}};
  EXPECT_EQ(JsonText(RenderNodes(TwoNodes(), ages)),
            R"({"items":[)"
            R"({"alive":true,"games":2,"labels":{"disk":"ssd","zone":"eu"},)"
            R"("lastHeartbeatSecondsAgo":2,"maxRuntimes":10,"name":"node-a",)"
            R"("startedAt":"2026-11-25T02:00:00.000Z","state":"Ready"},)"
            R"({"alive":false,"games":1,"labels":{},"maxRuntimes":0,"name":"node-b",)"
            R"("startedAt":"2026-11-25T01:00:00.500Z","state":"Lost",)"
            R"("stateSince":"2026-11-25T02:30:00.000Z"}],)"
            R"("leader":"node-a"})");
}

TEST(NodeRepresentationTest, UnknownHeartbeatsAndNoLeaderAreLeftOut) {
  ClusterSnapshot cluster = TwoNodes();
  cluster.leader.reset();
  const nlohmann::json rendered = RenderNodes(cluster, {});
  EXPECT_FALSE(rendered.contains("leader"));
  EXPECT_FALSE(rendered["items"][0].contains("lastHeartbeatSecondsAgo"));
  EXPECT_EQ(rendered["items"][0]["alive"], true);
}

TEST(NodeRepresentationTest, AnEmptyClusterIsAnEmptyList) {
  EXPECT_EQ(JsonText(RenderNodes(ClusterSnapshot{}, {})), R"({"items":[]})");
}

}  // namespace
}  // namespace rtm::api
