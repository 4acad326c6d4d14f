#include "reconcile/budget_gate.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test/mocks/fake_clock.h"
#include "test/mocks/mock_desired_state_store.h"

namespace rtm {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::NiceMock;
using std::chrono::seconds;

const BudgetTerms kFleet{.name = "fleet",
                         .max_unavailable = {.value = 1},
                         .min_ready_seconds = 0,
                         .source_path = "budgets.yaml"};

// Stores holding games g1..gN under the budget "fleet", every one Ready
// for an hour; the gate's wakes are recorded.
class BudgetGateTest : public ::testing::Test {
 protected:
  BudgetGateTest() {
    ON_CALL(desired_, List).WillByDefault([this] {
      ++listings_;
      return Expected<std::vector<DesiredRuntime>>(games_);
    });
    ON_CALL(statuses_, List).WillByDefault([this] {
      return Expected<std::map<std::string, RuntimeStatusView>>(status_);
    });
    gate_.SetWake([this](const std::string& game) { woken_.push_back(game); });
  }

  void Games(int count, const BudgetTerms& terms = kFleet) {
    for (int i = 1; i <= count; ++i) {
      const std::string name = "g" + std::to_string(i);
      games_.push_back(DesiredRuntime{.name = name, .disruption_budget = terms});
      SetReady(name, true, clock_.Now() - std::chrono::hours(1));
    }
  }
  void SetReady(const std::string& name, bool ready, Timestamp since) {
    status_[name].conditions = {
        Condition{.type = "Ready",
                  .status = ready ? ConditionStatus::kTrue : ConditionStatus::kFalse,
                  .last_transition_time = since}};
  }

  FakeClock clock_;
  NiceMock<MockDesiredStateStore> desired_;
  NiceMock<MockStatusStore> statuses_;
  BudgetGate gate_{desired_, statuses_, clock_,
                   {.snapshot_ttl = seconds(1), .recheck = seconds(5)}};
  std::vector<DesiredRuntime> games_;
  std::map<std::string, RuntimeStatusView> status_;
  std::vector<std::string> woken_;
  int listings_ = 0;
};

TEST_F(BudgetGateTest, AnAdmittedDisruptionHoldsItsPlaceUntilReleased) {
  Games(3);

  auto first = gate_.Admit("g1", kFleet);
  auto second = gate_.Admit("g2", kFleet);

  ASSERT_TRUE(first.has_value());
  EXPECT_TRUE(first->admitted);
  EXPECT_TRUE(gate_.Holds("g1"));
  ASSERT_TRUE(second.has_value());
  EXPECT_FALSE(second->admitted);
  EXPECT_EQ(second->wait,
            "waits for disruption budget fleet: 1 of 3 games unavailable "
            "(maxUnavailable 1)");
  EXPECT_EQ(second->recheck_at, clock_.Now() + seconds(5));
  // Admitted again while it holds (a reconcile after a drain wait).
  EXPECT_TRUE(gate_.Admit("g1", kFleet)->admitted);

  gate_.Release("g1");

  EXPECT_FALSE(gate_.Holds("g1"));
  EXPECT_THAT(woken_, ElementsAre("g2"));
  EXPECT_TRUE(gate_.Admit("g2", kFleet)->admitted);
}

TEST_F(BudgetGateTest, WaitersAreWokenOldestFirstAsManyAsThereArePlaces) {
  const BudgetTerms two{.name = "fleet", .max_unavailable = {.value = 2}};
  Games(6, two);
  ASSERT_TRUE(gate_.Admit("g1", two)->admitted);
  ASSERT_TRUE(gate_.Admit("g2", two)->admitted);
  for (const char* game : {"g5", "g3", "g4"}) {
    ASSERT_FALSE(gate_.Admit(game, two)->admitted);
  }

  gate_.Release("g1");  // one of two places free

  EXPECT_THAT(woken_, ElementsAre("g5"));
  woken_.clear();
  gate_.Release("g2");  // both free
  EXPECT_THAT(woken_, ElementsAre("g5", "g3"));
}

TEST_F(BudgetGateTest, AWaiterThatNoLongerWaitsIsNotWoken) {
  Games(3);
  ASSERT_TRUE(gate_.Admit("g1", kFleet)->admitted);
  ASSERT_FALSE(gate_.Admit("g2", kFleet)->admitted);
  ASSERT_FALSE(gate_.Admit("g3", kFleet)->admitted);

  gate_.Release("g2");  // its restart was withdrawn
  gate_.Release("g1");

  EXPECT_THAT(woken_, ElementsAre("g3"));
}

TEST_F(BudgetGateTest, AMemberBecomingReadyWakesTheOldestWaiter) {
  Games(3);
  SetReady("g3", false, clock_.Now());
  ASSERT_FALSE(gate_.Admit("g1", kFleet)->admitted);
  EXPECT_THAT(woken_, IsEmpty());

  SetReady("g3", true, clock_.Now());
  gate_.MemberChanged("fleet", /*became_ready=*/true);

  EXPECT_THAT(woken_, ElementsAre("g1"));
  EXPECT_TRUE(gate_.Admit("g1", kFleet)->admitted);
}

TEST_F(BudgetGateTest, OneListingServesAdmissionsUntilItsTtlOrAChange) {
  Games(4);
  ASSERT_TRUE(gate_.Admit("g1", kFleet)->admitted);
  EXPECT_EQ(listings_, 1);
  gate_.Admit("g2", kFleet);
  gate_.Admit("g3", kFleet);
  EXPECT_EQ(listings_, 1);

  clock_.Advance(seconds(1));
  gate_.Admit("g2", kFleet);
  EXPECT_EQ(listings_, 2);

  gate_.MemberChanged("fleet", /*became_ready=*/false);
  gate_.Admit("g2", kFleet);
  EXPECT_EQ(listings_, 3);
}

TEST_F(BudgetGateTest, MinReadySecondsBringsTheRecheckForward) {
  const BudgetTerms slow{.name = "fleet", .max_unavailable = {.value = 1},
                         .min_ready_seconds = 30};
  Games(2, slow);
  SetReady("g2", true, clock_.Now() - seconds(28));

  auto verdict = gate_.Admit("g1", slow);

  ASSERT_TRUE(verdict.has_value());
  EXPECT_FALSE(verdict->admitted);
  EXPECT_EQ(verdict->recheck_at, clock_.Now() + seconds(2));
}

TEST_F(BudgetGateTest, StoppedAndDeletedGamesAreNotMembers) {
  Games(3);
  games_[1].spec.state = DesiredState::kStopped;
  games_[2].deleted = true;
  SetReady("g2", false, clock_.Now());
  SetReady("g3", false, clock_.Now());

  EXPECT_TRUE(gate_.Admit("g1", kFleet)->admitted);
}

TEST_F(BudgetGateTest, EvaluateNeitherHoldsNorQueues) {
  Games(2);
  ASSERT_TRUE(gate_.Evaluate("g1", kFleet)->admitted);
  EXPECT_FALSE(gate_.Holds("g1"));
  ASSERT_TRUE(gate_.Admit("g2", kFleet)->admitted);
  EXPECT_FALSE(gate_.Evaluate("g1", kFleet)->admitted);

  gate_.Release("g2");

  EXPECT_THAT(woken_, IsEmpty());
}

TEST_F(BudgetGateTest, AStoreThatCannotBeListedIsAnErrorNotAnAdmission) {
  Games(2);
  ON_CALL(statuses_, List)
      .WillByDefault(::testing::Return(Expected<std::map<std::string, RuntimeStatusView>>(
          Fail(ErrorCode::kServiceUnavailable, "etcd: no leader"))));

  auto verdict = gate_.Admit("g1", kFleet);

  ASSERT_FALSE(verdict.has_value());
  EXPECT_EQ(verdict.error().code, ErrorCode::kServiceUnavailable);
  EXPECT_FALSE(gate_.Holds("g1"));
}

}  // namespace
}  // namespace rtm
