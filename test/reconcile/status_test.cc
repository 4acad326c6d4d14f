// StatusReportsConverged (reconcile/status.h) as its contract states it.
#include "reconcile/status.h"

#include <gtest/gtest.h>

#include "reconcile/domain/container_spec.h"

namespace rtm {
namespace {

DecisionInput Converged(const std::string& container_id, int64_t generation) {
  GameSpec spec{.image = "img:1"};
  DecisionInput input{.name = "g",
                      .desired = DesiredRuntime{.name = "g", .spec = spec,
                                                .generation = generation}};
  if (!container_id.empty()) {
    input.containers.push_back(ContainerState{
        .id = container_id,
        .name = ContainerName("g"),
        .image = "img:1",
        .labels = BuildContainerSpec({"g", generation}, spec, "rtmanager").labels,
        .status = "running",
        .running = true});
  }
  return input;
}

TEST(StatusReportsConvergedTest, TheKeptContainerAndGenerationMatch) {
  EXPECT_TRUE(StatusReportsConverged(
      RuntimeStatusView{.observed_generation = 3, .container_id = "c1"},
      Converged("c1", 3)));
}

TEST(StatusReportsConvergedTest, AnotherContainerOrGenerationIsBehind) {
  EXPECT_FALSE(StatusReportsConverged(
      RuntimeStatusView{.observed_generation = 3, .container_id = "c0"},
      Converged("c1", 3)));
  EXPECT_FALSE(StatusReportsConverged(
      RuntimeStatusView{.observed_generation = 2, .container_id = "c1"},
      Converged("c1", 3)));
}

TEST(StatusReportsConvergedTest, NoContainerKeptMeansNoneReported) {
  EXPECT_TRUE(StatusReportsConverged(RuntimeStatusView{.observed_generation = 3},
                                     Converged("", 3)));
  EXPECT_FALSE(StatusReportsConverged(
      RuntimeStatusView{.observed_generation = 3, .container_id = "c1"},
      Converged("", 3)));
}

}  // namespace
}  // namespace rtm

namespace rtm {
namespace {

TEST(StatusNodeNameTest, TheReportingNodeIsInTheStatus) {
  StatusInput input;
  input.node_name = "node-b";
  EXPECT_EQ(ComputeStatus(input, RuntimeStatusView{}).node_name, "node-b");
  input.node_name.clear();  // one host: no node
  RuntimeStatusView previous;
  previous.node_name = "node-a";
  EXPECT_EQ(ComputeStatus(input, previous).node_name, "");
}

}  // namespace
}  // namespace rtm

namespace rtm {
namespace {

const Condition& ReadyOf(const RuntimeStatusView& status) {
  for (const Condition& condition : status.conditions) {
    if (condition.type == "Ready") return condition;
  }
  ADD_FAILURE() << "no Ready condition";
  return status.conditions.front();
}

// What a converged reconcile of "g" running `container_id` reports at `now`.
RuntimeStatusView ReportedAt(const DecisionInput& input, Timestamp now,
                             const RuntimeStatusView& previous,
                             std::optional<std::string> budget_wait = {}) {
  return ComputeStatus(StatusInput{.desired = input.desired,
                                   .keeper = &input.containers.front(),
                                   .converged = !budget_wait,
                                   .budget_wait = std::move(budget_wait),
                                   .now = now},
                       previous);
}

TEST(StatusReadyTransitionTest, ReadyKeepsItsTimeWhileTheContainerStays) {
  const DecisionInput c1 = Converged("c1", 1);
  const Timestamp t0 = Timestamp(std::chrono::hours(1));
  const RuntimeStatusView first = ReportedAt(c1, t0, {});

  const RuntimeStatusView later = ReportedAt(c1, t0 + std::chrono::minutes(5), first);

  EXPECT_EQ(ReadyOf(later).status, ConditionStatus::kTrue);
  EXPECT_EQ(ReadyOf(later).last_transition_time, t0);
}

TEST(StatusReadyTransitionTest, ANewContainerIsReadySinceItReplacedTheOldOne) {
  const Timestamp t0 = Timestamp(std::chrono::hours(1));
  const RuntimeStatusView first = ReportedAt(Converged("c1", 1), t0, {});
  const Timestamp t1 = t0 + std::chrono::minutes(5);

  const RuntimeStatusView recreated = ReportedAt(Converged("c2", 1), t1, first);

  EXPECT_EQ(ReadyOf(recreated).status, ConditionStatus::kTrue);
  EXPECT_EQ(ReadyOf(recreated).last_transition_time, t1);
}

TEST(StatusReadyTransitionTest, AGameHeldBackByItsBudgetRunsAndSaysWhy) {
  const DecisionInput c1 = Converged("c1", 1);
  const Timestamp t0 = Timestamp(std::chrono::hours(1));

  const RuntimeStatusView held = ReportedAt(
      c1, t0, {}, "restart waits for disruption budget fleet: 3 of 20 games unavailable");

  EXPECT_EQ(held.phase, Phase::kRunning);
  EXPECT_EQ(ReadyOf(held).status, ConditionStatus::kTrue);
  const Condition& progressing = held.conditions[1];
  EXPECT_EQ(progressing.type, "Progressing");
  EXPECT_EQ(progressing.status, ConditionStatus::kTrue);
  EXPECT_EQ(progressing.reason, "WaitingForBudget");
  EXPECT_EQ(progressing.message,
            "restart waits for disruption budget fleet: 3 of 20 games unavailable");
}

}  // namespace
}  // namespace rtm

namespace rtm {
namespace {

// Docker records an OOM kill from its own event, which may come after the
// exit: the same ending is then seen first as "Killed", then "OOMKilled".
TEST(StatusLastTerminationTest, TheSameEndingSeenAgainReplacesItsReason) {
  const Timestamp ended = Timestamp(std::chrono::hours(2));
  const Termination first_seen{.container_id = "c1", .exit_code = 137,
                               .reason = "Killed", .finished_at = ended};
  Termination seen_again = first_seen;
  seen_again.reason = "OOMKilled";

  const RuntimeStatusView status = ComputeStatus(
      StatusInput{.observed_termination = seen_again},
      RuntimeStatusView{.last_termination = first_seen});

  ASSERT_TRUE(status.last_termination.has_value());
  EXPECT_EQ(status.last_termination->reason, "OOMKilled");
}

TEST(StatusLastTerminationTest, AnOlderEndingDoesNotReplaceANewerOne) {
  const Timestamp t0 = Timestamp(std::chrono::hours(2));
  const Termination newer{.container_id = "c2", .exit_code = 1,
                          .reason = "Error", .finished_at = t0 + std::chrono::minutes(1)};
  const Termination older{.container_id = "c1", .exit_code = 137,
                          .reason = "OOMKilled", .finished_at = t0};

  const RuntimeStatusView status = ComputeStatus(
      StatusInput{.observed_termination = older},
      RuntimeStatusView{.last_termination = newer});

  ASSERT_TRUE(status.last_termination.has_value());
  EXPECT_EQ(*status.last_termination, newer);
}

}  // namespace
}  // namespace rtm
