// One scheduling round (reconcile/cluster/scheduling.h), rule by rule.
#include "reconcile/cluster/scheduling.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace rtm {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

const Timestamp kNow(std::chrono::hours(1000));

NodeRecord Node(std::string name, bool alive = true,
                NodeState state = NodeState::kReady) {
  NodeRecord node;
  node.info.name = std::move(name);
  node.alive = alive;
  node.state = state;
  return node;
}

DesiredRuntime Desired(std::string name, std::string pinned = "") {
  DesiredRuntime desired;
  desired.name = std::move(name);
  desired.spec.image = "img:1";
  desired.spec.node_name = std::move(pinned);
  return desired;
}

class SchedulingTest : public ::testing::Test {
 protected:
  void Assign(const std::string& game, const std::string& node, uint64_t token) {
    input_.cluster.assignments[game] = Assignment{game, node, "scheduled", token};
  }
  const Condition* ConditionOf(const RuntimeStatusView& status,
                               const std::string& type) {
    for (const Condition& condition : status.conditions) {
      if (condition.type == type) return &condition;
    }
    return nullptr;
  }

  SchedulingInput input_{.now = kNow, .node_lost_after = 30s};
};

TEST_F(SchedulingTest, ANodeDownForNodeLostAfterIsLostAndItsGamesMove) {
  input_.cluster.nodes = {Node("a"), Node("b", /*alive=*/false)};
  input_.down_since["b"] = kNow - 31s;
  input_.desired = {Desired("g1")};
  Assign("g1", "b", 7);

  const SchedulingRound round = PlanSchedulingRound(input_);

  EXPECT_THAT(round.marks, ElementsAre(NodeMark{"b", NodeState::kLost, kNow - 31s}));
  EXPECT_THAT(round.assign, ElementsAre(Assignment{"g1", "a", "scheduled", 7}));
  EXPECT_THAT(round.statuses, IsEmpty());
}

TEST_F(SchedulingTest, ANodeDownForLessKeepsItsGamesUntilItsTimeComes) {
  input_.cluster.nodes = {Node("a"), Node("b", /*alive=*/false)};
  input_.down_since["b"] = kNow - 10s;
  input_.desired = {Desired("kept"), Desired("new")};
  Assign("kept", "b", 7);

  const SchedulingRound round = PlanSchedulingRound(input_);

  EXPECT_THAT(round.marks, IsEmpty());
  EXPECT_THAT(round.assign, ElementsAre(Assignment{"new", "a", "scheduled", 0}));
  EXPECT_EQ(round.next_check, kNow + 20s);
}

TEST_F(SchedulingTest, ALostNodeThatIsAliveAgainIsReadyAndTakesGames) {
  input_.cluster.nodes = {Node("a", /*alive=*/true, NodeState::kLost)};
  input_.desired = {Desired("g")};

  const SchedulingRound round = PlanSchedulingRound(input_);

  EXPECT_THAT(round.marks, ElementsAre(NodeMark{"a", NodeState::kReady, kNow}));
  EXPECT_THAT(round.assign, ElementsAre(Assignment{"g", "a", "scheduled", 0}));
}

TEST_F(SchedulingTest, ADeletedGameIsUnassignedOnlyOnceItsNodeRemovedIt) {
  input_.cluster.nodes = {Node("a")};
  DesiredRuntime deleted = Desired("g");
  deleted.deleted = true;
  input_.desired = {deleted};
  Assign("g", "a", 9);
  RuntimeStatusView running;
  running.phase = Phase::kRunning;
  input_.statuses["g"] = running;

  EXPECT_THAT(PlanSchedulingRound(input_).unassign, IsEmpty());

  input_.statuses["g"].phase = Phase::kRemoved;
  EXPECT_THAT(PlanSchedulingRound(input_).unassign,
              ElementsAre(Assignment{"g", "a", "scheduled", 9}));
}

TEST_F(SchedulingTest, AnAssignmentWithoutADesiredObjectIsRemoved) {
  input_.cluster.nodes = {Node("a")};
  Assign("ghost", "a", 4);

  EXPECT_THAT(PlanSchedulingRound(input_).unassign,
              ElementsAre(Assignment{"ghost", "a", "scheduled", 4}));
}

TEST_F(SchedulingTest, AnUnplacedGameIsPendingWithTheReasonWrittenOnce) {
  input_.cluster.nodes = {Node("a", /*alive=*/false, NodeState::kLost)};
  input_.desired = {Desired("g")};
  input_.statuses["g"].revision = 3;

  const SchedulingRound round = PlanSchedulingRound(input_);

  ASSERT_EQ(round.statuses.size(), 1u);
  const RuntimeStatusView& status = round.statuses[0].status;
  EXPECT_EQ(status.phase, Phase::kPending);
  EXPECT_EQ(status.revision, 3u);  // the CAS replaces what was read
  const Condition* scheduled = ConditionOf(status, "Scheduled");
  ASSERT_NE(scheduled, nullptr);
  EXPECT_EQ(scheduled->status, ConditionStatus::kFalse);
  EXPECT_EQ(scheduled->reason, "Unschedulable");
  EXPECT_EQ(scheduled->message, "0/1 nodes available: 1 not ready");
  EXPECT_EQ(scheduled->last_transition_time, kNow);

  input_.statuses["g"] = status;  // written
  input_.now = kNow + 1min;
  EXPECT_THAT(PlanSchedulingRound(input_).statuses, IsEmpty());
}

TEST_F(SchedulingTest, APinnedGameOnALostNodeIsUnknownAndStays) {
  input_.cluster.nodes = {Node("a", /*alive=*/false, NodeState::kLost), Node("b")};
  input_.desired = {Desired("g", "a")};
  Assign("g", "a", 5);

  const SchedulingRound round = PlanSchedulingRound(input_);

  EXPECT_THAT(round.assign, IsEmpty());
  ASSERT_EQ(round.statuses.size(), 1u);
  EXPECT_EQ(round.statuses[0].status.phase, Phase::kUnknown);
  const Condition* ready = ConditionOf(round.statuses[0].status, "Ready");
  ASSERT_NE(ready, nullptr);
  EXPECT_EQ(ready->status, ConditionStatus::kUnknown);
  EXPECT_EQ(ready->reason, "NodeLost");
}

TEST_F(SchedulingTest, NothingToDoIsAnEmptyRound) {
  input_.cluster.nodes = {Node("a")};
  input_.desired = {Desired("g")};
  Assign("g", "a", 2);

  const SchedulingRound round = PlanSchedulingRound(input_);

  EXPECT_TRUE(round.empty());
  EXPECT_EQ(round.next_check, std::nullopt);
}

TEST(NoteLivenessTest, DownSinceTheFirstSightingAndForgottenWhenAlive) {
  ClusterSnapshot cluster;
  cluster.nodes = {Node("a"), Node("b", /*alive=*/false)};
  std::map<std::string, Timestamp> down_since = {{"gone", kNow - 1h}};

  NoteLiveness(cluster, kNow, down_since);
  NoteLiveness(cluster, kNow + 5s, down_since);  // still down: first sighting

  EXPECT_EQ(down_since, (std::map<std::string, Timestamp>{{"b", kNow}}));
  cluster.nodes[1].alive = true;
  NoteLiveness(cluster, kNow + 6s, down_since);
  EXPECT_TRUE(down_since.empty());
}

}  // namespace
}  // namespace rtm
