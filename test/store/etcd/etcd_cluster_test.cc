// The cluster's ports on etcd (store/etcd/etcd_cluster.h) against a real
// etcd: membership on a lease, one leader at a time, writes fenced by the
// term and the assignment token, and the watch-cache view.
#include "store/etcd/etcd_cluster.h"

#include <chrono>
#include <memory>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/etcd/etcd_store.h"
#include "test/mocks/fake_clock.h"
#include "test/store/etcd/etcd_test_cluster.h"
#include "test/store/store_test_data.h"

namespace rtm {
namespace {

using namespace std::chrono_literals;

class EtcdClusterTest : public ::testing::Test {
 protected:
  std::unique_ptr<EtcdCluster> Open(const std::string& node) {
    auto cluster = EtcdCluster::Open(client_, keys_, node);
    EXPECT_TRUE(cluster.has_value()) << cluster.error().message;
    return cluster ? *std::move(cluster) : nullptr;
  }

  static NodeInfo Info(const std::string& name,
                       std::map<std::string, std::string> labels = {}) {
    return NodeInfo{name, std::move(labels), 5,
                    Timestamp(std::chrono::hours(1000))};
  }

  // Waits until `view` shows what `holds` checks (the watch is async).
  static bool Shows(ClusterView& view,
                    const std::function<bool(const ClusterSnapshot&)>& holds) {
    return e2e::WaitFor([&] { return holds(view.Snapshot()); }, 10s, 10ms);
  }

  etcd::Client client_{SharedEtcd().endpoints()};
  EtcdKeys keys_{UniqueEtcdPrefix("cluster")};
};

TEST_F(EtcdClusterTest, JoinPublishesTheNodeAndItsLivenessUntilItLeaves) {
  auto a = Open("a");
  auto b = Open("b");
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(a->Join(Info("a", {{"zone", "x"}}), 10s).has_value());
  ASSERT_TRUE(b->Join(Info("b"), 10s).has_value());

  ASSERT_TRUE(Shows(*a, [](const ClusterSnapshot& snapshot) {
    return snapshot.nodes.size() == 2 && snapshot.nodes[0].alive &&
           snapshot.nodes[1].alive;
  }));
  const ClusterSnapshot joined = a->Snapshot();
  EXPECT_EQ(joined.nodes[0].info, Info("a", {{"zone", "x"}}));
  EXPECT_EQ(joined.nodes[0].state, NodeState::kReady);
  EXPECT_EQ(b->Renew(), Expected<bool>(true));
  auto ages = a->HeartbeatAges();
  ASSERT_TRUE(ages.has_value()) << ages.error().message;
  ASSERT_EQ(ages->size(), 2u);
  EXPECT_LE(ages->at("b"), 2s);  // just renewed (etcd counts whole seconds)

  ASSERT_TRUE(b->Leave().has_value());

  EXPECT_TRUE(Shows(*a, [](const ClusterSnapshot& snapshot) {
    const NodeRecord* left = snapshot.FindNode("b");
    return left != nullptr && !left->alive;  // still listed, not alive
  }));
  EXPECT_EQ(b->Renew(), Expected<bool>(false));
}

TEST_F(EtcdClusterTest, ALeaseThatIsNotRenewedExpiresAndRenewSaysSo) {
  auto a = Open("a");
  ASSERT_TRUE(a);
  ASSERT_TRUE(a->Join(Info("a"), 2s).has_value());
  ASSERT_TRUE(Shows(*a, [](const ClusterSnapshot& snapshot) {
    return snapshot.FindNode("a") && snapshot.FindNode("a")->alive;
  }));

  // Nobody renews: etcd drops alive/a after the ttl.
  EXPECT_TRUE(Shows(*a, [](const ClusterSnapshot& snapshot) {
    return snapshot.FindNode("a") && !snapshot.FindNode("a")->alive;
  }));
  EXPECT_EQ(a->Renew(), Expected<bool>(false));
}

TEST_F(EtcdClusterTest, OneLeaderAtATimeAndEachNewTermIsHigher) {
  auto a = Open("a");
  auto b = Open("b");
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(a->Join(Info("a"), 10s).has_value());
  ASSERT_TRUE(b->Join(Info("b"), 10s).has_value());

  auto first = a->Campaign();
  ASSERT_TRUE(first.has_value() && first->has_value());
  auto other = b->Campaign();
  ASSERT_TRUE(other.has_value());
  EXPECT_EQ(*other, std::nullopt);
  auto again = a->Campaign();
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(*again, **first);  // still leading, same term
  ASSERT_TRUE(Shows(*b, [&](const ClusterSnapshot& snapshot) {
    return snapshot.leader == Leadership{"a", **first};
  }));

  ASSERT_TRUE(a->Leave().has_value());  // the leadership goes with the lease
  auto second = b->Campaign();

  ASSERT_TRUE(second.has_value() && second->has_value());
  EXPECT_GT(**second, **first);
  EXPECT_TRUE(Shows(*a, [&](const ClusterSnapshot& snapshot) {
    return snapshot.leader == Leadership{"b", **second};
  }));
}

TEST_F(EtcdClusterTest, LeaderWritesAreFencedByTheTermAndTheToken) {
  auto a = Open("a");
  auto b = Open("b");
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(a->Join(Info("a"), 10s).has_value());
  ASSERT_TRUE(b->Join(Info("b"), 10s).has_value());
  const uint64_t term_a = **a->Campaign();

  auto placed = a->Assign(Assignment{"g", "a", "scheduled", 0}, term_a);
  ASSERT_TRUE(placed.has_value()) << placed.error().message;
  auto twice = a->Assign(Assignment{"g", "b", "scheduled", 0}, term_a);
  ASSERT_FALSE(twice.has_value());  // token 0: must not be assigned yet
  EXPECT_EQ(twice.error().code, ErrorCode::kConflict);

  ASSERT_TRUE(a->Leave().has_value());
  const uint64_t term_b = **b->Campaign();
  auto by_old_leader = a->Assign(Assignment{"g", "a", "scheduled", *placed}, term_a);
  ASSERT_FALSE(by_old_leader.has_value());
  EXPECT_EQ(by_old_leader.error().code, ErrorCode::kConflict);
  EXPECT_FALSE(a->MarkNode("b", NodeState::kLost, Timestamp{}, term_a).has_value());

  auto moved = b->Assign(Assignment{"g", "b", "scheduled", *placed}, term_b);
  ASSERT_TRUE(moved.has_value()) << moved.error().message;
  EXPECT_GT(*moved, *placed);  // the token grows with every reassignment
  const Timestamp since(std::chrono::hours(2000));
  ASSERT_TRUE(b->MarkNode("a", NodeState::kLost, since, term_b).has_value());

  ASSERT_TRUE(Shows(*b, [&](const ClusterSnapshot& snapshot) {
    const Assignment* g = snapshot.FindAssignment("g");
    const NodeRecord* lost = snapshot.FindNode("a");
    return g && *g == Assignment{"g", "b", "scheduled", *moved} && lost &&
           lost->state == NodeState::kLost && lost->state_since == since;
  }));
  EXPECT_FALSE(b->Unassign("g", *placed, term_b).has_value());  // stale token
  ASSERT_TRUE(b->Unassign("g", *moved, term_b).has_value());
  EXPECT_TRUE(Shows(*a, [](const ClusterSnapshot& snapshot) {
    return snapshot.assignments.empty();
  }));
}

}  // namespace
}  // namespace rtm

namespace rtm {
namespace {

using namespace std::chrono_literals;

// docs/cluster.md "Fencing": an agent's status write for a game carries the
// game's assignment token; a node the game moved away from is refused.
TEST(EtcdFencingTest, StatusWritesOfANodeTheGameMovedAwayFromAreRefused) {
  const std::string prefix = UniqueEtcdPrefix("fencing");
  FakeClock clock;
  auto open = [&](const std::string& node) {
    EtcdStoreOptions options;
    options.endpoints = SharedEtcd().endpoints();
    options.prefix = prefix;
    options.node = node;
    auto store = EtcdStore::Open(std::move(options), clock);
    EXPECT_TRUE(store.has_value()) << store.error().message;
    return store ? *std::move(store) : nullptr;
  };
  auto a = open("a");
  auto b = open("b");
  ASSERT_TRUE(a && b);
  EtcdCluster& leader = *a->cluster();
  ASSERT_TRUE(leader.Join(NodeInfo{.name = "a"}, 10s).has_value());
  const uint64_t term = **leader.Campaign();
  auto sees = [](EtcdCluster& view, const std::string& node) {
    return e2e::WaitFor(
        [&] {
          const ClusterSnapshot snapshot = view.Snapshot();
          const Assignment* g = snapshot.FindAssignment("g");
          return g != nullptr && g->node == node;
        },
        10s, 10ms);
  };

  auto unplaced = a->statuses().Put("g", RuntimeStatusView{});
  ASSERT_FALSE(unplaced.has_value());
  EXPECT_EQ(unplaced.error().code, ErrorCode::kConflict);
  EXPECT_THAT(unplaced.error().message, ::testing::HasSubstr("unplaced"));

  auto on_a = leader.Assign(Assignment{"g", "a", "scheduled", 0}, term);
  ASSERT_TRUE(on_a.has_value());
  ASSERT_TRUE(sees(*a->cluster(), "a"));
  RuntimeStatusView status;
  status.node_name = "a";
  ASSERT_TRUE(Track(status, a->statuses().Put("g", status)));

  // The game moves to b while a still believes it is a's.
  auto on_b = leader.Assign(Assignment{"g", "b", "scheduled", *on_a}, term);
  ASSERT_TRUE(on_b.has_value());
  ASSERT_TRUE(sees(*b->cluster(), "b"));
  auto stale = a->statuses().Put("g", status);
  ASSERT_FALSE(stale.has_value());
  EXPECT_EQ(stale.error().code, ErrorCode::kConflict);
  status.node_name = "b";
  EXPECT_TRUE(Track(status, b->statuses().Put("g", status)));
  EXPECT_EQ(b->statuses().Get("g")->node_name, "b");
}

}  // namespace
}  // namespace rtm
