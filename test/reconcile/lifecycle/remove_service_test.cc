#include "test/reconcile/lifecycle/lifecycle_test_fixture.h"

namespace rtm::testing {
namespace {

using ::testing::InSequence;
using ::testing::Return;

class RemoveServiceTest : public LifecycleTest {
 protected:
  RemoveInput Input() const {
    return RemoveInput{.game_id = kGame,
                       .op_source = OpSource::kManifest,
                       .source_ref = "manifests/lobby.yaml deleted"};
  }
};

TEST_F(RemoveServiceTest, StopsGracefullyRemovesAndMarksTheRecordRemoved) {
  StoreRecord(RunningRecord());
  ExpectLeaseReleased();
  {
    InSequence in_order;
    EXPECT_CALL(engine_, StopContainer(std::string_view(kOldContainer), 3))
        .WillOnce(Return(Expected<void>()));
    EXPECT_CALL(engine_, RemoveContainer(std::string_view(kOldContainer), false))
        .WillOnce(Return(Expected<void>()));
  }

  Expected<RuntimeRecord> result = remove_.Handle(Input());

  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(records_.at(kGame).status, RuntimeStatus::kRemoved);
  EXPECT_EQ(records_.at(kGame).current_container_id, "");
  ASSERT_EQ(entries().size(), 1u);
  EXPECT_EQ(entries()[0].op_kind, OpKind::kRemove);
  EXPECT_EQ(entries()[0].container_id, kOldContainer);
}

TEST_F(RemoveServiceTest, PreStopRunsBeforeTheStopAndIsAuditedWithTheDrain) {
  RuntimeRecord record = RunningRecord();
  record.spec.pre_stop = ExecHook{.command = {"announce", "bye"}, .timeout_seconds = 9};
  StoreRecord(record);
  {
    InSequence in_order;
    EXPECT_CALL(engine_, Exec(std::string_view(kOldContainer),
                              std::vector<std::string>{"announce", "bye"},
                              Duration(std::chrono::seconds(9))))
        .WillOnce(Return(Expected<ExecResult>(ExecResult{1, "nobody listening"})));
    EXPECT_CALL(engine_, StopContainer(std::string_view(kOldContainer), 3))
        .WillOnce(Return(Expected<void>()));
    EXPECT_CALL(engine_, RemoveContainer(std::string_view(kOldContainer), false))
        .WillOnce(Return(Expected<void>()));
  }
  RemoveInput input = Input();
  input.drain = DrainRecord{DrainOutcome::kForced, std::chrono::seconds(3)};

  ASSERT_TRUE(remove_.Handle(input).has_value());

  ASSERT_EQ(entries().size(), 1u);
  EXPECT_EQ(entries()[0].pre_stop.value().exit_code, 1);
  EXPECT_EQ(entries()[0].pre_stop->output_tail, "nobody listening");
  EXPECT_EQ(entries()[0].drain, input.drain);
  EXPECT_EQ(records_.at(kGame).status, RuntimeStatus::kRemoved);
}

TEST_F(RemoveServiceTest, TheRemovedContainersLogsAndEndingAreKept) {
  StoreRecord(RunningRecord());
  EXPECT_CALL(engine_, StopContainer).WillOnce(Return(Expected<void>()));
  EXPECT_CALL(engine_, RemoveContainer).WillOnce(Return(Expected<void>()));
  EXPECT_CALL(log_archive_, Keep(std::string_view(kGame), ::testing::_))
      .WillOnce(Return(Expected<void>()));

  ASSERT_TRUE(remove_.Handle(Input()).has_value());

  ASSERT_TRUE(records_.at(kGame).last_termination.has_value());
  EXPECT_EQ(records_.at(kGame).last_termination->reason, "Killed");
}

TEST_F(RemoveServiceTest, RemovingARemovedRuntimeSucceedsWithoutEngineCalls) {
  RuntimeRecord removed = RunningRecord();
  removed.status = RuntimeStatus::kRemoved;
  removed.current_container_id.clear();
  StoreRecord(removed);

  EXPECT_TRUE(remove_.Handle(Input()).has_value());
}

TEST_F(RemoveServiceTest, ContainerAlreadyGoneStillMarksRemoved) {
  StoreRecord(RunningRecord());
  EXPECT_CALL(engine_, StopContainer)
      .WillOnce(Return(Fail(ErrorCode::kNotFound, "no such container")));
  EXPECT_CALL(engine_, RemoveContainer).WillOnce(Return(Expected<void>()));

  ASSERT_TRUE(remove_.Handle(Input()).has_value());
  EXPECT_EQ(records_.at(kGame).status, RuntimeStatus::kRemoved);
}

TEST_F(RemoveServiceTest, StopErrorKeepsTheRecord) {
  StoreRecord(RunningRecord());
  EXPECT_CALL(engine_, StopContainer)
      .WillOnce(Return(Fail(ErrorCode::kServiceUnavailable, "timeout")));
  EXPECT_CALL(engine_, RemoveContainer).Times(0);

  Expected<RuntimeRecord> result = remove_.Handle(Input());

  EXPECT_EQ(ErrorCodeOf(result), ErrorCode::kServiceUnavailable);
  EXPECT_EQ(records_.at(kGame), AtRevision(RunningRecord(), 1));  // never written
}

TEST_F(RemoveServiceTest, RemoveErrorIsServiceUnavailableAndKeepsTheRecord) {
  StoreRecord(RunningRecord());
  EXPECT_CALL(engine_, StopContainer).WillOnce(Return(Expected<void>()));
  EXPECT_CALL(engine_, RemoveContainer)
      .WillOnce(Return(Fail(ErrorCode::kConflict, "removal in progress")));

  Expected<RuntimeRecord> result = remove_.Handle(Input());

  EXPECT_EQ(ErrorCodeOf(result), ErrorCode::kServiceUnavailable);
  EXPECT_EQ(ErrorMessageOf(result), "docker remove: removal in progress");
  EXPECT_EQ(records_.at(kGame).status, RuntimeStatus::kRunning);
}

TEST_F(RemoveServiceTest, MissingRecordIsNotFound) {
  Expected<RuntimeRecord> result = remove_.Handle(Input());

  EXPECT_EQ(ErrorCodeOf(result), ErrorCode::kNotFound);
  EXPECT_EQ(ErrorMessageOf(result),
            "runtime record for game \"lobby-eu-1\" does not exist");
}

TEST_F(RemoveServiceTest, RecordLoadErrorIsInternal) {
  EXPECT_CALL(record_store_, Get)
      .WillOnce(Return(Fail(ErrorCode::kServiceUnavailable, "io")));

  EXPECT_EQ(ErrorCodeOf(remove_.Handle(Input())), ErrorCode::kInternal);
}

TEST_F(RemoveServiceTest, LeaseHeldElsewhereIsConflict) {
  StoreRecord(RunningRecord());
  EXPECT_CALL(leases_, TryAcquire).WillOnce(Return(Expected<bool>(false)));

  EXPECT_EQ(ErrorCodeOf(remove_.Handle(Input())), ErrorCode::kConflict);
  EXPECT_EQ(records_.at(kGame), AtRevision(RunningRecord(), 1));  // never written
}

TEST_F(RemoveServiceTest, RecordSaveErrorIsReported) {
  StoreRecord(RunningRecord());
  EXPECT_CALL(engine_, StopContainer).WillOnce(Return(Expected<void>()));
  EXPECT_CALL(engine_, RemoveContainer).WillOnce(Return(Expected<void>()));
  EXPECT_CALL(record_store_, Upsert)
      .WillOnce(Return(Fail(ErrorCode::kServiceUnavailable, "disk full")));

  EXPECT_EQ(ErrorCodeOf(remove_.Handle(Input())), ErrorCode::kServiceUnavailable);
}

// spec.volumeReclaimPolicy (reconcile/domain/game_spec.h): Retain keeps a
// game's named volumes, Delete removes them after the container, never its
// bind mounts.
class RemoveServiceVolumesTest : public RemoveServiceTest {
 protected:
  RuntimeRecord WithVolumes(VolumeReclaimPolicy policy) const {
    RuntimeRecord record = RunningRecord();
    record.spec.volumes = {{.name = "world", .mount_path = "/data"},
                           {.name = "logs", .mount_path = "/logs", .host_path = "/srv/logs"},
                           {.name = "mods", .mount_path = "/mods", .read_only = true}};
    record.spec.volume_reclaim_policy = policy;
    return record;
  }
};

TEST_F(RemoveServiceVolumesTest, RetainKeepsTheVolumes) {
  StoreRecord(WithVolumes(VolumeReclaimPolicy::kRetain));
  EXPECT_CALL(engine_, StopContainer).WillOnce(Return(Expected<void>()));
  EXPECT_CALL(engine_, RemoveContainer).WillOnce(Return(Expected<void>()));
  EXPECT_CALL(engine_, RemoveVolume).Times(0);

  ASSERT_TRUE(remove_.Handle(Input()).has_value());
  EXPECT_EQ(records_.at(kGame).status, RuntimeStatus::kRemoved);
}

TEST_F(RemoveServiceVolumesTest, DeleteRemovesTheNamedVolumesAfterTheContainer) {
  StoreRecord(WithVolumes(VolumeReclaimPolicy::kDelete));
  {
    InSequence in_order;
    EXPECT_CALL(engine_, StopContainer).WillOnce(Return(Expected<void>()));
    EXPECT_CALL(engine_, RemoveContainer).WillOnce(Return(Expected<void>()));
    EXPECT_CALL(engine_, RemoveVolume(std::string_view("rtm-lobby-eu-1-world")))
        .WillOnce(Return(Expected<void>()));
    EXPECT_CALL(engine_, RemoveVolume(std::string_view("rtm-lobby-eu-1-mods")))
        .WillOnce(Return(Expected<void>()));
  }

  ASSERT_TRUE(remove_.Handle(Input()).has_value());
  EXPECT_EQ(records_.at(kGame).status, RuntimeStatus::kRemoved);
  EXPECT_EQ(entries().back().outcome, Outcome::kSuccess);
}

// A volume that cannot be removed fails the removal before the record is
// marked removed: the next reconcile tries again, policy still at hand.
TEST_F(RemoveServiceVolumesTest, AVolumeRemovalErrorFailsAndKeepsTheRecord) {
  StoreRecord(WithVolumes(VolumeReclaimPolicy::kDelete));
  EXPECT_CALL(engine_, StopContainer).WillOnce(Return(Expected<void>()));
  EXPECT_CALL(engine_, RemoveContainer).WillOnce(Return(Expected<void>()));
  EXPECT_CALL(engine_, RemoveVolume(std::string_view("rtm-lobby-eu-1-world")))
      .WillOnce(Return(Fail(ErrorCode::kConflict, "volume is in use")));

  Expected<RuntimeRecord> result = remove_.Handle(Input());

  EXPECT_EQ(ErrorCodeOf(result), ErrorCode::kConflict);
  EXPECT_NE(records_.at(kGame).status, RuntimeStatus::kRemoved);
  ASSERT_FALSE(entries().empty());
  EXPECT_EQ(entries().back().outcome, Outcome::kFailure);
  EXPECT_NE(entries().back().error_message.find("rtm-lobby-eu-1-world"), std::string::npos);
}

}  // namespace
}  // namespace rtm::testing
