#include "controller/cli/node_views.h"

#include <gtest/gtest.h>

#include "test/controller/cli/node_fixtures.h"

namespace rtm {
namespace {

using Json = nlohmann::json;
using testing_support::ClusterNodes;

const Timestamp kNow = *ParseRfc3339("2026-11-25T03:00:00.000Z");

TEST(NodesTableTest, MarksTheLeaderShowsNoLimitAsDashAndAgesSinceTheStart) {
  EXPECT_EQ(NodesTable(ClusterNodes()["items"], "node-a", kNow),
            "NAME      STATE            GAMES   CAPACITY   LABELS             HEARTBEAT   AGE\n"
            "node-a*   Ready            3       10         zone=eu            2s          5m\n"
            "node-b    Ready,NotAlive   0       -          -                  -           1d\n"
            "node-c    Lost             1       4          disk=ssd,zone=us   -           1h\n");
}

TEST(NodesTableTest, NoLeaderMarksNoNodeAndHeartbeatsReadAsAges) {
  Json nodes = ClusterNodes()["items"];
  nodes[0]["lastHeartbeatSecondsAgo"] = 75;
  const std::string table = NodesTable(nodes, "", kNow);
  EXPECT_EQ(table.find('*'), std::string::npos);
  EXPECT_NE(table.find(" 1m "), std::string::npos) << table;  // 75s
}

TEST(NodesTableTest, MissingFieldsShowAsDashes) {
  EXPECT_EQ(NodesTable(Json::array({Json{{"name", "node-x"}}}), "node-y", kNow),
            "NAME     STATE   GAMES   CAPACITY   LABELS   HEARTBEAT   AGE\n"
            "node-x   -       -       -          -        -           -\n");
}

}  // namespace
}  // namespace rtm
