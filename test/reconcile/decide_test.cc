#include "reconcile/decide.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "reconcile/domain/container_spec.h"

namespace rtm {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr char kName[] = "lobby-eu-1";

GameSpec Spec(std::string image = "img:1") {
  GameSpec spec;
  spec.image = std::move(image);
  spec.command = {"/bin/httpd", "-f"};
  spec.stop_timeout_seconds = 1;
  return spec;
}

DesiredRuntime Desired(GameSpec spec = Spec(), int64_t generation = 1) {
  return DesiredRuntime{.name = kName, .spec = std::move(spec), .generation = generation};
}

ContainerState Container(const std::string& id, const GameSpec& spec,
                         bool running, int64_t restart_generation = 0) {
  GameSpec labelled = spec;
  labelled.restart_generation = restart_generation;
  return ContainerState{
      .id = id,
      .name = ContainerName(kName),
      .image = spec.image,
      .labels = BuildContainerSpec({kName, 1}, labelled, "rtmanager").labels,
      .status = running ? "running" : "exited",
      .running = running,
      .exit_code = running ? 0 : 137,
  };
}

RuntimeRecord Record(const std::string& container_id, const GameSpec& spec,
                     RuntimeStatus status = RuntimeStatus::kRunning) {
  return RuntimeRecord{.game_id = kName,
                       .status = status,
                       .current_image_ref = spec.image,
                       .current_container_id = container_id,
                       .hostname = kName,
                       .spec = spec,
                       .generation = 1};
}

std::vector<ActionKind> Kinds(const Plan& plan) {
  std::vector<ActionKind> kinds;
  for (const Action& action : plan.actions) kinds.push_back(action.kind);
  return kinds;
}

TEST(DecideTest, NothingDeclaredNothingObservedIsConverged) {
  EXPECT_TRUE(Decide({.name = kName}).converged());
}

TEST(DecideTest, NewDesiredRunningWithoutContainerStarts) {
  Plan plan = Decide({.name = kName, .desired = Desired()});
  EXPECT_THAT(plan.actions,
              ElementsAre(Action{ActionKind::kStart, "", "no container"}));
}

TEST(DecideTest, NewDesiredStoppedDoesNothing) {
  GameSpec spec = Spec();
  spec.state = DesiredState::kStopped;
  EXPECT_TRUE(Decide({.name = kName, .desired = Desired(spec)}).converged());
}

TEST(DecideTest, RunningContainerMatchingDesiredIsConverged) {
  Plan plan = Decide({.name = kName,
                      .desired = Desired(),
                      .record = Record("c1", Spec()),
                      .containers = {Container("c1", Spec(), true)}});
  EXPECT_TRUE(plan.converged());
}

TEST(DecideTest, ImageChangeIsAnUpdateNamingTheField) {
  Plan plan = Decide({.name = kName,
                      .desired = Desired(Spec("img:2")),
                      .record = Record("c1", Spec()),
                      .containers = {Container("c1", Spec(), true)}});
  EXPECT_THAT(plan.actions, ElementsAre(Action{ActionKind::kUpdate, "",
                                               "spec fields differ: image"}));
}

TEST(DecideTest, SeveralChangedFieldsAreAllNamed) {
  GameSpec changed = Spec();
  changed.env["MAP"] = "x";
  changed.stop_timeout_seconds = 5;
  changed.resources.cpus = 1;
  Plan plan = Decide({.name = kName,
                      .desired = Desired(changed),
                      .record = Record("c1", Spec()),
                      .containers = {Container("c1", Spec(), true)}});
  ASSERT_EQ(plan.actions.size(), 1u);
  EXPECT_EQ(plan.actions[0].reason,
            "spec fields differ: env, stopTimeoutSeconds, resources");
}

TEST(DecideTest, PlacementChangeAloneIsNoUpdate) {
  GameSpec placed = Spec();
  placed.node_name = "node-b";
  placed.node_selector = {{"zone", "eu-west-1a"}};
  GameSpec moved = placed;
  moved.node_name = "node-c";
  moved.node_selector.clear();

  // Placement added to a running game, then changed: the container (labelled
  // with the spec before either) and the record are left as they are.
  EXPECT_TRUE(Decide({.name = kName,
                      .desired = Desired(placed, 2),
                      .record = Record("c1", Spec()),
                      .containers = {Container("c1", Spec(), true)}})
                  .converged());
  EXPECT_TRUE(Decide({.name = kName,
                      .desired = Desired(moved, 3),
                      .record = Record("c1", placed),
                      .containers = {Container("c1", placed, true)}})
                  .converged());
  // Without the container to read the label from, the record's spec decides.
  EXPECT_THAT(Kinds(Decide({.name = kName,
                            .desired = Desired(moved, 3),
                            .record = Record("c1", placed, RuntimeStatus::kStopped)})),
              ElementsAre(ActionKind::kStart));
  EXPECT_THAT(DifferingSpecFields(Spec(), moved), IsEmpty());
}

TEST(DecideTest, PlacementChangeAlongsideARecreateRelevantOneIsNotNamed) {
  GameSpec changed = Spec("img:2");
  changed.node_name = "node-b";
  Plan plan = Decide({.name = kName,
                      .desired = Desired(changed, 2),
                      .record = Record("c1", Spec()),
                      .containers = {Container("c1", Spec(), true)}});
  EXPECT_THAT(plan.actions, ElementsAre(Action{ActionKind::kUpdate, "",
                                               "spec fields differ: image"}));
}

TEST(DecideTest, OnlyRestartGenerationMovedIsARestart) {
  GameSpec bumped = Spec();
  bumped.restart_generation = 1;
  Plan plan = Decide({.name = kName,
                      .desired = Desired(bumped, 2),
                      .record = Record("c1", Spec()),
                      .containers = {Container("c1", Spec(), true)}});
  EXPECT_THAT(plan.actions, ElementsAre(Action{ActionKind::kRestart, "",
                                               "restartGeneration 0 -> 1"}));
}

TEST(DecideTest, ApiRestartCounterCountsTowardsTheRestartGeneration) {
  DesiredRuntime desired = Desired();
  desired.spec.restart_generation = 2;
  desired.api_restart_count = 1;
  Plan plan = Decide({.name = kName,
                      .desired = desired,
                      .record = Record("c1", Spec()),
                      .containers = {Container("c1", Spec(), true, 2)}});
  EXPECT_THAT(Kinds(plan), ElementsAre(ActionKind::kRestart));
  EXPECT_EQ(plan.actions[0].reason, "restartGeneration 2 -> 3");
}

TEST(DecideTest, SpecChangeWinsOverRestartBump) {
  GameSpec both = Spec("img:2");
  both.restart_generation = 1;
  Plan plan = Decide({.name = kName,
                      .desired = Desired(both),
                      .record = Record("c1", Spec()),
                      .containers = {Container("c1", Spec(), true)}});
  EXPECT_THAT(Kinds(plan), ElementsAre(ActionKind::kUpdate));
}

TEST(DecideTest, ExitedContainerOfARunningRecordSelfHeals) {
  Plan plan = Decide({.name = kName,
                      .desired = Desired(),
                      .record = Record("c1", Spec()),
                      .containers = {Container("c1", Spec(), false)}});
  EXPECT_THAT(plan.actions,
              ElementsAre(Action{ActionKind::kSelfHeal, "",
                                 "container exited (code 137)"}));
}

TEST(DecideTest, VanishedContainerOfARunningRecordSelfHeals) {
  Plan plan = Decide({.name = kName,
                      .desired = Desired(),
                      .record = Record("c1", Spec())});
  EXPECT_THAT(plan.actions, ElementsAre(Action{ActionKind::kSelfHeal, "",
                                               "container vanished"}));
}

TEST(DecideTest, StoppedRecordDesiredRunningAgainIsAPlainStart) {
  Plan plan = Decide({.name = kName,
                      .desired = Desired(),
                      .record = Record("c1", Spec(), RuntimeStatus::kStopped),
                      .containers = {Container("c1", Spec(), false)}});
  EXPECT_THAT(plan.actions, ElementsAre(Action{ActionKind::kStart, "",
                                               "container not running"}));
}

TEST(DecideTest, RemovedRecordDeclaredAgainStartsAfresh) {
  Plan plan = Decide({.name = kName,
                      .desired = Desired(),
                      .record = Record("", Spec(), RuntimeStatus::kRemoved)});
  EXPECT_THAT(Kinds(plan), ElementsAre(ActionKind::kStart));
}

TEST(DecideTest, DesiredStoppedStopsARunningContainer) {
  GameSpec stopped = Spec();
  stopped.state = DesiredState::kStopped;
  Plan plan = Decide({.name = kName,
                      .desired = Desired(stopped),
                      .record = Record("c1", Spec()),
                      .containers = {Container("c1", Spec(), true)}});
  EXPECT_THAT(plan.actions,
              ElementsAre(Action{ActionKind::kStop, "", "desired state Stopped"}));
}

TEST(DecideTest, DesiredStoppedWithDeadContainerStillMarksTheRecordStopped) {
  GameSpec stopped = Spec();
  stopped.state = DesiredState::kStopped;
  Plan plan = Decide({.name = kName,
                      .desired = Desired(stopped),
                      .record = Record("c1", Spec()),
                      .containers = {Container("c1", Spec(), false)}});
  EXPECT_THAT(Kinds(plan), ElementsAre(ActionKind::kStop));
}

TEST(DecideTest, DesiredStoppedAndStoppedIsConverged) {
  GameSpec stopped = Spec();
  stopped.state = DesiredState::kStopped;
  Plan plan = Decide({.name = kName,
                      .desired = Desired(stopped),
                      .record = Record("c1", Spec(), RuntimeStatus::kStopped),
                      .containers = {Container("c1", Spec(), false)}});
  EXPECT_TRUE(plan.converged());
}

TEST(DecideTest, DeletedDesiredRemovesTheRuntimeAndStrayContainers) {
  DesiredRuntime deleted = Desired();
  deleted.deleted = true;
  Plan plan = Decide({.name = kName,
                      .desired = deleted,
                      .record = Record("c1", Spec()),
                      .containers = {Container("c1", Spec(), true),
                                     Container("c2", Spec(), false)}});
  EXPECT_THAT(plan.actions,
              ElementsAre(Action{ActionKind::kRemove, "", "desired object deleted"},
                          Action{ActionKind::kRemoveContainer, "c2",
                                 "desired object deleted"}));
}

TEST(DecideTest, ContainerThatNothingDeclaresIsLeftAlone) {
  // A lost store or an unreadable manifests tree is no deletion.
  Plan plan = Decide({.name = kName, .containers = {Container("c1", Spec(), true)}});
  EXPECT_TRUE(plan.converged());
  Plan with_record = Decide({.name = kName,
                             .record = Record("c1", Spec()),
                             .containers = {Container("c1", Spec(), true)}});
  EXPECT_TRUE(with_record.converged());
}

TEST(DecideTest, DeletedAndRemovedIsConverged) {
  Plan plan = Decide({.name = kName,
                      .record = Record("", Spec(), RuntimeStatus::kRemoved)});
  EXPECT_TRUE(plan.converged());
}

TEST(DecideTest, ManagedContainerWithoutRecordIsAdoptedNotDuplicated) {
  Plan plan = Decide({.name = kName,
                      .desired = Desired(),
                      .containers = {Container("c9", Spec(), true)}});
  EXPECT_THAT(plan.actions,
              ElementsAre(Action{ActionKind::kAdopt, "c9",
                                 "managed container without a record"}));
}

TEST(DecideTest, RecordNamingAGoneContainerAdoptsTheLiveOne) {
  Plan plan = Decide({.name = kName,
                      .desired = Desired(),
                      .record = Record("c1", Spec()),
                      .containers = {Container("c2", Spec(), true)}});
  EXPECT_THAT(Kinds(plan), ElementsAre(ActionKind::kAdopt));
  EXPECT_EQ(plan.actions[0].container_id, "c2");
}

TEST(DecideTest, ExtraContainersAreRemovedKeepingTheRecordsOne) {
  Plan plan = Decide({.name = kName,
                      .desired = Desired(),
                      .record = Record("c2", Spec()),
                      .containers = {Container("c1", Spec(), true),
                                     Container("c2", Spec(), true),
                                     Container("c3", Spec(), false)}});
  EXPECT_THAT(plan.actions,
              ElementsAre(Action{ActionKind::kRemoveContainer, "c1",
                                 "more than one container for the game"},
                          Action{ActionKind::kRemoveContainer, "c3",
                                 "more than one container for the game"}));
}

TEST(DecideTest, KeeperWithoutRecordPrefersTheRunningContainer) {
  DecisionInput input{.name = kName,
                      .desired = Desired(),
                      .containers = {Container("c1", Spec(), false),
                                     Container("c2", Spec(), true)}};
  ASSERT_NE(SelectKeeper(input), nullptr);
  EXPECT_EQ(SelectKeeper(input)->id, "c2");
}

TEST(DecideTest, DifferingSpecFieldsListsEveryRecreateRelevantField) {
  GameSpec to = Spec("img:2");
  to.command = {"x"};
  to.env = {{"A", "1"}};
  to.ports = {PortMapping{8080}};
  to.health_check = HealthCheck{{"true"}};
  to.stop_timeout_seconds = 9;
  to.resources.memory_mib = 64;
  to.state = DesiredState::kStopped;  // not recreate-relevant
  to.restart_generation = 5;           // not a spec field difference
  EXPECT_THAT(DifferingSpecFields(Spec(), to),
              ElementsAre("image", "command", "env", "ports", "healthCheck",
                          "stopTimeoutSeconds", "resources"));
}

// Applying a plan's effect then deciding again yields no action.
TEST(DecideTest, DecisionsAreIdempotentAfterTheirEffect) {
  GameSpec bumped = Spec("img:2");
  bumped.restart_generation = 3;
  DesiredRuntime desired = Desired(bumped, 7);
  // The state an update leaves behind: a new container implementing desired.
  Plan after = Decide({.name = kName,
                       .desired = desired,
                       .record = Record("c2", bumped),
                       .containers = {Container("c2", bumped, true, 3)}});
  EXPECT_THAT(after.actions, IsEmpty());
}

}  // namespace
}  // namespace rtm
