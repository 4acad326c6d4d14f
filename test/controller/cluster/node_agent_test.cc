// NodeAgent (controller/cluster/node_agent.h) against mocked cluster ports
// and a FakeClock: its steps (Join, Beat, Follow, Check) are called
// directly, never its threads.
#include "controller/cluster/node_agent.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test/mocks/fake_clock.h"
#include "test/mocks/mock_cluster_view.h"
#include "test/mocks/mock_logger.h"
#include "test/mocks/mock_node_membership.h"

namespace rtm {
namespace {

using ::testing::_;
using ::testing::AnyNumber;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::InSequence;
using ::testing::Invoke;
using ::testing::IsEmpty;
using ::testing::NiceMock;
using ::testing::Optional;
using ::testing::Return;
using ::testing::StrictMock;
using ::testing::UnorderedElementsAre;
using Kind = Ownership::Kind;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr Duration kTtl = seconds(10);

Assignment Assigned(std::string game, std::string node, uint64_t token) {
  return Assignment{std::move(game), std::move(node), "scheduled", token};
}

ClusterSnapshot SnapshotOf(uint64_t revision, std::vector<Assignment> assignments) {
  ClusterSnapshot snapshot;
  snapshot.revision = revision;
  for (Assignment& assignment : assignments) {
    std::string game = assignment.game;
    snapshot.assignments.emplace(std::move(game), std::move(assignment));
  }
  return snapshot;
}

Expected<std::optional<uint64_t>> Leading(uint64_t term) {
  return std::optional<uint64_t>(term);
}
Expected<std::optional<uint64_t>> Following() { return std::optional<uint64_t>(); }

class NodeAgentTest : public ::testing::Test {
 protected:
  NodeAgentTest() {
    info_.name = "a";
    info_.labels = {{"zone", "eu"}};
    info_.max_runtimes = 3;
    info_.started_at = clock_.Now();
    EXPECT_CALL(logger_, Log(_, _, _)).Times(AnyNumber());  // tests expect more
    ON_CALL(view_, Snapshot()).WillByDefault(Invoke([this] { return snapshot_; }));
    // Every agent leaves exactly once, however often it is stopped.
    EXPECT_CALL(membership_, Leave()).WillOnce(Invoke([this] { return leave_result_; }));
  }

  NodeAgent& MakeAgent(bool with_callbacks = true) {
    NodeAgent::Callbacks callbacks;
    if (with_callbacks) {
      callbacks.on_assignment_changed = [this](const std::string& game) {
        changed_.push_back(game);
      };
      callbacks.on_rejoined = [this] { ++rejoined_; };
      callbacks.on_leadership = [this](std::optional<uint64_t> term) {
        leadership_.push_back(term);
      };
      callbacks.on_cluster_changed = [this] { ++cluster_changed_; };
    }
    agent_ = std::make_unique<NodeAgent>(membership_, view_, clock_, logger_,
                                         NodeAgentOptions{info_, kTtl},
                                         std::move(callbacks));
    return *agent_;
  }

  // Makes the agent and joins it at the clock's time with `snapshot`.
  NodeAgent& Joined(ClusterSnapshot snapshot = {}) {
    snapshot_ = std::move(snapshot);
    EXPECT_CALL(membership_, Join(info_, kTtl)).WillOnce(Return(Expected<void>{}));
    NodeAgent& agent = MakeAgent();
    EXPECT_TRUE(agent.Join().has_value());
    return agent;
  }

  FakeClock clock_;
  StrictMock<MockNodeMembership> membership_;
  NiceMock<MockClusterView> view_;
  NiceMock<MockLogger> logger_;
  NodeInfo info_;
  ClusterSnapshot snapshot_;
  Expected<void> leave_result_;
  std::vector<std::string> changed_;
  int rejoined_ = 0;
  std::vector<std::optional<uint64_t>> leadership_;
  int cluster_changed_ = 0;
  std::unique_ptr<NodeAgent> agent_;  // last: destroyed before the mocks
};

// ------------------------------------------------------------------ Join

TEST_F(NodeAgentTest, NothingIsOwnedBeforeJoining) {
  snapshot_ = SnapshotOf(3, {Assigned("g1", "a", 5)});
  NodeAgent& agent = MakeAgent();
  const Ownership ownership = agent.Check("g1");
  EXPECT_EQ(ownership.kind, Kind::kSuspended);
  EXPECT_THAT(ownership.detail, HasSubstr("liveness lease of node a lapsed"));
}

TEST_F(NodeAgentTest, JoinPublishesTheNodeInfoWithTheTtl) {
  NodeInfo published;
  Duration ttl{};
  EXPECT_CALL(membership_, Join(_, _))
      .WillOnce(Invoke([&](const NodeInfo& info, Duration asked_ttl) {
        published = info;
        ttl = asked_ttl;
        return Expected<void>{};
      }));
  NodeAgent& agent = MakeAgent();
  ASSERT_TRUE(agent.Join().has_value());
  EXPECT_EQ(published.name, "a");
  EXPECT_EQ(published.labels, (std::map<std::string, std::string>{{"zone", "eu"}}));
  EXPECT_EQ(published.max_runtimes, 3u);
  EXPECT_EQ(published.started_at, info_.started_at);
  EXPECT_EQ(ttl, kTtl);
}

TEST_F(NodeAgentTest, AFailedJoinIsReturnedAndOwnsNothing) {
  EXPECT_CALL(membership_, Join(info_, kTtl))
      .WillOnce(Return(Fail(ErrorCode::kServiceUnavailable, "etcd unreachable")));
  EXPECT_CALL(view_, Snapshot()).Times(0);
  snapshot_ = SnapshotOf(3, {Assigned("g1", "a", 5)});
  NodeAgent& agent = MakeAgent();
  auto joined = agent.Join();
  ASSERT_FALSE(joined.has_value());
  EXPECT_EQ(joined.error().code, ErrorCode::kServiceUnavailable);
  EXPECT_EQ(joined.error().message, "etcd unreachable");
  EXPECT_EQ(agent.Check("g1").kind, Kind::kSuspended);
}

TEST_F(NodeAgentTest, AfterJoinCheckAnswersFromTheAssignmentsAsOfJoin) {
  NodeAgent& agent = Joined(SnapshotOf(
      3, {Assigned("mine", "a", 5), Assigned("theirs", "b", 6)}));
  // The view moves on; without a Follow the agent still answers from Join's.
  snapshot_ = SnapshotOf(4, {Assigned("mine", "b", 7), Assigned("theirs", "a", 8)});

  EXPECT_EQ(agent.Check("mine").kind, Kind::kOwned);
  EXPECT_EQ(agent.Check("mine").detail, "");
  const Ownership theirs = agent.Check("theirs");
  EXPECT_EQ(theirs.kind, Kind::kElsewhere);
  EXPECT_EQ(theirs.detail, "assigned to node b");
  const Ownership nobody = agent.Check("unplaced");
  EXPECT_EQ(nobody.kind, Kind::kElsewhere);
  EXPECT_EQ(nobody.detail, "not assigned to any node");
  EXPECT_THAT(changed_, IsEmpty());  // joining reports no change
}

// ------------------------------------------------------------- liveness

TEST_F(NodeAgentTest, OwnershipIsSuspendedOnceTheTtlPassedSinceJoinWasAsked) {
  // A slow Join: the lease counts from when it was asked, not answered.
  EXPECT_CALL(membership_, Join(info_, kTtl)).WillOnce(Invoke([this](const NodeInfo&, Duration) {
    clock_.Advance(seconds(3));
    return Expected<void>{};
  }));
  snapshot_ = SnapshotOf(3, {Assigned("g1", "a", 5)});
  NodeAgent& agent = MakeAgent();
  ASSERT_TRUE(agent.Join().has_value());

  clock_.Advance(kTtl - seconds(3) - milliseconds(1));
  EXPECT_EQ(agent.Check("g1").kind, Kind::kOwned);
  clock_.Advance(milliseconds(1));
  const Ownership lapsed = agent.Check("g1");
  EXPECT_EQ(lapsed.kind, Kind::kSuspended);
  EXPECT_EQ(lapsed.detail, "the liveness lease of node a lapsed");
  // Suspension says nothing about the game: elsewhere ones too.
  EXPECT_EQ(agent.Check("unknown").kind, Kind::kSuspended);
}

TEST_F(NodeAgentTest, ASuccessfulBeatExtendsTheLeaseFromWhenItWasAsked) {
  NodeAgent& agent = Joined(SnapshotOf(3, {Assigned("g1", "a", 5)}));
  clock_.Advance(seconds(8));
  EXPECT_CALL(membership_, Renew()).WillOnce(Invoke([this] {
    clock_.Advance(seconds(1));  // a slow renewal
    return Expected<bool>(true);
  }));
  EXPECT_CALL(membership_, Campaign()).WillOnce(Return(Following()));
  agent.Beat();  // asked at +8s: valid until +18s

  clock_.Advance(seconds(9) - milliseconds(1));  // +18s - 1ms
  EXPECT_EQ(agent.Check("g1").kind, Kind::kOwned);
  clock_.Advance(milliseconds(1));
  EXPECT_EQ(agent.Check("g1").kind, Kind::kSuspended);
  EXPECT_EQ(rejoined_, 0);
}

TEST_F(NodeAgentTest, ARenewalErrorDoesNotExtendTheLease) {
  NodeAgent& agent = Joined(SnapshotOf(3, {Assigned("g1", "a", 5)}));
  clock_.Advance(seconds(8));
  EXPECT_CALL(membership_, Renew())
      .WillOnce(Return(Fail(ErrorCode::kServiceUnavailable, "etcd unreachable")));
  EXPECT_CALL(membership_, Campaign())
      .WillOnce(Return(Fail(ErrorCode::kServiceUnavailable, "etcd unreachable")));
  EXPECT_CALL(logger_, Log(LogLevel::kWarn, HasSubstr("cannot renew"), _));
  agent.Beat();  // no Join: the lease may still hold

  EXPECT_EQ(agent.Check("g1").kind, Kind::kOwned);  // +8s: within the first ttl
  clock_.Advance(seconds(2));                        // +10s: the Join's ttl is over
  EXPECT_EQ(agent.Check("g1").kind, Kind::kSuspended);
  EXPECT_EQ(rejoined_, 0);
}

TEST_F(NodeAgentTest, AnExpiredLeaseJoinsAgainAndOwnershipIsValidAgain) {
  NodeAgent& agent = Joined(SnapshotOf(3, {Assigned("g1", "a", 5)}));
  clock_.Advance(seconds(30));  // paused past the ttl
  EXPECT_EQ(agent.Check("g1").kind, Kind::kSuspended);

  // Meanwhile g1 moved away and g2 came here.
  snapshot_ = SnapshotOf(9, {Assigned("g1", "b", 7), Assigned("g2", "a", 8)});
  {
    InSequence in_order;
    EXPECT_CALL(membership_, Renew()).WillOnce(Return(Expected<bool>(false)));
    EXPECT_CALL(membership_, Join(info_, kTtl)).WillOnce(Return(Expected<void>{}));
    EXPECT_CALL(membership_, Campaign()).WillOnce(Return(Following()));
  }
  agent.Beat();

  EXPECT_EQ(rejoined_, 1);
  EXPECT_EQ(agent.Check("g2").kind, Kind::kOwned);
  const Ownership g1 = agent.Check("g1");
  EXPECT_EQ(g1.kind, Kind::kElsewhere);
  EXPECT_EQ(g1.detail, "assigned to node b");
  // The fresh lease runs a ttl from the rejoin.
  clock_.Advance(kTtl - milliseconds(1));
  EXPECT_EQ(agent.Check("g2").kind, Kind::kOwned);
  clock_.Advance(milliseconds(1));
  EXPECT_EQ(agent.Check("g2").kind, Kind::kSuspended);
}

TEST_F(NodeAgentTest, AnExpiredLeaseSuspendsAtOnceEvenWithinTheTtl) {
  NodeAgent& agent = Joined(SnapshotOf(3, {Assigned("g1", "a", 5)}));
  clock_.Advance(seconds(1));
  EXPECT_CALL(membership_, Renew()).WillOnce(Return(Expected<bool>(false)));
  EXPECT_CALL(membership_, Join(info_, kTtl))
      .WillOnce(Return(Fail(ErrorCode::kServiceUnavailable, "etcd unreachable")));
  EXPECT_CALL(logger_, Log(LogLevel::kWarn, HasSubstr("cannot join the cluster again"), _));
  agent.Beat();

  // The store said the lease is gone: nothing is acted on, though the
  // agent's own ttl would still run 9 seconds.
  EXPECT_EQ(agent.Check("g1").kind, Kind::kSuspended);
  EXPECT_EQ(rejoined_, 0);

  // The next beat joins again and owns again.
  EXPECT_CALL(membership_, Renew()).WillOnce(Return(Expected<bool>(false)));
  EXPECT_CALL(membership_, Join(info_, kTtl)).WillOnce(Return(Expected<void>{}));
  EXPECT_CALL(membership_, Campaign()).WillOnce(Return(Following()));
  agent.Beat();
  EXPECT_EQ(rejoined_, 1);
  EXPECT_EQ(agent.Check("g1").kind, Kind::kOwned);
}

// ----------------------------------------------------------- leadership

TEST_F(NodeAgentTest, LeadershipIsReportedOncePerChange) {
  NodeAgent& agent = Joined();
  EXPECT_CALL(membership_, Renew()).WillRepeatedly(Return(Expected<bool>(true)));
  EXPECT_CALL(membership_, Campaign())
      .WillOnce(Return(Following()))
      .WillOnce(Return(Leading(7)))
      .WillOnce(Return(Leading(7)))
      .WillOnce(Return(Leading(12)))
      .WillOnce(Return(Following()))
      .WillOnce(Return(Following()));

  EXPECT_EQ(agent.term(), std::nullopt);
  agent.Beat();  // following, as before: no call
  EXPECT_THAT(leadership_, IsEmpty());
  agent.Beat();
  EXPECT_THAT(leadership_, ElementsAre(Optional(7u)));
  EXPECT_THAT(agent.term(), Optional(7u));
  agent.Beat();  // the same term: no call
  EXPECT_EQ(leadership_.size(), 1u);
  agent.Beat();  // another term (a new lease): a change
  EXPECT_THAT(leadership_, ElementsAre(Optional(7u), Optional(12u)));
  EXPECT_THAT(agent.term(), Optional(12u));
  agent.Beat();
  EXPECT_THAT(leadership_, ElementsAre(Optional(7u), Optional(12u), std::nullopt));
  EXPECT_EQ(agent.term(), std::nullopt);
  agent.Beat();
  EXPECT_EQ(leadership_.size(), 3u);
}

TEST_F(NodeAgentTest, ACampaignErrorCountsAsNotLeading) {
  NodeAgent& agent = Joined();
  EXPECT_CALL(membership_, Renew()).WillRepeatedly(Return(Expected<bool>(true)));
  EXPECT_CALL(membership_, Campaign())
      .WillOnce(Return(Leading(7)))
      .WillOnce(Return(Fail(ErrorCode::kServiceUnavailable, "etcd unreachable")))
      .WillOnce(Return(Fail(ErrorCode::kServiceUnavailable, "etcd unreachable")));
  agent.Beat();
  agent.Beat();
  EXPECT_EQ(agent.term(), std::nullopt);
  agent.Beat();
  EXPECT_THAT(leadership_, ElementsAre(Optional(7u), std::nullopt));
}

TEST_F(NodeAgentTest, LeadershipEndsWithALapsedLeaseThatCannotJoinAgain) {
  NodeAgent& agent = Joined();
  EXPECT_CALL(membership_, Renew()).WillOnce(Return(Expected<bool>(true)));
  EXPECT_CALL(membership_, Campaign()).WillOnce(Return(Leading(7)));
  agent.Beat();
  ASSERT_THAT(agent.term(), Optional(7u));

  // The lease expired (leading ended with it) and etcd refuses the rejoin:
  // no campaign on a lease the node does not have, and no leading.
  EXPECT_CALL(membership_, Renew()).WillOnce(Return(Expected<bool>(false)));
  EXPECT_CALL(membership_, Join(info_, kTtl))
      .WillOnce(Return(Fail(ErrorCode::kServiceUnavailable, "etcd unreachable")));
  EXPECT_CALL(membership_, Campaign()).Times(0);
  agent.Beat();
  EXPECT_EQ(agent.term(), std::nullopt);
  EXPECT_THAT(leadership_, ElementsAre(Optional(7u), std::nullopt));
}

// ---------------------------------------------------------------- Follow

TEST_F(NodeAgentTest, FollowReportsTheGamesThatMovedToOrFromThisNode) {
  NodeAgent& agent = Joined(SnapshotOf(
      3, {Assigned("kept", "a", 5), Assigned("stays-elsewhere", "b", 6),
          Assigned("moves-away", "a", 7), Assigned("moves-here", "b", 8),
          Assigned("between-others", "b", 9), Assigned("removed-here", "a", 10),
          Assigned("removed-elsewhere", "b", 11), Assigned("new-token-here", "a", 12),
          Assigned("new-token-elsewhere", "b", 13)}));
  snapshot_ = SnapshotOf(
      42, {Assigned("kept", "a", 5), Assigned("stays-elsewhere", "b", 6),
           Assigned("moves-away", "b", 20), Assigned("moves-here", "a", 21),
           Assigned("between-others", "c", 22), Assigned("new-token-here", "a", 23),
           Assigned("new-token-elsewhere", "b", 24), Assigned("new-here", "a", 25),
           Assigned("new-elsewhere", "c", 26)});

  EXPECT_EQ(agent.Follow(), 42u);
  EXPECT_THAT(changed_, UnorderedElementsAre("moves-away", "moves-here", "removed-here",
                                             "new-token-here", "new-here"));
  EXPECT_EQ(cluster_changed_, 1);

  // Check answers from what Follow took.
  EXPECT_EQ(agent.Check("moves-here").kind, Kind::kOwned);
  EXPECT_EQ(agent.Check("new-here").kind, Kind::kOwned);
  EXPECT_EQ(agent.Check("moves-away").detail, "assigned to node b");
  EXPECT_EQ(agent.Check("removed-here").detail, "not assigned to any node");
  EXPECT_EQ(agent.Check("removed-here").kind, Kind::kElsewhere);
}

TEST_F(NodeAgentTest, FollowReportsTheClusterEveryTimeAndGamesOnlyOnChange) {
  NodeAgent& agent = Joined(SnapshotOf(3, {Assigned("g1", "a", 5)}));
  snapshot_ = SnapshotOf(4, {Assigned("g1", "a", 5)});
  EXPECT_EQ(agent.Follow(), 4u);
  EXPECT_THAT(changed_, IsEmpty());
  EXPECT_EQ(cluster_changed_, 1);

  snapshot_ = SnapshotOf(5, {Assigned("g1", "a", 9)});
  EXPECT_EQ(agent.Follow(), 5u);
  EXPECT_THAT(changed_, ElementsAre("g1"));
  EXPECT_EQ(cluster_changed_, 2);

  // The same snapshot again: compared with the previous Follow, not Join.
  EXPECT_EQ(agent.Follow(), 5u);
  EXPECT_THAT(changed_, ElementsAre("g1"));
  EXPECT_EQ(cluster_changed_, 3);
}

TEST_F(NodeAgentTest, CallbacksAreOptional) {
  snapshot_ = SnapshotOf(3, {Assigned("g1", "a", 5)});
  EXPECT_CALL(membership_, Join(info_, kTtl)).Times(2).WillRepeatedly(Return(Expected<void>{}));
  NodeAgent& agent = MakeAgent(/*with_callbacks=*/false);
  ASSERT_TRUE(agent.Join().has_value());
  snapshot_ = SnapshotOf(4, {Assigned("g1", "b", 6)});
  EXPECT_EQ(agent.Follow(), 4u);
  EXPECT_CALL(membership_, Renew()).WillOnce(Return(Expected<bool>(false)));
  EXPECT_CALL(membership_, Campaign()).WillOnce(Return(Leading(3)));
  agent.Beat();
  EXPECT_THAT(agent.term(), Optional(3u));
}

// ------------------------------------------------------------------ Stop

TEST_F(NodeAgentTest, StopLeavesOnceEvenWhenCalledAgainAndOnDestruction) {
  NodeAgent& agent = Joined();
  EXPECT_CALL(view_, Wake()).Times(1);  // the follower's wait returns
  agent.Stop();
  agent.Stop();
  agent_.reset();
  EXPECT_TRUE(::testing::Mock::VerifyAndClearExpectations(&membership_));
  EXPECT_TRUE(::testing::Mock::VerifyAndClearExpectations(&view_));
}

TEST_F(NodeAgentTest, AFailedLeaveIsOnlyLogged) {
  NodeAgent& agent = Joined();
  leave_result_ = Fail(ErrorCode::kServiceUnavailable, "etcd unreachable");
  EXPECT_CALL(logger_, Log(LogLevel::kWarn, HasSubstr("could not leave"), _));
  agent.Stop();
}

}  // namespace
}  // namespace rtm

namespace rtm {
namespace {

TEST_F(NodeAgentTest, AFollowerDoesNotCampaignWhileTheViewShowsAnotherLeader) {
  ClusterSnapshot snapshot;
  snapshot.leader = Leadership{"b", 4};
  NodeAgent& agent = Joined(snapshot);
  EXPECT_CALL(membership_, Renew()).WillOnce(Return(Expected<bool>(true)));
  EXPECT_CALL(membership_, Campaign()).Times(0);

  agent.Beat();

  EXPECT_EQ(agent.term(), std::nullopt);
}

}  // namespace
}  // namespace rtm

namespace rtm {
namespace {

TEST_F(NodeAgentTest, ALeaderTheViewStillShowsAtItsTermIsNotReconfirmed) {
  NodeAgent& agent = Joined();
  EXPECT_CALL(membership_, Renew()).Times(2).WillRepeatedly(Return(Expected<bool>(true)));
  EXPECT_CALL(membership_, Campaign()).WillOnce(Return(Leading(9)));
  agent.Beat();  // no leader in the view yet: campaigns, leads
  ASSERT_EQ(agent.term(), std::optional<uint64_t>(9));
  snapshot_.leader = Leadership{"a", 9};

  agent.Beat();  // the view shows it: no second campaign

  EXPECT_EQ(agent.term(), std::optional<uint64_t>(9));
  EXPECT_EQ(leadership_, (std::vector<std::optional<uint64_t>>{9}));
}

}  // namespace
}  // namespace rtm
