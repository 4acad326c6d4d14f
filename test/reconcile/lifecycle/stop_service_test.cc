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

TEST_F(StopServiceTest, TheStoppedContainersLogsAreKeptAndHowItEndedIsRecorded) {
  StoreRecord(RunningRecord());
  EXPECT_CALL(engine_, StopContainer).WillOnce(Return(Expected<void>()));
  EXPECT_CALL(log_archive_, Keep(std::string_view(kGame), ::testing::_))
      .WillOnce([](std::string_view, const ArchivedLogs& logs) -> Expected<void> {
        EXPECT_EQ(logs.container_id, kOldContainer);
        EXPECT_EQ(logs.text, kOldContainerOutput);
        return {};
      });

  ASSERT_TRUE(stop_.Handle(Input()).has_value());

  const std::optional<Termination>& ended = records_.at(kGame).last_termination;
  ASSERT_TRUE(ended.has_value());
  EXPECT_EQ(*ended, (Termination{.container_id = kOldContainer,
                                 .exit_code = 143,
                                 .reason = "Killed",
                                 .started_at = kRecordTime,
                                 .finished_at = kRecordTime + std::chrono::hours(1)}));
}

TEST_F(StopServiceTest, LogsOrAnEndingTheEngineCannotGiveNeverFailTheStop) {
  StoreRecord(RunningRecord());
  EXPECT_CALL(engine_, StopContainer).WillOnce(Return(Expected<void>()));
  EXPECT_CALL(engine_, ContainerLogs)
      .WillOnce(Return(Fail(ErrorCode::kServiceUnavailable, "engine gone")));
  EXPECT_CALL(engine_, InspectContainer)
      .WillOnce(Return(Fail(ErrorCode::kServiceUnavailable, "engine gone")));
  EXPECT_CALL(log_archive_, Keep).Times(0);

  ASSERT_TRUE(stop_.Handle(Input()).has_value());

  EXPECT_EQ(records_.at(kGame).status, RuntimeStatus::kStopped);
  EXPECT_EQ(records_.at(kGame).last_termination, std::nullopt);
}

TEST_F(StopServiceTest, AnArchiveThatCannotKeepTheLogsNeverFailsTheStop) {
  StoreRecord(RunningRecord());
  EXPECT_CALL(engine_, StopContainer).WillOnce(Return(Expected<void>()));
  EXPECT_CALL(log_archive_, Keep)
      .WillOnce(Return(Fail(ErrorCode::kServiceUnavailable, "disk full")));

  ASSERT_TRUE(stop_.Handle(Input()).has_value());

  EXPECT_TRUE(records_.at(kGame).last_termination.has_value());
}

// A running record whose spec has a preStop hook.
RuntimeRecord WithPreStop(RuntimeRecord record) {
  record.spec.pre_stop = ExecHook{.command = {"rcon", "save-all"}, .timeout_seconds = 7};
  return record;
}

TEST_F(StopServiceTest, PreStopRunsInTheContainerBeforeTheStopAndIsAudited) {
  StoreRecord(WithPreStop(RunningRecord()));
  ::testing::InSequence in_order;
  EXPECT_CALL(engine_, Exec(std::string_view(kOldContainer),
                            std::vector<std::string>{"rcon", "save-all"},
                            Duration(std::chrono::seconds(7))))
      .WillOnce([this] {
        now_ += std::chrono::milliseconds(1500);
        return Expected<ExecResult>(ExecResult{0, "saving...\nworld saved\n"});
      });
  EXPECT_CALL(engine_, StopContainer(std::string_view(kOldContainer), 3))
      .WillOnce(Return(Expected<void>()));

  ASSERT_TRUE(stop_.Handle(Input()).has_value());

  ASSERT_EQ(entries().size(), 1u);
  ASSERT_TRUE(entries()[0].pre_stop.has_value());
  const HookRun& run = *entries()[0].pre_stop;
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_FALSE(run.timed_out);
  EXPECT_EQ(run.error, "");
  EXPECT_EQ(run.output_tail, "saving...\nworld saved\n");
  EXPECT_GE(run.duration, std::chrono::milliseconds(1500));
  EXPECT_LT(run.duration, std::chrono::milliseconds(1510));
}

TEST_F(StopServiceTest, FailingPreStopIsRecordedAndTheStopProceeds) {
  StoreRecord(WithPreStop(RunningRecord()));
  EXPECT_CALL(engine_, Exec).WillOnce(
      Return(Expected<ExecResult>(ExecResult{2, "rcon: connection refused\n"})));
  EXPECT_CALL(engine_, StopContainer).WillOnce(Return(Expected<void>()));

  ASSERT_TRUE(stop_.Handle(Input()).has_value());

  EXPECT_EQ(records_.at(kGame).status, RuntimeStatus::kStopped);
  ASSERT_TRUE(entries().at(0).pre_stop.has_value());
  EXPECT_EQ(entries()[0].pre_stop->exit_code, 2);
  EXPECT_EQ(entries()[0].outcome, Outcome::kSuccess);
}

TEST_F(StopServiceTest, TimedOutPreStopIsRecordedAndTheStopProceeds) {
  StoreRecord(WithPreStop(RunningRecord()));
  EXPECT_CALL(engine_, Exec).WillOnce(
      Return(Expected<ExecResult>(ExecResult{std::nullopt, "still saving"})));
  EXPECT_CALL(engine_, StopContainer).WillOnce(Return(Expected<void>()));

  ASSERT_TRUE(stop_.Handle(Input()).has_value());

  const HookRun& run = entries().at(0).pre_stop.value();
  EXPECT_EQ(run.exit_code, std::nullopt);
  EXPECT_TRUE(run.timed_out);
  EXPECT_EQ(run.output_tail, "still saving");
}

TEST_F(StopServiceTest, PreStopTheEngineCannotRunIsRecordedAndTheStopProceeds) {
  StoreRecord(WithPreStop(RunningRecord()));
  EXPECT_CALL(engine_, Exec).WillOnce(
      Return(Fail(ErrorCode::kServiceUnavailable, "docker engine unreachable")));
  EXPECT_CALL(engine_, StopContainer).WillOnce(Return(Expected<void>()));

  ASSERT_TRUE(stop_.Handle(Input()).has_value());

  const HookRun& run = entries().at(0).pre_stop.value();
  EXPECT_EQ(run.exit_code, std::nullopt);
  EXPECT_FALSE(run.timed_out);
  EXPECT_EQ(run.error, "docker engine unreachable");
}

TEST_F(StopServiceTest, PreStopOfAContainerNotRunningIsSkippedUnrecorded) {
  StoreRecord(WithPreStop(RunningRecord()));
  EXPECT_CALL(engine_, Exec).WillOnce(
      Return(Fail(ErrorCode::kConflict, "container is not running")));
  EXPECT_CALL(engine_, StopContainer).WillOnce(Return(Expected<void>()));

  ASSERT_TRUE(stop_.Handle(Input()).has_value());

  EXPECT_EQ(entries().at(0).pre_stop, std::nullopt);
}

TEST_F(StopServiceTest, TheDrainRecordOfItsInputGoesIntoItsEntry) {
  StoreRecord(RunningRecord());
  EXPECT_CALL(engine_, StopContainer).WillOnce(Return(Expected<void>()));
  StopInput input = Input();
  input.drain = DrainRecord{DrainOutcome::kDeadline, std::chrono::minutes(10)};

  ASSERT_TRUE(stop_.Handle(input).has_value());

  EXPECT_EQ(entries().at(0).drain, input.drain);
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
