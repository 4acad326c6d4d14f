#include "reconcile/domain/container_spec.h"
#include "test/reconcile/lifecycle/lifecycle_test_fixture.h"

namespace rtm::testing {
namespace {

using ::testing::_;
using ::testing::ElementsAre;
using ::testing::InSequence;
using ::testing::Return;

class UpdateServiceTest : public LifecycleTest {
 protected:
  UpdateInput Input(std::string source_ref = "manifests/lobby.yaml#gen=5") const {
    return UpdateInput{.game_id = kGame,
                       .spec = Spec(kNewImage),
                       .generation = 5,
                       .op_source = OpSource::kManifest,
                       .source_ref = std::move(source_ref)};
  }
};

TEST_F(UpdateServiceTest, ChecksTheImageFirstThenRecreatesWithTheNewSpec) {
  StoreRecord(RunningRecord());
  ExpectLeaseReleased();
  ContainerSpec created;
  {
    InSequence in_order;
    EXPECT_CALL(engine_, InspectImage(std::string_view(kNewImage)))
        .WillOnce(Return(Expected<void>()));
    EXPECT_CALL(engine_, StopContainer(std::string_view(kOldContainer), 3))
        .WillOnce(Return(Expected<void>()));
    EXPECT_CALL(engine_, RemoveContainer(std::string_view(kOldContainer), false))
        .WillOnce(Return(Expected<void>()));
    EXPECT_CALL(engine_, InspectContainer(std::string_view(ContainerName(kGame)))).Times(0);  // the recreate freed the name
    EXPECT_CALL(engine_, CreateContainer)
        .WillOnce([&](const ContainerSpec& spec) -> Expected<std::string> {
          created = spec;
          return std::string(kNewContainer);
        });
    EXPECT_CALL(engine_, StartContainer(std::string_view(kNewContainer)))
        .WillOnce(Return(Expected<void>()));
  }

  Expected<RuntimeRecord> result = update_.Handle(Input());

  ASSERT_TRUE(result.has_value()) << result.error().message;
  EXPECT_EQ(created.image, kNewImage);
  EXPECT_EQ(created.hostname, kGame);
  EXPECT_EQ(records_.at(kGame).current_image_ref, kNewImage);
  EXPECT_EQ(records_.at(kGame).generation, 5);
  EXPECT_THAT(EntryKinds(),
              ElementsAre(OpKind::kStop, OpKind::kStart, OpKind::kUpdate));
  for (const auto& entry : entries()) {
    EXPECT_EQ(entry.source_ref, "manifests/lobby.yaml#gen=5");
  }
  EXPECT_EQ(entries().back().image_ref, kNewImage);
}

TEST_F(UpdateServiceTest, MissingImageFailsBeforeAnythingIsStopped) {
  StoreRecord(RunningRecord());
  EXPECT_CALL(engine_, InspectImage(std::string_view(kNewImage)))
      .WillOnce(Return(Fail(ErrorCode::kImageNotFound, "No such image")));
  EXPECT_CALL(engine_, StopContainer).Times(0);
  EXPECT_CALL(engine_, RemoveContainer).Times(0);

  Expected<RuntimeRecord> result = update_.Handle(Input());

  EXPECT_EQ(ErrorCodeOf(result), ErrorCode::kImageNotFound);
  EXPECT_EQ(ErrorMessageOf(result),
            "image \"rtmanager/demo-game:2\" not found; the current container "
            "keeps running");
  EXPECT_EQ(records_.at(kGame), AtRevision(RunningRecord(), 1));  // never written
  ASSERT_EQ(entries().size(), 1u);
  EXPECT_EQ(entries()[0].container_id, kOldContainer);
}

TEST_F(UpdateServiceTest, UnreachableEngineOnImageCheckIsServiceUnavailable) {
  StoreRecord(RunningRecord());
  EXPECT_CALL(engine_, InspectImage)
      .WillOnce(Return(Fail(ErrorCode::kServiceUnavailable, "refused")));

  Expected<RuntimeRecord> result = update_.Handle(Input());

  EXPECT_EQ(ErrorCodeOf(result), ErrorCode::kServiceUnavailable);
  EXPECT_EQ(ErrorMessageOf(result), "docker image inspect: refused");
}

TEST_F(UpdateServiceTest, EmptySourceRefGeneratesOneSharedCorrelationId) {
  StoreRecord(RunningRecord());
  EXPECT_CALL(engine_, InspectImage).WillOnce(Return(Expected<void>()));
  EXPECT_CALL(engine_, StopContainer).WillOnce(Return(Expected<void>()));
  EXPECT_CALL(engine_, RemoveContainer).WillOnce(Return(Expected<void>()));
  ExpectCreateAndStartAfterRemove(kNewContainer);

  ASSERT_TRUE(update_.Handle(Input("")).has_value());
  ASSERT_EQ(entries().size(), 3u);
  for (const auto& entry : entries()) EXPECT_EQ(entry.source_ref, TokenNumber(2));
}

TEST_F(UpdateServiceTest, RemoveFailureIsServiceUnavailable) {
  StoreRecord(RunningRecord());
  EXPECT_CALL(engine_, InspectImage).WillOnce(Return(Expected<void>()));
  EXPECT_CALL(engine_, StopContainer).WillOnce(Return(Expected<void>()));
  EXPECT_CALL(engine_, RemoveContainer)
      .WillOnce(Return(Fail(ErrorCode::kServiceUnavailable, "timeout")));
  EXPECT_CALL(engine_, CreateContainer).Times(0);

  Expected<RuntimeRecord> result = update_.Handle(Input());

  EXPECT_EQ(ErrorCodeOf(result), ErrorCode::kServiceUnavailable);
  EXPECT_EQ(ErrorMessageOf(result), "docker remove: timeout");
}

TEST_F(UpdateServiceTest, InnerStopFailureKeepsItsCode) {
  StoreRecord(RunningRecord());
  EXPECT_CALL(engine_, InspectImage).WillOnce(Return(Expected<void>()));
  EXPECT_CALL(engine_, StopContainer)
      .WillOnce(Return(Fail(ErrorCode::kServiceUnavailable, "timeout")));

  Expected<RuntimeRecord> result = update_.Handle(Input());

  EXPECT_EQ(ErrorCodeOf(result), ErrorCode::kServiceUnavailable);
  EXPECT_EQ(ErrorMessageOf(result), "inner stop failed: docker stop: timeout");
}

TEST_F(UpdateServiceTest, InnerStartFailureKeepsItsCode) {
  StoreRecord(RunningRecord());
  EXPECT_CALL(engine_, InspectImage).WillOnce(Return(Expected<void>()));
  EXPECT_CALL(engine_, StopContainer).WillOnce(Return(Expected<void>()));
  EXPECT_CALL(engine_, RemoveContainer(std::string_view(kOldContainer), false))
      .WillOnce(Return(Expected<void>()));
  EXPECT_CALL(engine_, InspectContainer(std::string_view(ContainerName(kGame)))).Times(0);  // the recreate freed the name
  EXPECT_CALL(engine_, CreateContainer)
      .WillOnce(Return(Fail(ErrorCode::kStartFailed, "invalid port")));

  Expected<RuntimeRecord> result = update_.Handle(Input());

  EXPECT_EQ(ErrorCodeOf(result), ErrorCode::kStartFailed);
  EXPECT_EQ(ErrorMessageOf(result),
            "inner start failed: docker create: invalid port");
}

TEST_F(UpdateServiceTest, MissingRecordIsNotFound) {
  EXPECT_EQ(ErrorCodeOf(update_.Handle(Input())), ErrorCode::kNotFound);
}

TEST_F(UpdateServiceTest, RemovedRuntimeIsConflict) {
  RuntimeRecord removed = RunningRecord();
  removed.status = RuntimeStatus::kRemoved;
  StoreRecord(removed);

  EXPECT_EQ(ErrorCodeOf(update_.Handle(Input())), ErrorCode::kConflict);
}

TEST_F(UpdateServiceTest, InvalidSpecIsInvalidRequest) {
  UpdateInput input = Input();
  input.spec.image.clear();

  Expected<RuntimeRecord> result = update_.Handle(input);

  EXPECT_EQ(ErrorCodeOf(result), ErrorCode::kInvalidRequest);
  EXPECT_EQ(ErrorMessageOf(result), "spec.image: must not be empty");
}

TEST_F(UpdateServiceTest, LeaseStoreErrorIsServiceUnavailable) {
  EXPECT_CALL(leases_, TryAcquire)
      .WillOnce(Return(Fail(ErrorCode::kServiceUnavailable, "down")));

  EXPECT_EQ(ErrorCodeOf(update_.Handle(Input())), ErrorCode::kServiceUnavailable);
}

}  // namespace
}  // namespace rtm::testing
