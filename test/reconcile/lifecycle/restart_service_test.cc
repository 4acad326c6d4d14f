// Every branch of the restart operation (docs/contract.md §4).
#include "reconcile/domain/container_spec.h"
#include "reconcile/lifecycle/game_lease.h"
#include "test/reconcile/lifecycle/lifecycle_test_fixture.h"

namespace rtm::testing {
namespace {

using ::testing::_;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::InSequence;
using ::testing::Return;

class RestartServiceTest : public LifecycleTest {
 protected:
  RestartInput Input(std::string source_ref = "req-42") const {
    return RestartInput{.game_id = kGame,
                        .op_source = OpSource::kRest,
                        .source_ref = std::move(source_ref)};
  }

  // The engine side of a successful recreate of kOldContainer.
  void ExpectRecreate() {
    InSequence in_order;
    EXPECT_CALL(engine_, StopContainer(std::string_view(kOldContainer), 3))
        .WillOnce(Return(Expected<void>()));
    EXPECT_CALL(engine_,
                RemoveContainer(std::string_view(kOldContainer), false))
        .WillOnce(Return(Expected<void>()));
    ExpectCreateAndStartAfterRemove(kNewContainer);
  }

  const OperationEntry& OuterEntry() const { return entries().back(); }

  void ExpectOuterFailure(ErrorCode code) {
    EXPECT_CALL(telemetry_,
                RecordOperation(OpKind::kRestart, Outcome::kFailure,
                                std::optional<ErrorCode>(code), _));
  }
};

TEST_F(RestartServiceTest, EmptyGameIdIsInvalidRequestWithoutTakingALease) {
  EXPECT_CALL(leases_, TryAcquire).Times(0);
  ExpectOuterFailure(ErrorCode::kInvalidRequest);

  RestartInput input = Input();
  input.game_id = "";
  Expected<RuntimeRecord> result = restart_.Handle(input);

  EXPECT_FALSE(result.has_value());
  EXPECT_EQ(ErrorCodeOf(result), ErrorCode::kInvalidRequest);
  EXPECT_EQ(ErrorMessageOf(result), "game id must not be empty");
  ASSERT_EQ(entries().size(), 1u);
  EXPECT_EQ(OuterEntry().op_kind, OpKind::kRestart);
  EXPECT_EQ(OuterEntry().outcome, Outcome::kFailure);
  EXPECT_EQ(OuterEntry().error_code, ErrorCode::kInvalidRequest);
  EXPECT_EQ(OuterEntry().source_ref, "req-42");
}

TEST_F(RestartServiceTest, UnknownOpSourceIsInvalidRequest) {
  EXPECT_CALL(leases_, TryAcquire).Times(0);
  RestartInput input = Input();
  input.op_source = static_cast<OpSource>(99);

  Expected<RuntimeRecord> result = restart_.Handle(input);

  EXPECT_EQ(ErrorCodeOf(result), ErrorCode::kInvalidRequest);
  EXPECT_THAT(ErrorMessageOf(result),
              ::testing::Optional(HasSubstr("op source 99 is unsupported")));
}

TEST_F(RestartServiceTest, GameIdThatIsNotADnsLabelIsInvalidRequest) {
  RestartInput input = Input();
  input.game_id = "Lobby_EU";

  Expected<RuntimeRecord> result = restart_.Handle(input);

  EXPECT_EQ(ErrorCodeOf(result), ErrorCode::kInvalidRequest);
  EXPECT_THAT(ErrorMessageOf(result),
              ::testing::Optional(HasSubstr("DNS label")));
}

TEST_F(RestartServiceTest, LeaseStoreErrorIsServiceUnavailable) {
  StoreRecord(RunningRecord());
  EXPECT_CALL(leases_, TryAcquire(std::string_view(kGame),
                                  std::string_view(TokenNumber(1)),
                                  config_.lease_ttl))
      .WillOnce(Return(Fail(ErrorCode::kServiceUnavailable, "store down")));
  EXPECT_CALL(leases_, Release).Times(0);
  EXPECT_CALL(telemetry_, RecordLeaseAcquireLatency(_));
  ExpectOuterFailure(ErrorCode::kServiceUnavailable);

  Expected<RuntimeRecord> result = restart_.Handle(Input());

  EXPECT_EQ(ErrorCodeOf(result), ErrorCode::kServiceUnavailable);
  EXPECT_EQ(ErrorMessageOf(result), "acquire game lease: store down");
  EXPECT_EQ(records_.at(kGame), AtRevision(RunningRecord(), 1));  // never written
}

TEST_F(RestartServiceTest, LeaseHeldElsewhereIsConflict) {
  StoreRecord(RunningRecord());
  EXPECT_CALL(leases_, TryAcquire).WillOnce(Return(Expected<bool>(false)));
  EXPECT_CALL(leases_, Release).Times(0);
  EXPECT_CALL(telemetry_, RecordLeaseAcquireLatency(_));

  Expected<RuntimeRecord> result = restart_.Handle(Input());

  EXPECT_EQ(ErrorCodeOf(result), ErrorCode::kConflict);
  EXPECT_EQ(ErrorMessageOf(result),
            "another lifecycle operation is in progress for this game");
  ASSERT_EQ(entries().size(), 1u);
  EXPECT_EQ(OuterEntry().error_code, ErrorCode::kConflict);
}

TEST_F(RestartServiceTest, MissingRecordIsNotFoundAndReleasesTheLease) {
  ExpectLeaseReleased();
  ExpectOuterFailure(ErrorCode::kNotFound);

  Expected<RuntimeRecord> result = restart_.Handle(Input());

  EXPECT_EQ(ErrorCodeOf(result), ErrorCode::kNotFound);
  EXPECT_EQ(ErrorMessageOf(result),
            "runtime record for game \"lobby-eu-1\" does not exist");
}

TEST_F(RestartServiceTest, RecordLoadErrorIsInternal) {
  EXPECT_CALL(record_store_, Get)
      .WillOnce(Return(Fail(ErrorCode::kServiceUnavailable, "io error")));
  ExpectLeaseReleased();

  Expected<RuntimeRecord> result = restart_.Handle(Input());

  EXPECT_EQ(ErrorCodeOf(result), ErrorCode::kInternal);
  EXPECT_EQ(ErrorMessageOf(result), "load runtime record: io error");
}

TEST_F(RestartServiceTest, RemovedRuntimeIsConflictWithItsImageInTheEntry) {
  RuntimeRecord removed = RunningRecord();
  removed.status = RuntimeStatus::kRemoved;
  removed.current_container_id.clear();
  StoreRecord(removed);
  ExpectLeaseReleased();

  Expected<RuntimeRecord> result = restart_.Handle(Input());

  EXPECT_EQ(ErrorCodeOf(result), ErrorCode::kConflict);
  EXPECT_EQ(ErrorMessageOf(result),
            "runtime for game \"lobby-eu-1\" is removed; cannot restart");
  EXPECT_EQ(OuterEntry().image_ref, kImage);
}

TEST_F(RestartServiceTest, RecordWithoutImageIsInternal) {
  RuntimeRecord blank = RunningRecord();
  blank.current_image_ref = "  ";
  StoreRecord(blank);
  ExpectLeaseReleased();

  Expected<RuntimeRecord> result = restart_.Handle(Input());

  EXPECT_EQ(ErrorCodeOf(result), ErrorCode::kInternal);
  EXPECT_EQ(ErrorMessageOf(result),
            "runtime record for game \"lobby-eu-1\" has no image_ref to "
            "restart with");
}

TEST_F(RestartServiceTest, InnerStopFailureKeepsItsCodeAndSkipsRemove) {
  StoreRecord(RunningRecord());
  EXPECT_CALL(engine_, StopContainer(std::string_view(kOldContainer), 3))
      .WillOnce(Return(Fail(ErrorCode::kServiceUnavailable, "engine gone")));
  EXPECT_CALL(engine_, RemoveContainer).Times(0);
  EXPECT_CALL(engine_, CreateContainer).Times(0);
  ExpectLeaseReleased();

  Expected<RuntimeRecord> result = restart_.Handle(Input());

  EXPECT_EQ(ErrorCodeOf(result), ErrorCode::kServiceUnavailable);
  EXPECT_EQ(ErrorMessageOf(result),
            "inner stop failed: docker stop: engine gone");
  EXPECT_THAT(EntryKinds(), ElementsAre(OpKind::kStop, OpKind::kRestart));
  EXPECT_EQ(OuterEntry().container_id, kOldContainer);
  EXPECT_EQ(OuterEntry().image_ref, kImage);
  EXPECT_EQ(entries()[0].source_ref, "req-42");
  EXPECT_EQ(entries()[0].outcome, Outcome::kFailure);
  EXPECT_EQ(records_.at(kGame).status, RuntimeStatus::kRunning);
}

TEST_F(RestartServiceTest, InnerStopErrorFromItsStoreIsReported) {
  StoreRecord(RunningRecord());
  EXPECT_CALL(engine_, StopContainer).WillOnce(Return(Expected<void>()));
  EXPECT_CALL(record_store_, Upsert)
      .WillOnce(Return(Fail(ErrorCode::kServiceUnavailable, "disk full")));
  EXPECT_CALL(engine_, RemoveContainer).Times(0);
  ExpectLeaseReleased();

  Expected<RuntimeRecord> result = restart_.Handle(Input());

  EXPECT_EQ(ErrorCodeOf(result), ErrorCode::kServiceUnavailable);
  EXPECT_EQ(ErrorMessageOf(result),
            "inner stop failed: save runtime record: disk full");
}

TEST_F(RestartServiceTest, RemoveFailureIsServiceUnavailableAndSkipsStart) {
  StoreRecord(RunningRecord());
  EXPECT_CALL(engine_, StopContainer).WillOnce(Return(Expected<void>()));
  EXPECT_CALL(engine_, RemoveContainer(std::string_view(kOldContainer), false))
      .WillOnce(Return(Fail(ErrorCode::kConflict, "removal in progress")));
  EXPECT_CALL(engine_, CreateContainer).Times(0);
  ExpectLeaseReleased();
  ExpectOuterFailure(ErrorCode::kServiceUnavailable);

  Expected<RuntimeRecord> result = restart_.Handle(Input());

  EXPECT_EQ(ErrorCodeOf(result), ErrorCode::kServiceUnavailable);
  EXPECT_EQ(ErrorMessageOf(result), "docker remove: removal in progress");
  EXPECT_EQ(OuterEntry().container_id, kOldContainer);
  // Stop succeeded, rm failed: the record says stopped, so the next
  // reconcile recreates.
  EXPECT_EQ(records_.at(kGame).status, RuntimeStatus::kStopped);
}

TEST_F(RestartServiceTest, InnerStartFailureKeepsItsCode) {
  StoreRecord(RunningRecord());
  EXPECT_CALL(engine_, StopContainer).WillOnce(Return(Expected<void>()));
  EXPECT_CALL(engine_, RemoveContainer).WillOnce(Return(Expected<void>()));
  EXPECT_CALL(engine_, InspectContainer(std::string_view(ContainerName(kGame)))).Times(0);  // the recreate freed the name
  EXPECT_CALL(engine_, CreateContainer)
      .WillOnce(Return(Fail(ErrorCode::kImageNotFound, "No such image")));
  ExpectLeaseReleased();

  Expected<RuntimeRecord> result = restart_.Handle(Input());

  EXPECT_EQ(ErrorCodeOf(result), ErrorCode::kImageNotFound);
  EXPECT_EQ(ErrorMessageOf(result),
            "inner start failed: docker create: No such image");
  EXPECT_THAT(EntryKinds(),
              ElementsAre(OpKind::kStop, OpKind::kStart, OpKind::kRestart));
  EXPECT_EQ(OuterEntry().image_ref, kImage);
  EXPECT_EQ(OuterEntry().container_id, "");
}

TEST_F(RestartServiceTest, InnerStartRefusedByEngineIsStartFailed) {
  StoreRecord(RunningRecord());
  EXPECT_CALL(engine_, StopContainer).WillOnce(Return(Expected<void>()));
  EXPECT_CALL(engine_, RemoveContainer(std::string_view(kOldContainer), false))
      .WillOnce(Return(Expected<void>()));
  EXPECT_CALL(engine_, InspectContainer(std::string_view(ContainerName(kGame)))).Times(0);  // the recreate freed the name
  EXPECT_CALL(engine_, CreateContainer).WillOnce(Return(std::string(kNewContainer)));
  EXPECT_CALL(engine_, StartContainer(std::string_view(kNewContainer)))
      .WillOnce(Return(Fail(ErrorCode::kStartFailed, "port is already allocated")));
  EXPECT_CALL(engine_, RemoveContainer(std::string_view(kNewContainer), true))
      .WillOnce(Return(Expected<void>()));
  ExpectLeaseReleased();

  Expected<RuntimeRecord> result = restart_.Handle(Input());

  EXPECT_EQ(ErrorCodeOf(result), ErrorCode::kStartFailed);
  EXPECT_EQ(ErrorMessageOf(result),
            "inner start failed: docker start: port is already allocated");
}

TEST_F(RestartServiceTest, InnerStartErrorFromItsStoreIsReported) {
  StoreRecord(RunningRecord());
  EXPECT_CALL(engine_, StopContainer).WillOnce(Return(Expected<void>()));
  EXPECT_CALL(engine_, RemoveContainer).WillOnce(Return(Expected<void>()));
  EXPECT_CALL(record_store_, Get)
      .WillOnce(::testing::DoDefault())
      .WillOnce(::testing::DoDefault())
      .WillOnce(Return(Fail(ErrorCode::kServiceUnavailable, "io error")));
  ExpectLeaseReleased();

  Expected<RuntimeRecord> result = restart_.Handle(Input());

  EXPECT_EQ(ErrorCodeOf(result), ErrorCode::kInternal);
  EXPECT_EQ(ErrorMessageOf(result),
            "inner start failed: load runtime record: io error");
}

TEST_F(RestartServiceTest, SuccessRecreatesWithSameHostnameAndGivenSourceRef) {
  StoreRecord(RunningRecord());
  ExpectRecreate();
  ExpectLeaseReleased();
  EXPECT_CALL(tokens_, NewToken).Times(1);  // the lease token only
  EXPECT_CALL(telemetry_, RecordOperation(OpKind::kRestart, Outcome::kSuccess,
                                          std::optional<ErrorCode>(), _));

  Expected<RuntimeRecord> result = restart_.Handle(Input("req-42"));

  ASSERT_TRUE(result.has_value()) << result.error().message;
  EXPECT_EQ(result->current_container_id, kNewContainer);
  EXPECT_EQ(result->hostname, kGame);
  EXPECT_EQ(result->current_image_ref, kImage);
  EXPECT_EQ(records_.at(kGame).status, RuntimeStatus::kRunning);
  EXPECT_EQ(records_.at(kGame).current_container_id, kNewContainer);
  EXPECT_THAT(EntryKinds(),
              ElementsAre(OpKind::kStop, OpKind::kStart, OpKind::kRestart));
  for (const auto& entry : entries()) {
    EXPECT_EQ(entry.source_ref, "req-42");
    EXPECT_EQ(entry.op_source, OpSource::kRest);
    EXPECT_EQ(entry.outcome, Outcome::kSuccess);
    EXPECT_EQ(entry.requested_by, std::nullopt) << "nobody said who asked";
  }
  EXPECT_EQ(OuterEntry().container_id, kNewContainer);
  EXPECT_EQ(OuterEntry().image_ref, kImage);
  EXPECT_LT(OuterEntry().started_at, OuterEntry().finished_at);
}

TEST_F(RestartServiceTest, PreStopGoesIntoTheInnerStopAndTheDrainIntoTheRestart) {
  RuntimeRecord record = RunningRecord();
  record.spec.pre_stop = ExecHook{.command = {"save"}, .timeout_seconds = 5};
  StoreRecord(record);
  EXPECT_CALL(engine_, Exec(std::string_view(kOldContainer),
                            std::vector<std::string>{"save"}, _))
      .WillOnce(Return(Expected<ExecResult>(ExecResult{0, "saved"})));
  ExpectRecreate();
  RestartInput input = Input();
  input.drain = DrainRecord{DrainOutcome::kDrained, std::chrono::seconds(42)};

  ASSERT_TRUE(restart_.Handle(input).has_value());

  ASSERT_THAT(EntryKinds(),
              ElementsAre(OpKind::kStop, OpKind::kStart, OpKind::kRestart));
  ASSERT_TRUE(entries()[0].pre_stop.has_value());
  EXPECT_EQ(entries()[0].pre_stop->output_tail, "saved");
  EXPECT_EQ(entries()[0].drain, std::nullopt);
  EXPECT_EQ(entries()[1].pre_stop, std::nullopt);
  EXPECT_EQ(OuterEntry().drain, input.drain);
  EXPECT_EQ(OuterEntry().pre_stop, std::nullopt);
}

TEST_F(RestartServiceTest, WhoAskedIsInTheOuterAndEveryInnerEntry) {
  StoreRecord(RunningRecord());
  ExpectRecreate();
  RestartInput input = Input("req-42");
  input.requested_by = Requester{"ops", "10.0.0.5"};

  ASSERT_TRUE(restart_.Handle(input).has_value());

  ASSERT_THAT(EntryKinds(), ElementsAre(OpKind::kStop, OpKind::kStart, OpKind::kRestart));
  for (const auto& entry : entries()) {
    EXPECT_EQ(entry.requested_by, input.requested_by) << ToString(entry.op_kind);
  }
}

TEST_F(RestartServiceTest, TheNewRecordKeepsHowTheOldContainerEnded) {
  StoreRecord(RunningRecord());
  ExpectRecreate();

  ASSERT_TRUE(restart_.Handle(Input()).has_value());

  ASSERT_TRUE(records_.at(kGame).last_termination.has_value());
  EXPECT_EQ(records_.at(kGame).last_termination->container_id, kOldContainer);
  EXPECT_EQ(records_.at(kGame).current_container_id, kNewContainer);
}

TEST_F(RestartServiceTest, NewContainerKeepsNameHostnameAliasAndGenerations) {
  StoreRecord(RunningRecord());
  EXPECT_CALL(engine_, StopContainer).WillOnce(Return(Expected<void>()));
  EXPECT_CALL(engine_, RemoveContainer).WillOnce(Return(Expected<void>()));
  EXPECT_CALL(engine_, InspectContainer(std::string_view(ContainerName(kGame)))).Times(0);  // the recreate freed the name
  ContainerSpec created;
  EXPECT_CALL(engine_, CreateContainer)
      .WillOnce([&](const ContainerSpec& spec) -> Expected<std::string> {
        created = spec;
        return std::string(kNewContainer);
      });
  EXPECT_CALL(engine_, StartContainer).WillOnce(Return(Expected<void>()));

  RestartInput input = Input();
  input.restart_generation = 3;
  input.generation = 5;
  ASSERT_TRUE(restart_.Handle(input).has_value());

  EXPECT_EQ(created.name, "rtm-lobby-eu-1");
  EXPECT_EQ(created.hostname, kGame);
  EXPECT_THAT(created.network_aliases, ElementsAre(kGame));
  EXPECT_EQ(created.image, kImage);
  EXPECT_EQ(created.labels.at(std::string(kLabelRestartGeneration)), "3");
  EXPECT_EQ(created.labels.at(std::string(kLabelGeneration)), "5");
  EXPECT_EQ(records_.at(kGame).restart_generation, 3);
  EXPECT_EQ(records_.at(kGame).generation, 5);
}

TEST_F(RestartServiceTest, EmptySourceRefGeneratesOneSharedCorrelationId) {
  StoreRecord(RunningRecord());
  ExpectRecreate();
  EXPECT_CALL(tokens_, NewToken).Times(2);  // lease, then correlation id

  Expected<RuntimeRecord> result = restart_.Handle(Input(""));

  ASSERT_TRUE(result.has_value());
  ASSERT_EQ(entries().size(), 3u);
  for (const auto& entry : entries()) {
    EXPECT_EQ(entry.source_ref, TokenNumber(2));
  }
}

TEST_F(RestartServiceTest, FailedAuditAppendStillSucceedsAndLogsAnError) {
  StoreRecord(RunningRecord());
  ExpectRecreate();
  ExpectLeaseReleased();
  EXPECT_CALL(operation_log_, Append)
      .WillRepeatedly(Return(Fail(ErrorCode::kServiceUnavailable, "log down")));
  EXPECT_CALL(logger_, Log(LogLevel::kError, "append operation log", _))
      .Times(3);

  Expected<RuntimeRecord> result = restart_.Handle(Input());

  EXPECT_TRUE(result.has_value());
  EXPECT_EQ(result->current_container_id, kNewContainer);
}

TEST_F(RestartServiceTest, FailedLeaseReleaseIsLoggedNotFatal) {
  StoreRecord(RunningRecord());
  ExpectRecreate();
  EXPECT_CALL(leases_, Release)
      .WillOnce(Return(Fail(ErrorCode::kServiceUnavailable, "timeout")));
  EXPECT_CALL(logger_, Log(LogLevel::kWarn, "release game lease", _));

  EXPECT_TRUE(restart_.Handle(Input()).has_value());
}

TEST_F(RestartServiceTest, RunUsesTheCallersLease) {
  StoreRecord(RunningRecord());
  ExpectRecreate();
  EXPECT_CALL(leases_, TryAcquire).Times(0);
  EXPECT_CALL(leases_, Release).Times(0);

  EXPECT_TRUE(restart_.Run(Input()).has_value());
}

TEST_F(RestartServiceTest, RecordWithoutContainerSkipsRemove) {
  RuntimeRecord stopped = RunningRecord();
  stopped.status = RuntimeStatus::kStopped;
  stopped.current_container_id.clear();
  StoreRecord(stopped);
  EXPECT_CALL(engine_, StopContainer).Times(0);
  EXPECT_CALL(engine_, RemoveContainer).Times(0);
  ExpectFreshCreateAndStart(kNewContainer);  // nothing removed: look first

  EXPECT_TRUE(restart_.Handle(Input()).has_value());
}

TEST_F(RestartServiceTest, NameStillTakenAfterRemoveFallsBackToInspecting) {
  StoreRecord(RunningRecord());
  EXPECT_CALL(engine_, StopContainer).WillOnce(Return(Expected<void>()));
  EXPECT_CALL(engine_, RemoveContainer(std::string_view(kOldContainer), false))
      .WillOnce(Return(Expected<void>()));
  ContainerState foreign;
  foreign.id = "someone-elses";
  foreign.name = ContainerName(kGame);
  {
    InSequence in_order;
    EXPECT_CALL(engine_, CreateContainer)
        .WillOnce(Return(Fail(ErrorCode::kConflict, "name in use")));
    EXPECT_CALL(engine_, InspectContainer(std::string_view(ContainerName(kGame))))
        .WillOnce(Return(foreign));
  }
  EXPECT_CALL(engine_, StartContainer).Times(0);
  ExpectLeaseReleased();

  Expected<RuntimeRecord> result = restart_.Handle(Input());

  EXPECT_EQ(ErrorCodeOf(result), ErrorCode::kConflict);
  EXPECT_THAT(ErrorMessageOf(result),
              ::testing::Optional(HasSubstr("is not managed by this rtmanager")));
}

}  // namespace
}  // namespace rtm::testing
