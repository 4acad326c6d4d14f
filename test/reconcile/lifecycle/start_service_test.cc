#include "reconcile/domain/container_spec.h"
#include "test/reconcile/lifecycle/lifecycle_test_fixture.h"

namespace rtm::testing {
namespace {

using ::testing::_;
using ::testing::Return;

class StartServiceTest : public LifecycleTest {
 protected:
  StartInput Input(GameSpec spec) const {
    return StartInput{.game_id = kGame,
                      .spec = std::move(spec),
                      .generation = 1,
                      .op_source = OpSource::kManifest,
                      .source_ref = "manifests/lobby.yaml#gen=1"};
  }
  void ExpectInspect(Expected<ContainerState> answer) {
    EXPECT_CALL(engine_, InspectContainer(std::string_view("rtm-lobby-eu-1")))
        .WillOnce(Return(std::move(answer)));
  }
  void ExpectNoContainerChange() {
    EXPECT_CALL(engine_, CreateContainer).Times(0);
    EXPECT_CALL(engine_, RemoveContainer).Times(0);
    EXPECT_CALL(engine_, StartContainer).Times(0);
  }
};

TEST_F(StartServiceTest, CreatesAndStartsAFreshContainerWithTheFullMapping) {
  ExpectLeaseReleased();
  ExpectInspect(Fail(ErrorCode::kNotFound, "no such container"));
  ContainerSpec created;
  EXPECT_CALL(engine_, CreateContainer)
      .WillOnce([&](const ContainerSpec& spec) -> Expected<std::string> {
        created = spec;
        return std::string(kNewContainer);
      });
  EXPECT_CALL(engine_, StartContainer(std::string_view(kNewContainer)))
      .WillOnce(Return(Expected<void>()));

  Expected<RuntimeRecord> result = start_.Handle(Input(Spec()));

  ASSERT_TRUE(result.has_value()) << result.error().message;
  EXPECT_EQ(created, BuildContainerSpec({kGame, 1}, Spec(), "rtmanager"));
  const RuntimeRecord& record = records_.at(kGame);
  EXPECT_EQ(record.status, RuntimeStatus::kRunning);
  EXPECT_EQ(record.current_container_id, kNewContainer);
  EXPECT_EQ(record.current_image_ref, kImage);
  EXPECT_EQ(record.hostname, kGame);
  EXPECT_EQ(record.spec, Spec());
  EXPECT_EQ(record.generation, 1);
  ASSERT_EQ(entries().size(), 1u);
  EXPECT_EQ(entries()[0].op_kind, OpKind::kStart);
  EXPECT_EQ(entries()[0].op_source, OpSource::kManifest);
  EXPECT_EQ(entries()[0].source_ref, "manifests/lobby.yaml#gen=1");
  EXPECT_EQ(entries()[0].container_id, kNewContainer);
}

// spec.secretEnv: the values, read when the container is created, go into
// its environment (sorted with the rest) and nowhere else.
TEST_F(StartServiceTest, SecretValuesGoIntoTheCreatedContainerOnly) {
  GameSpec spec = Spec();
  spec.env = {{"MAP", "nebula"}, {"ZONE", "eu"}};
  spec.secret_env = {{"RCON_PASSWORD", {.file = "rcon", .digest = "d1"}}};
  ExpectInspect(Fail(ErrorCode::kNotFound, "no such container"));
  EXPECT_CALL(secrets_, Read(std::string_view("rcon")))
      .WillOnce(Return(Expected<std::string>("hunter2")));
  ContainerSpec created;
  EXPECT_CALL(engine_, CreateContainer)
      .WillOnce([&](const ContainerSpec& wanted) -> Expected<std::string> {
        created = wanted;
        return std::string(kNewContainer);
      });
  EXPECT_CALL(engine_, StartContainer).WillOnce(Return(Expected<void>()));

  ASSERT_TRUE(start_.Handle(Input(spec)).has_value());

  EXPECT_EQ(created.env, (std::vector<std::string>{"MAP=nebula", "RCON_PASSWORD=hunter2",
                                                   "ZONE=eu"}));
  EXPECT_EQ(created.labels.at("io.rtmanager.spec-hash"), SpecHash(spec));
  EXPECT_EQ(records_.at(kGame).spec.secret_env.at("RCON_PASSWORD").file, "rcon");
  EXPECT_EQ(entries()[0].error_message, "");
}

TEST_F(StartServiceTest, AnUnreadableSecretFailsTheStartNamingItAndCreatesNothing) {
  GameSpec spec = Spec();
  spec.secret_env = {{"RCON_PASSWORD", {.file = "rcon", .digest = "d1"}}};
  ExpectLeaseReleased();
  ExpectInspect(Fail(ErrorCode::kNotFound, "no such container"));
  EXPECT_CALL(secrets_, Read(std::string_view("rcon")))
      .WillOnce(Return(Expected<std::string>(
          Fail(ErrorCode::kNotFound, "secret file /run/secrets/rcon: No such file"))));
  EXPECT_CALL(engine_, CreateContainer).Times(0);

  Expected<RuntimeRecord> result = start_.Handle(Input(spec));

  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(result.error().message,
            "spec.secretEnv.RCON_PASSWORD: secret file /run/secrets/rcon: No such file");
  ASSERT_EQ(entries().size(), 1u);
  EXPECT_EQ(entries()[0].outcome, Outcome::kFailure);
}

TEST_F(StartServiceTest, StartsAStoppedContainerWithTheSameSpecInPlace) {
  ExpectInspect(ManagedContainer(kOldContainer, Spec(), /*running=*/false));
  EXPECT_CALL(engine_, CreateContainer).Times(0);
  EXPECT_CALL(engine_, StartContainer(std::string_view(kOldContainer)))
      .WillOnce(Return(Expected<void>()));

  Expected<RuntimeRecord> result = start_.Handle(Input(Spec()));

  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(records_.at(kGame).current_container_id, kOldContainer);
}

TEST_F(StartServiceTest, AdoptsARunningContainerWithTheSameSpec) {
  ExpectInspect(ManagedContainer(kOldContainer, Spec(), /*running=*/true));
  ExpectNoContainerChange();

  Expected<RuntimeRecord> result = start_.Handle(Input(Spec()));

  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(records_.at(kGame).current_container_id, kOldContainer);
  EXPECT_EQ(records_.at(kGame).status, RuntimeStatus::kRunning);
}

TEST_F(StartServiceTest, ForeignContainerWithOurNameIsConflictAndUntouched) {
  ContainerState foreign{.id = "f00", .name = "rtm-lobby-eu-1",
                         .image = "nginx", .running = true};
  ExpectInspect(foreign);
  ExpectNoContainerChange();

  Expected<RuntimeRecord> result = start_.Handle(Input(Spec()));

  EXPECT_EQ(ErrorCodeOf(result), ErrorCode::kConflict);
  EXPECT_EQ(ErrorMessageOf(result),
            "container \"rtm-lobby-eu-1\" exists and is not managed by this "
            "rtmanager (network \"rtmanager\"); refusing to touch it");
  EXPECT_FALSE(records_.contains(kGame));
}

TEST_F(StartServiceTest, ContainerOfAnotherControllersNetworkIsConflict) {
  ContainerState theirs = ManagedContainer(kOldContainer, Spec(), true);
  theirs.labels["io.rtmanager.network"] = "other-controller";
  ExpectInspect(theirs);
  ExpectNoContainerChange();

  EXPECT_EQ(ErrorCodeOf(start_.Handle(Input(Spec()))), ErrorCode::kConflict);
}

TEST_F(StartServiceTest, RunningContainerWithAnotherSpecIsConflict) {
  ExpectInspect(ManagedContainer(kOldContainer, Spec(kNewImage), true));
  ExpectNoContainerChange();

  Expected<RuntimeRecord> result = start_.Handle(Input(Spec()));

  EXPECT_EQ(ErrorCodeOf(result), ErrorCode::kConflict);
}

TEST_F(StartServiceTest, StoppedContainerWithAnotherSpecIsReplaced) {
  ExpectInspect(ManagedContainer(kOldContainer, Spec(kNewImage), false));
  EXPECT_CALL(engine_, RemoveContainer(std::string_view(kOldContainer), false))
      .WillOnce(Return(Expected<void>()));
  EXPECT_CALL(engine_, CreateContainer).WillOnce(Return(std::string(kNewContainer)));
  EXPECT_CALL(engine_, StartContainer(std::string_view(kNewContainer)))
      .WillOnce(Return(Expected<void>()));

  Expected<RuntimeRecord> result = start_.Handle(Input(Spec()));

  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(records_.at(kGame).current_container_id, kNewContainer);
}

TEST_F(StartServiceTest, StaleContainerThatCannotBeRemovedIsServiceUnavailable) {
  ExpectInspect(ManagedContainer(kOldContainer, Spec(kNewImage), false));
  EXPECT_CALL(engine_, RemoveContainer)
      .WillOnce(Return(Fail(ErrorCode::kServiceUnavailable, "timeout")));
  EXPECT_CALL(engine_, CreateContainer).Times(0);

  Expected<RuntimeRecord> result = start_.Handle(Input(Spec()));

  EXPECT_EQ(ErrorCodeOf(result), ErrorCode::kServiceUnavailable);
  EXPECT_EQ(ErrorMessageOf(result), "docker remove: timeout");
}

TEST_F(StartServiceTest, MissingImageIsImageNotFound) {
  ExpectInspect(Fail(ErrorCode::kNotFound, "no such container"));
  EXPECT_CALL(engine_, CreateContainer)
      .WillOnce(Return(Fail(ErrorCode::kImageNotFound, "No such image: x")));
  EXPECT_CALL(engine_, StartContainer).Times(0);

  Expected<RuntimeRecord> result = start_.Handle(Input(Spec()));

  EXPECT_EQ(ErrorCodeOf(result), ErrorCode::kImageNotFound);
  EXPECT_EQ(ErrorMessageOf(result), "docker create: No such image: x");
  EXPECT_EQ(entries().back().image_ref, kImage);
  EXPECT_FALSE(records_.contains(kGame));
}

TEST_F(StartServiceTest, RefusedStartRemovesTheNewContainerAndIsStartFailed) {
  ExpectInspect(Fail(ErrorCode::kNotFound, "no such container"));
  EXPECT_CALL(engine_, CreateContainer).WillOnce(Return(std::string(kNewContainer)));
  EXPECT_CALL(engine_, StartContainer)
      .WillOnce(Return(Fail(ErrorCode::kStartFailed, "exec: not found")));
  EXPECT_CALL(engine_, RemoveContainer(std::string_view(kNewContainer), true))
      .WillOnce(Return(Expected<void>()));

  Expected<RuntimeRecord> result = start_.Handle(Input(Spec()));

  EXPECT_EQ(ErrorCodeOf(result), ErrorCode::kStartFailed);
  EXPECT_EQ(entries().back().container_id, kNewContainer);
  EXPECT_FALSE(records_.contains(kGame));
}

TEST_F(StartServiceTest, UnreachableEngineIsServiceUnavailable) {
  ExpectInspect(Fail(ErrorCode::kServiceUnavailable, "connection refused"));
  ExpectNoContainerChange();

  Expected<RuntimeRecord> result = start_.Handle(Input(Spec()));

  EXPECT_EQ(ErrorCodeOf(result), ErrorCode::kServiceUnavailable);
  EXPECT_EQ(ErrorMessageOf(result), "docker inspect: connection refused");
}

TEST_F(StartServiceTest, RecordLoadErrorIsInternalBeforeAnyEngineCall) {
  EXPECT_CALL(record_store_, Get)
      .WillOnce(Return(Fail(ErrorCode::kInternal, "bad json")));

  Expected<RuntimeRecord> result = start_.Handle(Input(Spec()));

  EXPECT_EQ(ErrorCodeOf(result), ErrorCode::kInternal);
  EXPECT_EQ(ErrorMessageOf(result), "load runtime record: bad json");
}

TEST_F(StartServiceTest, RecordSaveErrorIsReportedWithTheRunningContainer) {
  ExpectFreshCreateAndStart(kNewContainer);
  EXPECT_CALL(record_store_, Upsert)
      .WillOnce(Return(Fail(ErrorCode::kServiceUnavailable, "disk full")));

  Expected<RuntimeRecord> result = start_.Handle(Input(Spec()));

  EXPECT_EQ(ErrorCodeOf(result), ErrorCode::kServiceUnavailable);
  EXPECT_EQ(ErrorMessageOf(result), "save runtime record: disk full");
  EXPECT_EQ(entries().back().container_id, kNewContainer);
}

TEST_F(StartServiceTest, InvalidSpecIsInvalidRequestNamingTheField) {
  GameSpec spec = Spec();
  spec.ports[0].host_port = 70000;
  EXPECT_CALL(leases_, TryAcquire).Times(0);

  Expected<RuntimeRecord> result = start_.Handle(Input(spec));

  EXPECT_EQ(ErrorCodeOf(result), ErrorCode::kInvalidRequest);
  EXPECT_EQ(ErrorMessageOf(result), "spec.ports[0].hostPort: must be in 0..65535");
}

TEST_F(StartServiceTest, LeaseHeldElsewhereIsConflict) {
  EXPECT_CALL(leases_, TryAcquire).WillOnce(Return(Expected<bool>(false)));
  ExpectNoContainerChange();

  Expected<RuntimeRecord> result = start_.Handle(Input(Spec()));

  EXPECT_EQ(ErrorCodeOf(result), ErrorCode::kConflict);
}

TEST_F(StartServiceTest, ReStartOfARemovedRuntimeCreatesItAgain) {
  RuntimeRecord removed = RunningRecord();
  removed.status = RuntimeStatus::kRemoved;
  removed.current_container_id.clear();
  StoreRecord(removed);
  ExpectFreshCreateAndStart(kNewContainer);

  ASSERT_TRUE(start_.Handle(Input(Spec())).has_value());
  EXPECT_EQ(records_.at(kGame).status, RuntimeStatus::kRunning);
  EXPECT_EQ(records_.at(kGame).created_at, removed.created_at);
}

}  // namespace
}  // namespace rtm::testing
