#include "reconcile/budget.h"

#include <gtest/gtest.h>

namespace rtm {
namespace {

using std::chrono::seconds;

const Timestamp kNow = Timestamp(std::chrono::hours(10));

BudgetMember Ready(std::string name, Duration for_how_long = seconds(3600)) {
  return {.name = std::move(name), .ready = true, .ready_since = kNow - for_how_long};
}
BudgetMember NotReady(std::string name) { return {.name = std::move(name)}; }

BudgetAdmissionInput Input(MaxUnavailable max, std::vector<BudgetMember> members,
                           int min_ready_seconds = 0) {
  return {.terms = {.name = "fleet",
                    .max_unavailable = max,
                    .min_ready_seconds = min_ready_seconds,
                    .source_path = "budgets.yaml"},
          .game = "g1",
          .members = std::move(members),
          .now = kNow};
}

TEST(AdmitDisruptionTest, OnlyRestartsAndUpdatesAreBudgeted) {
  EXPECT_TRUE(IsBudgetedDisruption(ActionKind::kRestart));
  EXPECT_TRUE(IsBudgetedDisruption(ActionKind::kUpdate));
  for (ActionKind kind : {ActionKind::kAdopt, ActionKind::kStart, ActionKind::kSelfHeal,
                          ActionKind::kStop, ActionKind::kRemove,
                          ActionKind::kRemoveContainer}) {
    EXPECT_FALSE(IsBudgetedDisruption(kind)) << ToString(kind);
  }
}

TEST(AdmitDisruptionTest, AdmitsWhileFewerThanMaxUnavailableOthersAreUnavailable) {
  const BudgetAdmission admission = AdmitDisruption(
      Input({.value = 2}, {Ready("g1"), NotReady("g2"), Ready("g3")}));
  EXPECT_TRUE(admission.admitted);
  EXPECT_EQ(admission.wait, "");
}

TEST(AdmitDisruptionTest, WaitsWhenMaxUnavailableOthersAreUnavailableAndSaysSo) {
  const BudgetAdmission admission = AdmitDisruption(
      Input({.value = 2}, {Ready("g1"), NotReady("g2"), NotReady("g3"), Ready("g4")}));
  EXPECT_FALSE(admission.admitted);
  EXPECT_EQ(admission.wait,
            "waits for disruption budget fleet: 2 of 4 games unavailable "
            "(maxUnavailable 2)");
  EXPECT_EQ(admission.next_available_at, std::nullopt);
}

TEST(AdmitDisruptionTest, AdmittedDisruptionsCountAsUnavailable) {
  BudgetAdmissionInput input = Input({.value = 1}, {Ready("g1"), Ready("g2")});
  input.admitted = {"g2"};
  EXPECT_FALSE(AdmitDisruption(input).admitted);
  input.admitted = {"g1"};  // its own earlier admission: nothing more taken
  EXPECT_TRUE(AdmitDisruption(input).admitted);
}

TEST(AdmitDisruptionTest, AGameThatIsUnavailableAlreadyIsAdmittedWhateverTheOthers) {
  EXPECT_TRUE(AdmitDisruption(
                  Input({.value = 1}, {NotReady("g1"), NotReady("g2"), NotReady("g3")}))
                  .admitted);
  // Not listed: no status yet, so not Ready.
  EXPECT_TRUE(AdmitDisruption(Input({.value = 1}, {NotReady("g2")})).admitted);
}

TEST(AdmitDisruptionTest, ReadyForLessThanMinReadySecondsIsUnavailableUntilThen) {
  const BudgetAdmission admission = AdmitDisruption(Input(
      {.value = 1}, {Ready("g1"), Ready("g2", seconds(4)), Ready("g3", seconds(2))},
      /*min_ready_seconds=*/10));
  EXPECT_FALSE(admission.admitted);
  EXPECT_EQ(admission.wait,
            "waits for disruption budget fleet: 2 of 3 games unavailable "
            "(maxUnavailable 1)");
  // g2 has been Ready 4 s of 10: it counts as available 6 s from now.
  EXPECT_EQ(admission.next_available_at, kNow + seconds(6));

  EXPECT_TRUE(AdmitDisruption(Input({.value = 1},
                                    {Ready("g1"), Ready("g2", seconds(10))},
                                    /*min_ready_seconds=*/10))
                  .admitted);
}

TEST(AdmitDisruptionTest, AGameWithinItsOwnMinReadySecondsServesAndIsNotExempt) {
  // A fleet that just started: every game Ready for 1 s of 10.
  const BudgetAdmission admission = AdmitDisruption(Input(
      {.value = 1}, {Ready("g1", seconds(1)), Ready("g2", seconds(1))},
      /*min_ready_seconds=*/10));
  EXPECT_FALSE(admission.admitted);
  EXPECT_EQ(admission.next_available_at, kNow + seconds(9));
}

TEST(AdmitDisruptionTest, APercentageRoundsUpOverAllMembers) {
  // 10% of 5 games is 1 (rounded up): one other unavailable holds it back.
  std::vector<BudgetMember> five = {Ready("g1"), NotReady("g2"), Ready("g3"),
                                    Ready("g4"), Ready("g5")};
  BudgetAdmission held = AdmitDisruption(Input({.value = 10, .percent = true}, five));
  EXPECT_FALSE(held.admitted);
  EXPECT_EQ(held.wait,
            "waits for disruption budget fleet: 1 of 5 games unavailable "
            "(maxUnavailable 10%)");
  five[1] = Ready("g2");
  EXPECT_TRUE(AdmitDisruption(Input({.value = 10, .percent = true}, five)).admitted);
}

TEST(AdmitDisruptionTest, ZeroAllowsNoVoluntaryDisruptionOfAReadyGame) {
  const BudgetAdmission admission =
      AdmitDisruption(Input({.value = 0}, {Ready("g1"), Ready("g2")}));
  EXPECT_FALSE(admission.admitted);
  EXPECT_EQ(admission.wait,
            "waits for disruption budget fleet: maxUnavailable 0 of 2 games "
            "allows no voluntary disruption");
}

}  // namespace
}  // namespace rtm
