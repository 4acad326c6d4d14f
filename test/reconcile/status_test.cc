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
