#include "test/reconcile/lifecycle/lifecycle_test_fixture.h"

namespace rtm::testing {
namespace {

using ::testing::Return;

class StopServiceTest : public LifecycleTest {
 protected:
  StopInput Input() const {
    return StopInput{.game_id = kGame,
                     .reason = StopReason::kDesiredStopped,
                     .op_source = OpSource::kManifest,
                     .source_ref = "ref"};
  }
};

TEST_F(StopServiceTest, StopsWithTheSpecsTimeoutAndKeepsTheContainer) {
  StoreRecord(RunningRecord());
  ExpectLeaseReleased();
  EXPECT_CALL(engine_, StopContainer(std::string_view(kOldContainer), 3))
      .WillOnce(Return(Expected<void>()));

  Expected<RuntimeRecord> result = stop_.Handle(Input());

  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(records_.at(kGame).status, RuntimeStatus::kStopped);
  EXPECT_EQ(records_.at(kGame).current_container_id, kOldContainer);
  ASSERT_EQ(entries().size(), 1u);
  EXPECT_EQ(entries()[0].op_kind, OpKind::kStop);
  EXPECT_EQ(entries()[0].outcome, Outcome::kSuccess);
}

TEST_F(StopServiceTest, GameWithoutContainerIsStoppedWithoutEngineCalls) {
  RuntimeRecord record = RunningRecord();
  record.current_container_id.clear();
  StoreRecord(record);

  ASSERT_TRUE(stop_.Handle(Input()).has_value());
  EXPECT_EQ(records_.at(kGame).status, RuntimeStatus::kStopped);
}

TEST_F(StopServiceTest, ContainerAlreadyGoneCountsAsStopped) {
  StoreRecord(RunningRecord());
  EXPECT_CALL(engine_, StopContainer)
      .WillOnce(Return(Fail(ErrorCode::kNotFound, "no such container")));

  ASSERT_TRUE(stop_.Handle(Input()).has_value());
  EXPECT_EQ(records_.at(kGame).current_container_id, "");
}

TEST_F(StopServiceTest, EngineErrorKeepsItsCodeAndTheRecord) {
  StoreRecord(RunningRecord());
  EXPECT_CALL(engine_, StopContainer)
      .WillOnce(Return(Fail(ErrorCode::kServiceUnavailable, "timed out")));

  Expected<RuntimeRecord> result = stop_.Handle(Input());

  EXPECT_EQ(ErrorCodeOf(result), ErrorCode::kServiceUnavailable);
  EXPECT_EQ(ErrorMessageOf(result), "docker stop: timed out");
  EXPECT_EQ(records_.at(kGame), AtRevision(RunningRecord(), 1));  // never written
}

TEST_F(StopServiceTest, MissingRecordIsNotFound) {
  EXPECT_EQ(ErrorCodeOf(stop_.Handle(Input())), ErrorCode::kNotFound);
}

TEST_F(StopServiceTest, RemovedRuntimeIsConflict) {
  RuntimeRecord removed = RunningRecord();
  removed.status = RuntimeStatus::kRemoved;
  StoreRecord(removed);

  Expected<RuntimeRecord> result = stop_.Handle(Input());

  EXPECT_EQ(ErrorCodeOf(result), ErrorCode::kConflict);
  EXPECT_EQ(ErrorMessageOf(result),
            "runtime for game \"lobby-eu-1\" is removed; cannot stop");
}

TEST_F(StopServiceTest, LeaseHeldElsewhereIsConflictWithoutEngineCalls) {
  StoreRecord(RunningRecord());
  EXPECT_CALL(leases_, TryAcquire).WillOnce(Return(Expected<bool>(false)));

  EXPECT_EQ(ErrorCodeOf(stop_.Handle(Input())), ErrorCode::kConflict);
}

TEST_F(StopServiceTest, RecordSaveErrorIsReported) {
  StoreRecord(RunningRecord());
  EXPECT_CALL(engine_, StopContainer).WillOnce(Return(Expected<void>()));
  EXPECT_CALL(record_store_, Upsert)
      .WillOnce(Return(Fail(ErrorCode::kServiceUnavailable, "disk full")));

  Expected<RuntimeRecord> result = stop_.Handle(Input());

  EXPECT_EQ(ErrorCodeOf(result), ErrorCode::kServiceUnavailable);
  EXPECT_EQ(ErrorMessageOf(result), "save runtime record: disk full");
}

}  // namespace
}  // namespace rtm::testing
