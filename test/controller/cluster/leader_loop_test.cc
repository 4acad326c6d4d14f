// LeaderLoop::RunRound (controller/cluster/leader_loop.h) against mocked
// cluster and store ports and a FakeClock: what one scheduling round
// reads and writes, every write fenced by the term. The loop's thread is
// never started.
#include "controller/cluster/leader_loop.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test/mocks/fake_change_feed.h"
#include "test/mocks/fake_clock.h"
#include "test/mocks/mock_cluster_scheduling.h"
#include "test/mocks/mock_cluster_view.h"
#include "test/mocks/mock_desired_state_store.h"
#include "test/mocks/mock_logger.h"

namespace rtm {
namespace {

using ::testing::_;
using ::testing::AnyNumber;
using ::testing::DoAll;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::InSequence;
using ::testing::Invoke;
using ::testing::NiceMock;
using ::testing::Return;
using ::testing::SaveArg;
using ::testing::StrictMock;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr uint64_t kTerm = 5;
constexpr Duration kLostAfter = seconds(30);

NodeRecord Node(std::string name, bool alive,
                NodeState state = NodeState::kReady,
                std::map<std::string, std::string> labels = {}) {
  NodeRecord node;
  node.info.name = std::move(name);
  node.info.labels = std::move(labels);
  node.alive = alive;
  node.state = state;
  return node;
}

DesiredRuntime Game(std::string name,
                    std::map<std::string, std::string> selector = {},
                    std::string pinned = "") {
  DesiredRuntime game;
  game.name = std::move(name);
  game.spec.node_selector = std::move(selector);
  game.spec.node_name = std::move(pinned);
  return game;
}

Assignment Assigned(std::string game, std::string node, uint64_t token) {
  return Assignment{std::move(game), std::move(node), "scheduled", token};
}

const Condition* FindCondition(const RuntimeStatusView& status, std::string_view type) {
  for (const Condition& condition : status.conditions) {
    if (condition.type == type) return &condition;
  }
  return nullptr;
}

class LeaderLoopTest : public ::testing::Test {
 protected:
  LeaderLoopTest() {
    EXPECT_CALL(logger_, Log(_, _, _)).Times(AnyNumber());  // tests expect more
    ON_CALL(view_, Snapshot()).WillByDefault(Invoke([this] { return cluster_; }));
    ON_CALL(desired_, List()).WillByDefault(Invoke([this] {
      return Expected<std::vector<DesiredRuntime>>(desired_list_);
    }));
    ON_CALL(statuses_, Get(_)).WillByDefault(Invoke([this](std::string_view name) {
      auto found = stored_.find(std::string(name));
      if (found == stored_.end()) {
        return Expected<RuntimeStatusView>(
            Fail(ErrorCode::kNotFound, "no status of " + std::string(name)));
      }
      return Expected<RuntimeStatusView>(found->second);
    }));
  }

  void SetCluster(std::vector<NodeRecord> nodes, std::vector<Assignment> assignments = {}) {
    cluster_ = ClusterSnapshot{};
    // A snapshot is at least as new as every assignment in it (a token is
    // the revision of its write).
    cluster_.revision = ++revision_;
    for (const Assignment& assignment : assignments) {
      cluster_.revision = revision_ = std::max(revision_, assignment.token);
    }
    cluster_.nodes = std::move(nodes);
    for (Assignment& assignment : assignments) {
      std::string game = assignment.game;
      cluster_.assignments.emplace(std::move(game), std::move(assignment));
    }
  }

  FakeClock clock_;
  NiceMock<MockClusterView> view_;
  StrictMock<MockClusterScheduling> scheduling_;  // every write is expected
  NiceMock<MockDesiredStateStore> desired_;
  NiceMock<MockStatusStore> statuses_;
  FakeChangeFeed changes_;
  NiceMock<MockLogger> logger_;
  int leads_ = 0;
  LeaderLoop loop_{view_,   scheduling_, desired_, statuses_, changes_, clock_, logger_,
                   LeaderLoopOptions{.node_lost_after = kLostAfter},
                   [this] { ++leads_; }};

  ClusterSnapshot cluster_;
  uint64_t revision_ = 0;
  std::vector<DesiredRuntime> desired_list_;
  std::map<std::string, RuntimeStatusView> stored_;
};

TEST_F(LeaderLoopTest, ANewGameGoesToTheOneLiveNodeUnderTheTerm) {
  SetCluster({Node("a", true)});
  desired_list_ = {Game("g1")};
  EXPECT_CALL(scheduling_, Assign(Assigned("g1", "a", 0), kTerm)).WillOnce(Return(100u));
  EXPECT_CALL(statuses_, Get(_)).Times(0);  // no status to write, none read

  EXPECT_TRUE(loop_.RunRound(kTerm));
  EXPECT_EQ(loop_.next_check(), std::nullopt);
  EXPECT_EQ(leads_, 0);  // on_lead is the thread's, on a new leadership
}

TEST_F(LeaderLoopTest, ARoundWithNothingToDoWritesNothing) {
  SetCluster({Node("a", true), Node("b", true)},
             {Assigned("g1", "a", 40), Assigned("g2", "b", 41)});
  desired_list_ = {Game("g1"), Game("g2")};
  // StrictMock scheduling: any write fails the test.
  EXPECT_TRUE(loop_.RunRound(kTerm));
  EXPECT_TRUE(loop_.RunRound(kTerm));
  EXPECT_EQ(loop_.next_check(), std::nullopt);
}

TEST_F(LeaderLoopTest, AGameOnANodeDownForNodeLostAfterMovesWithItsToken) {
  SetCluster({Node("a", true), Node("b", false)}, {Assigned("g1", "b", 40)});
  desired_list_ = {Game("g1")};
  const Timestamp went_down = clock_.Now();

  // First seen down: b keeps its game, takes none, and a round is due when
  // its node-lost-after runs out.
  EXPECT_TRUE(loop_.RunRound(kTerm));
  EXPECT_EQ(loop_.next_check(), went_down + kLostAfter);

  clock_.Advance(kLostAfter - milliseconds(1));
  EXPECT_TRUE(loop_.RunRound(kTerm));  // not yet: still nothing written
  EXPECT_EQ(loop_.next_check(), went_down + kLostAfter);

  clock_.Advance(milliseconds(1));
  {
    InSequence marks_first;
    EXPECT_CALL(scheduling_, MarkNode("b", NodeState::kLost, went_down, kTerm))
        .WillOnce(Return(Expected<void>{}));
    EXPECT_CALL(scheduling_, Assign(Assigned("g1", "a", 40), kTerm)).WillOnce(Return(120u));
  }
  EXPECT_TRUE(loop_.RunRound(kTerm));

  // The view caught up: b is Lost and g1 on a. A Lost node that stays down
  // needs no further round (no next_check), and nothing is written.
  ::testing::Mock::VerifyAndClearExpectations(&scheduling_);
  SetCluster({Node("a", true), Node("b", false, NodeState::kLost)},
             {Assigned("g1", "a", 120)});
  clock_.Advance(seconds(5));
  EXPECT_TRUE(loop_.RunRound(kTerm));
  EXPECT_EQ(loop_.next_check(), std::nullopt);
}

TEST_F(LeaderLoopTest, ANodeBackBeforeNodeLostAfterStartsItsCountAgain) {
  SetCluster({Node("a", true), Node("b", false)}, {Assigned("g1", "b", 40)});
  desired_list_ = {Game("g1")};
  EXPECT_TRUE(loop_.RunRound(kTerm));
  clock_.Advance(seconds(20));
  SetCluster({Node("a", true), Node("b", true)}, {Assigned("g1", "b", 40)});
  EXPECT_TRUE(loop_.RunRound(kTerm));
  EXPECT_EQ(loop_.next_check(), std::nullopt);

  clock_.Advance(seconds(20));  // 40s after b first went down
  SetCluster({Node("a", true), Node("b", false)}, {Assigned("g1", "b", 40)});
  const Timestamp down_again = clock_.Now();
  EXPECT_TRUE(loop_.RunRound(kTerm));  // down 0s: nothing
  EXPECT_EQ(loop_.next_check(), down_again + kLostAfter);

  clock_.Advance(kLostAfter);
  EXPECT_CALL(scheduling_, MarkNode("b", NodeState::kLost, down_again, kTerm))
      .WillOnce(Return(Expected<void>{}));
  EXPECT_CALL(scheduling_, Assign(Assigned("g1", "a", 40), kTerm)).WillOnce(Return(121u));
  EXPECT_TRUE(loop_.RunRound(kTerm));
}

TEST_F(LeaderLoopTest, ALostNodeAliveAgainIsMarkedReady) {
  SetCluster({Node("a", true), Node("b", true, NodeState::kLost)});
  EXPECT_CALL(scheduling_, MarkNode("b", NodeState::kReady, clock_.Now(), kTerm))
      .WillOnce(Return(Expected<void>{}));
  EXPECT_TRUE(loop_.RunRound(kTerm));
}

TEST_F(LeaderLoopTest, AnUnplaceableGameIsPendingOverTheStoredStatusRevision) {
  SetCluster({Node("a", true, NodeState::kReady, {{"zone", "eu"}})});
  desired_list_ = {Game("g1", {{"zone", "us"}})};
  RuntimeStatusView stored;
  stored.phase = Phase::kPending;
  stored.revision = 17;
  stored_["g1"] = stored;
  EXPECT_CALL(statuses_, Get(std::string_view("g1"))).Times(::testing::AtLeast(1));

  RuntimeStatusView written;
  EXPECT_CALL(scheduling_, WriteStatus(std::string_view("g1"), _, kTerm))
      .WillOnce(DoAll(SaveArg<1>(&written), Return(18u)));
  EXPECT_TRUE(loop_.RunRound(kTerm));

  EXPECT_EQ(written.phase, Phase::kPending);
  EXPECT_EQ(written.revision, 17u);  // the write replaces the stored one
  EXPECT_EQ(written.node_name, "");
  const Condition* scheduled = FindCondition(written, "Scheduled");
  ASSERT_NE(scheduled, nullptr);
  EXPECT_EQ(scheduled->status, ConditionStatus::kFalse);
  EXPECT_EQ(scheduled->reason, "Unschedulable");
  EXPECT_EQ(scheduled->message, "0/1 nodes available: 1 do not match nodeSelector");
  EXPECT_EQ(scheduled->last_transition_time, clock_.Now());
  const Condition* ready = FindCondition(written, "Ready");
  ASSERT_NE(ready, nullptr);
  EXPECT_EQ(ready->status, ConditionStatus::kFalse);

  // Stored as written: the next round (later) has nothing to write.
  ::testing::Mock::VerifyAndClearExpectations(&scheduling_);
  written.revision = 18;
  stored_["g1"] = written;
  clock_.Advance(seconds(10));
  EXPECT_TRUE(loop_.RunRound(kTerm));
}

TEST_F(LeaderLoopTest, APinnedGameOnALostNodeIsUnknown) {
  SetCluster({Node("a", true), Node("b", false, NodeState::kLost)},
             {Assignment{"g1", "b", "pinned", 40}});
  desired_list_ = {Game("g1", {}, "b")};
  RuntimeStatusView written;
  EXPECT_CALL(scheduling_, WriteStatus(std::string_view("g1"), _, kTerm))
      .WillOnce(DoAll(SaveArg<1>(&written), Return(3u)));
  EXPECT_TRUE(loop_.RunRound(kTerm));  // and no Assign: pinned games never move
  EXPECT_EQ(written.phase, Phase::kUnknown);
  EXPECT_EQ(written.node_name, "b");
  EXPECT_EQ(written.revision, 0u);  // none stored
  const Condition* ready = FindCondition(written, "Ready");
  ASSERT_NE(ready, nullptr);
  EXPECT_EQ(ready->status, ConditionStatus::kUnknown);
  EXPECT_EQ(ready->reason, "NodeLost");
}

TEST_F(LeaderLoopTest, ADeletedGameIsUnassignedOnceItsStatusSaysRemoved) {
  SetCluster({Node("a", true)},
             {Assigned("removed", "a", 40), Assigned("running", "a", 41),
              Assigned("undeclared", "a", 42)});
  DesiredRuntime removed = Game("removed");
  removed.deleted = true;
  DesiredRuntime running = Game("running");
  running.deleted = true;
  desired_list_ = {removed, running};
  stored_["removed"].phase = Phase::kRemoved;
  stored_["running"].phase = Phase::kRunning;

  EXPECT_CALL(scheduling_, Unassign(std::string_view("removed"), 40u, kTerm))
      .WillOnce(Return(Expected<void>{}));
  EXPECT_CALL(scheduling_, Unassign(std::string_view("undeclared"), 42u, kTerm))
      .WillOnce(Return(Expected<void>{}));
  EXPECT_TRUE(loop_.RunRound(kTerm));  // "running" keeps its node until removed
}

TEST_F(LeaderLoopTest, ARefusedWriteFailsTheRoundButTheOtherWritesAreTried) {
  SetCluster({Node("a", true, NodeState::kReady, {{"zone", "eu"}})},
             {Assigned("gone", "a", 30)});
  desired_list_ = {Game("g1"), Game("g2"), Game("g3", {{"zone", "us"}})};
  EXPECT_CALL(scheduling_, Assign(Field(&Assignment::game, "g1"), kTerm))
      .WillOnce(Return(Fail(ErrorCode::kConflict, "term 5 is over")));
  EXPECT_CALL(scheduling_, Assign(Field(&Assignment::game, "g2"), kTerm))
      .WillOnce(Return(101u));
  EXPECT_CALL(scheduling_, Unassign(std::string_view("gone"), 30u, kTerm))
      .WillOnce(Return(Fail(ErrorCode::kConflict, "moved")));
  EXPECT_CALL(scheduling_, WriteStatus(std::string_view("g3"), _, kTerm))
      .WillOnce(Return(1u));
  EXPECT_CALL(logger_, Log(LogLevel::kDebug, HasSubstr("write refused"), _)).Times(2);
  EXPECT_FALSE(loop_.RunRound(kTerm));
}

TEST_F(LeaderLoopTest, AFailedMarkStillLetsTheGamesMove) {
  SetCluster({Node("a", true), Node("b", false)}, {Assigned("g1", "b", 40)});
  desired_list_ = {Game("g1")};
  EXPECT_TRUE(loop_.RunRound(kTerm));
  clock_.Advance(kLostAfter);
  EXPECT_CALL(scheduling_, MarkNode("b", NodeState::kLost, _, kTerm))
      .WillOnce(Return(Fail(ErrorCode::kServiceUnavailable, "etcd unreachable")));
  EXPECT_CALL(scheduling_, Assign(Assigned("g1", "a", 40), kTerm)).WillOnce(Return(120u));
  EXPECT_CALL(logger_, Log(LogLevel::kWarn, HasSubstr("write refused"), _));
  EXPECT_FALSE(loop_.RunRound(kTerm));
}

TEST_F(LeaderLoopTest, AFailedDesiredListFailsTheRoundWithoutWriting) {
  SetCluster({Node("a", true)});
  EXPECT_CALL(desired_, List())
      .WillOnce(Return(Fail(ErrorCode::kServiceUnavailable, "etcd unreachable")));
  EXPECT_CALL(statuses_, Get(_)).Times(0);
  EXPECT_CALL(logger_, Log(LogLevel::kWarn, HasSubstr("cannot list desired state"), _));
  EXPECT_FALSE(loop_.RunRound(kTerm));
}

TEST_F(LeaderLoopTest, AFailedStatusReadFailsTheRoundWithoutWriting) {
  SetCluster({Node("a", true)});
  desired_list_ = {Game("g1", {{"zone", "us"}})};
  EXPECT_CALL(statuses_, Get(std::string_view("g1")))
      .WillOnce(Return(Fail(ErrorCode::kServiceUnavailable, "etcd unreachable")));
  EXPECT_CALL(logger_, Log(LogLevel::kWarn, HasSubstr("cannot read a status"), _));
  EXPECT_FALSE(loop_.RunRound(kTerm));
}

TEST_F(LeaderLoopTest, ARoundWaitsForTheViewToShowThePreviousRoundsWrites) {
  SetCluster({Node("a", true), Node("b", true)});
  desired_list_ = {Game("g1")};
  EXPECT_CALL(scheduling_, Assign(Assigned("g1", "a", 0), kTerm)).WillOnce(Return(150u));
  EXPECT_TRUE(loop_.RunRound(kTerm));
  ::testing::Mock::VerifyAndClearExpectations(&scheduling_);

  // The view is still before revision 150: a round on it would place g1
  // again. It waits for the change, then sees g1 on a and writes nothing.
  const uint64_t behind = cluster_.revision;
  EXPECT_CALL(view_, WaitForChange(behind, _)).WillOnce(Invoke([&](uint64_t, Duration) {
    SetCluster({Node("a", true), Node("b", true)}, {Assigned("g1", "a", 150)});
  }));
  EXPECT_TRUE(loop_.RunRound(kTerm));
}

TEST_F(LeaderLoopTest, AViewThatStaysBehindItsWritesFailsTheRoundWithoutWriting) {
  LeaderLoop loop(view_, scheduling_, desired_, statuses_, changes_, clock_, logger_,
                  LeaderLoopOptions{.node_lost_after = kLostAfter,
                                    .catch_up = Duration::zero()},
                  nullptr);
  SetCluster({Node("a", true)});
  desired_list_ = {Game("g1"), Game("g2")};
  EXPECT_CALL(scheduling_, Assign(Field(&Assignment::game, "g1"), kTerm))
      .WillOnce(Return(150u));
  EXPECT_CALL(scheduling_, Assign(Field(&Assignment::game, "g2"), kTerm))
      .WillOnce(Return(151u));
  EXPECT_TRUE(loop.RunRound(kTerm));
  ::testing::Mock::VerifyAndClearExpectations(&scheduling_);

  EXPECT_CALL(desired_, List()).Times(0);
  EXPECT_CALL(logger_, Log(LogLevel::kWarn, HasSubstr("view is behind its own writes"), _));
  EXPECT_FALSE(loop.RunRound(kTerm));  // and no Assign again
}

TEST_F(LeaderLoopTest, EveryWriteCarriesTheTermOfTheRound) {
  SetCluster({Node("a", true)});
  desired_list_ = {Game("g1")};
  EXPECT_CALL(scheduling_, Assign(Assigned("g1", "a", 0), 9u)).WillOnce(Return(100u));
  EXPECT_TRUE(loop_.RunRound(9));
}

}  // namespace
}  // namespace rtm
