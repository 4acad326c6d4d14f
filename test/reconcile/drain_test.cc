#include "reconcile/drain.h"

#include <gtest/gtest.h>

namespace rtm {
namespace {

using std::chrono::seconds;

constexpr Timestamp kT0{std::chrono::sys_days{std::chrono::year{2026} /
                                              std::chrono::December / 2}};

DrainGateInput Input(std::optional<DrainWait> waiting, Timestamp now,
                     bool skip = false) {
  return DrainGateInput{
      .policy = DrainPolicy{.command = {"probe"},
                            .period_seconds = 10,
                            .max_wait_seconds = 600,
                            .timeout_seconds = 5},
      .action = "restart",
      .waiting = std::move(waiting),
      .skip_requested = skip,
      .now = now,
  };
}

DrainWait WaitingSince(Timestamp since, Timestamp last_probe_at) {
  return DrainWait{.action = "restart",
                   .since = since,
                   .deadline = since + seconds(600),
                   .last_probe_at = last_probe_at,
                   .last_probe = "exit 1"};
}

DrainProbe Busy(Timestamp at) { return {at, false, "exit 1: 3 players"}; }
DrainProbe Empty(Timestamp at) { return {at, true, "exit 0"}; }

TEST(IsVoluntaryDisruptionTest, RestartUpdateStopAndRemoveOnly) {
  EXPECT_TRUE(IsVoluntaryDisruption(ActionKind::kRestart));
  EXPECT_TRUE(IsVoluntaryDisruption(ActionKind::kUpdate));
  EXPECT_TRUE(IsVoluntaryDisruption(ActionKind::kStop));
  EXPECT_TRUE(IsVoluntaryDisruption(ActionKind::kRemove));
  EXPECT_FALSE(IsVoluntaryDisruption(ActionKind::kSelfHeal));
  EXPECT_FALSE(IsVoluntaryDisruption(ActionKind::kStart));
  EXPECT_FALSE(IsVoluntaryDisruption(ActionKind::kAdopt));
  EXPECT_FALSE(IsVoluntaryDisruption(ActionKind::kRemoveContainer));
}

TEST(DecideBeforeProbeTest, NoWaitYetProbes) {
  EXPECT_EQ(DecideBeforeProbe(Input(std::nullopt, kT0)).step,
            DrainDecision::Step::kProbe);
}

TEST(DecideBeforeProbeTest, ARequestedSkipProceedsForcedWithTheTimeWaited) {
  DrainDecision decision = DecideBeforeProbe(
      Input(WaitingSince(kT0, kT0), kT0 + seconds(7), /*skip=*/true));
  EXPECT_EQ(decision.step, DrainDecision::Step::kProceed);
  EXPECT_EQ(decision.record, (DrainRecord{DrainOutcome::kForced, seconds(7)}));

  DrainDecision unwaited = DecideBeforeProbe(Input(std::nullopt, kT0, true));
  EXPECT_EQ(unwaited.record, (DrainRecord{DrainOutcome::kForced, seconds(0)}));
}

TEST(DecideBeforeProbeTest, AtTheDeadlineProceedsWithoutAProbe) {
  DrainDecision decision = DecideBeforeProbe(
      Input(WaitingSince(kT0, kT0 + seconds(590)), kT0 + seconds(600)));
  EXPECT_EQ(decision.step, DrainDecision::Step::kProceed);
  EXPECT_EQ(decision.record, (DrainRecord{DrainOutcome::kDeadline, seconds(600)}));
}

TEST(DecideBeforeProbeTest, BeforeThePeriodWaitsUntilTheNextProbeKeepingTheWait) {
  DrainDecision decision = DecideBeforeProbe(
      Input(WaitingSince(kT0, kT0 + seconds(20)), kT0 + seconds(24)));
  EXPECT_EQ(decision.step, DrainDecision::Step::kWait);
  EXPECT_EQ(decision.recheck_at, kT0 + seconds(30));
  EXPECT_EQ(decision.waiting, WaitingSince(kT0, kT0 + seconds(20)));
}

TEST(DecideBeforeProbeTest, TheNextProbeNeverComesAfterTheDeadline) {
  DrainDecision decision = DecideBeforeProbe(
      Input(WaitingSince(kT0, kT0 + seconds(595)), kT0 + seconds(597)));
  EXPECT_EQ(decision.step, DrainDecision::Step::kWait);
  EXPECT_EQ(decision.recheck_at, kT0 + seconds(600));
}

TEST(DecideBeforeProbeTest, APeriodPassedProbesAgain) {
  EXPECT_EQ(DecideBeforeProbe(Input(WaitingSince(kT0, kT0 + seconds(20)),
                                    kT0 + seconds(30)))
                .step,
            DrainDecision::Step::kProbe);
}

TEST(DecideBeforeProbeTest, TheWaitTakesTheNameOfTheActionNowHeldBack) {
  DrainGateInput input = Input(WaitingSince(kT0, kT0), kT0 + seconds(1));
  input.action = "update";
  EXPECT_EQ(DecideBeforeProbe(input).waiting->action, "update");
}

TEST(DecideAfterProbeTest, AFirstBusyProbeBeginsTheWaitWithItsDeadline) {
  DrainDecision decision = DecideAfterProbe(Input(std::nullopt, kT0), Busy(kT0));
  EXPECT_EQ(decision.step, DrainDecision::Step::kWait);
  ASSERT_TRUE(decision.waiting.has_value());
  EXPECT_EQ(decision.waiting->action, "restart");
  EXPECT_EQ(decision.waiting->since, kT0);
  EXPECT_EQ(decision.waiting->deadline, kT0 + seconds(600));
  EXPECT_EQ(decision.waiting->last_probe_at, kT0);
  EXPECT_EQ(decision.waiting->last_probe, "exit 1: 3 players");
  EXPECT_EQ(decision.recheck_at, kT0 + seconds(10));
}

TEST(DecideAfterProbeTest, ALaterBusyProbeKeepsTheBeginningAndDeadline) {
  DrainDecision decision = DecideAfterProbe(
      Input(WaitingSince(kT0, kT0 + seconds(20)), kT0 + seconds(30)),
      Busy(kT0 + seconds(30)));
  EXPECT_EQ(decision.waiting->since, kT0);
  EXPECT_EQ(decision.waiting->deadline, kT0 + seconds(600));
  EXPECT_EQ(decision.waiting->last_probe_at, kT0 + seconds(30));
  EXPECT_EQ(decision.recheck_at, kT0 + seconds(40));
}

TEST(DecideAfterProbeTest, AnEmptyGameProceedsDrainedWithTheTimeWaited) {
  DrainDecision first = DecideAfterProbe(Input(std::nullopt, kT0), Empty(kT0));
  EXPECT_EQ(first.step, DrainDecision::Step::kProceed);
  EXPECT_EQ(first.record, (DrainRecord{DrainOutcome::kDrained, seconds(0)}));

  DrainDecision later = DecideAfterProbe(
      Input(WaitingSince(kT0, kT0 + seconds(180)), kT0 + seconds(192)),
      Empty(kT0 + seconds(192)));
  EXPECT_EQ(later.record, (DrainRecord{DrainOutcome::kDrained, seconds(192)}));
}

TEST(DecideAfterProbeTest, ABusyProbeAtTheDeadlineProceedsForcedByIt) {
  DrainDecision decision = DecideAfterProbe(
      Input(WaitingSince(kT0, kT0 + seconds(590)), kT0 + seconds(601)),
      Busy(kT0 + seconds(601)));
  EXPECT_EQ(decision.step, DrainDecision::Step::kProceed);
  EXPECT_EQ(decision.record, (DrainRecord{DrainOutcome::kDeadline, seconds(601)}));
}

TEST(DecideAfterProbeTest, ZeroMaxWaitProbesOnceThenForces) {
  DrainGateInput input = Input(std::nullopt, kT0);
  input.policy.max_wait_seconds = 0;
  EXPECT_EQ(DecideAfterProbe(input, Empty(kT0)).record->outcome,
            DrainOutcome::kDrained);
  EXPECT_EQ(DecideAfterProbe(input, Busy(kT0)).record->outcome,
            DrainOutcome::kDeadline);
}

TEST(DescribeDrainWaitTest, SaysHowLongBusyWhatTheProbeSaidAndWhenForced) {
  EXPECT_EQ(DescribeDrainWait(WaitingSince(kT0, kT0 + seconds(190)),
                              kT0 + seconds(192)),
            "waits for drain: busy for 3m12s (exit 1), forced in 6m48s");
  DrainWait unprobed = WaitingSince(kT0, kT0);
  unprobed.last_probe.clear();
  EXPECT_EQ(DescribeDrainWait(unprobed, kT0 + seconds(700)),
            "waits for drain: busy for 11m40s, forced in 0s");
}

}  // namespace
}  // namespace rtm
