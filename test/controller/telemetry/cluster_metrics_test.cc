// The cluster's part of /metrics (controller/telemetry/cluster_metrics.h).
#include "controller/telemetry/cluster_metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace rtm {
namespace {

using ::testing::HasSubstr;

TEST(ClusterMetricsTest, CountsNodesGamesLeadershipAndTheSchedulersWork) {
  ClusterSnapshot cluster;
  NodeRecord a;
  a.info.name = "a";
  a.alive = true;
  NodeRecord b;
  b.info.name = "b";
  b.alive = false;
  b.state = NodeState::kLost;
  cluster.nodes = {a, b};
  cluster.assignments = {{"g1", {"g1", "a", "scheduled", 3}},
                         {"g2", {"g2", "a", "pinned", 4}}};
  cluster.leader = Leadership{"a", 7};

  const std::string text = RenderClusterMetrics(cluster, "a", {5, 2, 1});

  EXPECT_THAT(text, HasSubstr("# TYPE rtm_cluster_nodes gauge\n"));
  EXPECT_THAT(text, HasSubstr("rtm_cluster_nodes{state=\"Ready\",alive=\"true\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("rtm_cluster_nodes{state=\"Lost\",alive=\"false\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("rtm_cluster_nodes{state=\"Ready\",alive=\"false\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("rtm_cluster_node_games{node=\"a\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("rtm_cluster_node_games{node=\"b\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("rtm_cluster_leader{node=\"a\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("rtm_scheduler_rounds_total 5\n"));
  EXPECT_THAT(text, HasSubstr("rtm_scheduler_assignments_total 2\n"));
  EXPECT_THAT(text, HasSubstr("rtm_scheduler_refused_writes_total 1\n"));
  EXPECT_THAT(RenderClusterMetrics(cluster, "b", {}),
              HasSubstr("rtm_cluster_leader{node=\"b\"} 0\n"));
}

}  // namespace
}  // namespace rtm

namespace rtm {
namespace {

TEST(EtcdTrafficMetricsTest, EveryCounterWithItsType) {
  const std::string text = RenderEtcdTraffic({12, 2, 3400, 56000});

  EXPECT_THAT(text, ::testing::HasSubstr("# TYPE rtm_etcd_requests_total counter\nrtm_etcd_requests_total 12\n"));
  EXPECT_THAT(text, ::testing::HasSubstr("rtm_etcd_watches_opened_total 2\n"));
  EXPECT_THAT(text, ::testing::HasSubstr("rtm_etcd_sent_bytes_total 3400\n"));
  EXPECT_THAT(text, ::testing::HasSubstr("rtm_etcd_received_bytes_total 56000\n"));
}

}  // namespace
}  // namespace rtm
