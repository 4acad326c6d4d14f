#include "reconcile/reconciler.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "reconcile/domain/container_spec.h"
#include "reconcile/queue/token_bucket.h"
#include "test/mocks/fake_clock.h"
#include "test/mocks/mock_container_engine.h"
#include "test/mocks/mock_desired_state_store.h"
#include "test/mocks/mock_game_lease_store.h"
#include "test/mocks/mock_game_ownership.h"
#include "test/mocks/mock_lifecycle_operations.h"
#include "test/mocks/mock_log_archive.h"
#include "test/mocks/mock_secret_source.h"
#include "test/mocks/mock_logger.h"
#include "test/mocks/mock_operation_log_store.h"
#include "test/mocks/mock_runtime_record_store.h"
#include "test/mocks/mock_telemetry.h"
#include "test/mocks/mock_token_generator.h"

namespace rtm {
namespace {

using ::testing::_;
using ::testing::HasSubstr;
using ::testing::NiceMock;
using ::testing::Return;

constexpr char kName[] = "lobby-eu-1";

// The engine and record store as one small world that the mocked lifecycle
// operations change, so that each reconcile sees the effect of its actions.
class ReconcilerTest : public ::testing::Test {
 protected:
  ReconcilerTest() {
    ON_CALL(desired_store_, Get)
        .WillByDefault([this](std::string_view) -> Expected<DesiredRuntime> {
          if (!desired_) return Fail(ErrorCode::kNotFound, "none");
          return *desired_;
        });
    ON_CALL(status_store_, Get)
        .WillByDefault([this](std::string_view) -> Expected<RuntimeStatusView> {
          if (!status_) return Fail(ErrorCode::kNotFound, "none");
          return *status_;
        });
    // Both stores behave as the ports say: writes conditional on the
    // stored revision.
    ON_CALL(status_store_, Put)
        .WillByDefault([this](std::string_view, const RuntimeStatusView& s)
                           -> Expected<uint64_t> {
          if (s.revision != (status_ ? status_->revision : 0)) {
            return Fail(ErrorCode::kConflict, "status moved");
          }
          status_ = s;
          status_->revision = ++store_revision_;
          return status_->revision;
        });
    ON_CALL(records_, Get)
        .WillByDefault([this](std::string_view) -> Expected<RuntimeRecord> {
          if (!record_) return Fail(ErrorCode::kNotFound, "none");
          return *record_;
        });
    ON_CALL(records_, Upsert)
        .WillByDefault([this](const RuntimeRecord& r) -> Expected<uint64_t> {
          if (r.revision != (record_ ? record_->revision : 0)) {
            return Fail(ErrorCode::kConflict, "record moved");
          }
          record_ = r;
          record_->revision = ++store_revision_;
          return record_->revision;
        });
    ON_CALL(engine_, ListContainers)
        .WillByDefault(
            [this](const std::map<std::string, std::string>& labels)
                -> Expected<std::vector<ContainerState>> {
              EXPECT_EQ(labels.at("io.rtmanager.game"), kName);
              return containers_;
            });
  }

  GameSpec Spec(std::string image = "img:1") const {
    GameSpec spec;
    spec.image = std::move(image);
    spec.stop_timeout_seconds = 1;
    return spec;
  }
  void Declare(GameSpec spec, int64_t generation = 1) {
    desired_ = DesiredRuntime{.name = kName,
                              .spec = std::move(spec),
                              .source = {"games/lobby.yaml", 0, 1},
                              .generation = generation};
  }
  // What a successful start leaves: a running container and its record.
  Expected<RuntimeRecord> Started(const std::string& id, const GameSpec& spec,
                                  int64_t generation) {
    containers_ = {Container(id, spec, true, generation)};
    record_ = RuntimeRecord{.game_id = kName,
                            .status = RuntimeStatus::kRunning,
                            .current_image_ref = spec.image,
                            .current_container_id = id,
                            .hostname = kName,
                            .spec = spec,
                            .generation = generation,
                            .restart_generation = spec.restart_generation};
    return *record_;
  }
  ContainerState Container(const std::string& id, const GameSpec& spec,
                           bool running, int64_t generation = 1) const {
    return ContainerState{
        .id = id,
        .name = ContainerName(kName),
        .image = spec.image,
        .labels = BuildContainerSpec({kName, generation}, spec, "rtmanager").labels,
        .status = running ? "running" : "exited",
        .running = running,
    };
  }
  const Condition& ConditionOf(const std::string& type) const {
    for (const Condition& c : status_->conditions) {
      if (c.type == type) return c;
    }
    ADD_FAILURE() << "no condition " << type;
    return status_->conditions.front();
  }

  FakeClock clock_;
  NiceMock<MockDesiredStateStore> desired_store_;
  NiceMock<MockStatusStore> status_store_;
  NiceMock<MockRuntimeRecordStore> records_;
  NiceMock<MockOperationLogStore> operation_log_;
  NiceMock<MockContainerEngine> engine_;
  NiceMock<MockGameLeaseStore> leases_;
  NiceMock<MockTelemetry> telemetry_;
  NiceMock<MockLogger> logger_;
  NiceMock<MockTokenGenerator> tokens_;
  NiceMock<MockLogArchive> log_archive_;
  NiceMock<MockSecretSource> secrets_;
  ::testing::StrictMock<MockLifecycleOperations> operations_;
  TokenBucket unlimited_{clock_, 0, 1};
  LifecyclePorts ports_{records_, operation_log_, engine_, leases_,
                        telemetry_, logger_, clock_, tokens_, log_archive_, secrets_};
  Reconciler reconciler_{ports_, operations_, desired_store_, status_store_,
                         unlimited_, ReconcilerConfig{}};

  std::optional<DesiredRuntime> desired_;
  std::optional<RuntimeStatusView> status_;
  std::optional<RuntimeRecord> record_;
  std::vector<ContainerState> containers_;
  uint64_t store_revision_ = 0;
};

TEST_F(ReconcilerTest, NewRuntimeIsStartedFromItsManifestAndReportedRunning) {
  Declare(Spec());
  EXPECT_CALL(operations_, Start).WillOnce([this](const StartInput& input) {
    EXPECT_EQ(input.game_id, kName);
    EXPECT_EQ(input.spec, Spec());
    EXPECT_EQ(input.generation, 1);
    EXPECT_EQ(input.op_source, OpSource::kManifest);
    EXPECT_EQ(input.source_ref, "games/lobby.yaml#generation=1");
    return Started("c1", input.spec, input.generation);
  });

  ReconcileResult result = reconciler_.Reconcile(kName);

  EXPECT_EQ(result.kind, ReconcileResult::Kind::kConverged);
  ASSERT_TRUE(status_.has_value());
  EXPECT_EQ(status_->phase, Phase::kRunning);
  EXPECT_EQ(status_->observed_generation, 1);
  EXPECT_EQ(status_->container_id, "c1");
  EXPECT_EQ(status_->hostname, kName);
  EXPECT_EQ(ConditionOf("Ready").status, ConditionStatus::kTrue);
  EXPECT_EQ(ConditionOf("Progressing").status, ConditionStatus::kFalse);
  EXPECT_EQ(ConditionOf("ManifestValid").status, ConditionStatus::kTrue);
}

TEST_F(ReconcilerTest, ConvergedRuntimeMakesNoOperationAndNoStatusWrite) {
  Declare(Spec());
  Started("c1", Spec(), 1);
  ASSERT_EQ(reconciler_.Reconcile(kName).kind, ReconcileResult::Kind::kConverged);
  EXPECT_CALL(status_store_, Put).Times(0);

  EXPECT_EQ(reconciler_.Reconcile(kName).kind, ReconcileResult::Kind::kConverged);
}

TEST_F(ReconcilerTest, RestartGenerationBumpRestartsAndRecordsLastRestart) {
  Started("c1", Spec(), 1);
  GameSpec bumped = Spec();
  bumped.restart_generation = 1;
  Declare(bumped, 2);
  desired_->restart_source = OpSource::kRest;
  desired_->restart_source_ref = "req-7";
  desired_->restart_requested_by = Requester{"ops", "10.0.0.5"};
  EXPECT_CALL(operations_, Restart).WillOnce([this](const RestartInput& input) {
    EXPECT_EQ(input.op_source, OpSource::kRest);
    EXPECT_EQ(input.source_ref, "req-7");
    EXPECT_EQ(input.requested_by, (Requester{"ops", "10.0.0.5"}));
    EXPECT_EQ(input.restart_generation, 1);
    EXPECT_EQ(input.generation, 2);
    GameSpec spec = Spec();
    spec.restart_generation = 1;
    return Started("c2", spec, 2);
  });

  EXPECT_EQ(reconciler_.Reconcile(kName).kind, ReconcileResult::Kind::kConverged);

  EXPECT_EQ(status_->observed_generation, 2);
  EXPECT_EQ(status_->observed_restart_generation, 1);
  ASSERT_TRUE(status_->last_restart.has_value());
  EXPECT_EQ(status_->last_restart->restart_generation, 1);
  EXPECT_EQ(status_->last_restart->outcome, "success");
  EXPECT_EQ(status_->last_restart->container_id, "c2");
  EXPECT_EQ(status_->last_restart->source_ref, "req-7");
}

TEST_F(ReconcilerTest, ConvergedObservationIsTheFinalObservationAfterActing) {
  Started("c1", Spec(), 1);
  GameSpec bumped = Spec();
  bumped.restart_generation = 1;
  Declare(bumped, 2);
  const Timestamp first_observation = clock_.Now();
  EXPECT_CALL(operations_, Restart).WillOnce([this](const RestartInput&) {
    clock_.Advance(std::chrono::milliseconds(400));  // the engine's calls
    GameSpec spec = Spec();
    spec.restart_generation = 1;
    return Started("c2", spec, 2);
  });
  EXPECT_EQ(reconciler_.ConvergedObservationAt(kName), std::nullopt);

  ASSERT_EQ(reconciler_.Reconcile(kName).kind, ReconcileResult::Kind::kConverged);

  // Not the observation the restart was decided on: the one that confirmed it.
  EXPECT_EQ(reconciler_.ConvergedObservationAt(kName),
            first_observation + std::chrono::milliseconds(400));
}

TEST_F(ReconcilerTest, ConvergedObservationIsForgottenWhenAReconcileFails) {
  Declare(Spec());
  Started("c1", Spec(), 1);
  ASSERT_EQ(reconciler_.Reconcile(kName).kind, ReconcileResult::Kind::kConverged);
  ASSERT_TRUE(reconciler_.ConvergedObservationAt(kName).has_value());
  EXPECT_CALL(engine_, ListContainers)
      .WillOnce(Return(Fail(ErrorCode::kServiceUnavailable, "engine down")));

  ASSERT_EQ(reconciler_.Reconcile(kName).kind, ReconcileResult::Kind::kRetry);

  EXPECT_EQ(reconciler_.ConvergedObservationAt(kName), std::nullopt);
}

TEST_F(ReconcilerTest, ConvergedObservationIsForgottenWhenDesiredStateCannotBeRead) {
  Declare(Spec());
  Started("c1", Spec(), 1);
  ASSERT_EQ(reconciler_.Reconcile(kName).kind, ReconcileResult::Kind::kConverged);
  EXPECT_CALL(desired_store_, Get)
      .WillOnce(Return(Fail(ErrorCode::kServiceUnavailable, "store down")));

  ASSERT_EQ(reconciler_.Reconcile(kName).kind, ReconcileResult::Kind::kRetry);

  // The retry must not be skipped as "already observed".
  EXPECT_EQ(reconciler_.ConvergedObservationAt(kName), std::nullopt);
}

TEST_F(ReconcilerTest, ManifestRestartCarriesTheManifestAndGenerationAsRef) {
  Started("c1", Spec(), 1);
  GameSpec bumped = Spec();
  bumped.restart_generation = 4;
  Declare(bumped, 3);
  EXPECT_CALL(operations_, Restart).WillOnce([this](const RestartInput& input) {
    EXPECT_EQ(input.op_source, OpSource::kManifest);
    EXPECT_EQ(input.source_ref, "games/lobby.yaml#restartGeneration=4");
    GameSpec spec = Spec();
    spec.restart_generation = 4;
    return Started("c2", spec, 3);
  });

  EXPECT_EQ(reconciler_.Reconcile(kName).kind, ReconcileResult::Kind::kConverged);
}

TEST_F(ReconcilerTest, FailedRestartIsAcknowledgedAndRetried) {
  Started("c1", Spec(), 1);
  GameSpec bumped = Spec();
  bumped.restart_generation = 1;
  Declare(bumped, 2);
  EXPECT_CALL(operations_, Restart)
      .WillOnce(Return(Fail(ErrorCode::kStartFailed, "port taken")));

  ReconcileResult result = reconciler_.Reconcile(kName);

  EXPECT_EQ(result.kind, ReconcileResult::Kind::kRetry);
  EXPECT_EQ(status_->phase, Phase::kFailed);
  EXPECT_EQ(status_->observed_generation, 0);
  ASSERT_TRUE(status_->last_error.has_value());
  EXPECT_EQ(status_->last_error->code, ErrorCode::kStartFailed);
  EXPECT_EQ(status_->last_error->message, "port taken");
  ASSERT_TRUE(status_->last_restart.has_value());
  EXPECT_EQ(status_->last_restart->outcome, "failure");
  EXPECT_EQ(status_->last_restart->error_code, ErrorCode::kStartFailed);
  EXPECT_EQ(ConditionOf("Progressing").status, ConditionStatus::kTrue);
  EXPECT_EQ(ConditionOf("Progressing").reason, "restart");
}

TEST_F(ReconcilerTest, ImageChangeIsAnUpdate) {
  Started("c1", Spec(), 1);
  Declare(Spec("img:2"), 2);
  EXPECT_CALL(operations_, Update).WillOnce([this](const UpdateInput& input) {
    EXPECT_EQ(input.spec.image, "img:2");
    EXPECT_EQ(input.op_source, OpSource::kManifest);
    return Started("c2", input.spec, input.generation);
  });

  EXPECT_EQ(reconciler_.Reconcile(kName).kind, ReconcileResult::Kind::kConverged);
  EXPECT_EQ(status_->image_ref, "img:2");
}

TEST_F(ReconcilerTest, DeadContainerSelfHealsWithBackoffAndCountsRestarts) {
  Declare(Spec());
  Started("c1", Spec(), 1);
  containers_ = {Container("c1", Spec(), false)};
  EXPECT_CALL(operations_, Start)
      .Times(2)
      .WillRepeatedly([this](const StartInput& input) {
        EXPECT_EQ(input.op_source, OpSource::kReconciler);
        return Started("c1", input.spec, input.generation);
      });

  EXPECT_EQ(reconciler_.Reconcile(kName).kind, ReconcileResult::Kind::kConverged);
  EXPECT_EQ(status_->restart_count, 1);

  containers_ = {Container("c1", Spec(), false)};  // dies again at once
  ReconcileResult blocked = reconciler_.Reconcile(kName);
  EXPECT_EQ(blocked.kind, ReconcileResult::Kind::kRequeueAfter);
  EXPECT_EQ(blocked.requeue_after, std::chrono::seconds(1));
  EXPECT_EQ(status_->phase, Phase::kPending);

  clock_.Advance(std::chrono::seconds(1));
  EXPECT_EQ(reconciler_.Reconcile(kName).kind, ReconcileResult::Kind::kConverged);
  EXPECT_EQ(status_->restart_count, 2);

  containers_ = {Container("c1", Spec(), false)};
  ReconcileResult doubled = reconciler_.Reconcile(kName);
  EXPECT_EQ(doubled.requeue_after, std::chrono::seconds(2));
}

// spec.maxConsecutiveFailures: after that many self-heals without a
// healthy stretch, the next death gives the game up (phase Failed, no
// start, nothing to retry) until its generation changes.
TEST_F(ReconcilerTest, ACrashLoopIsGivenUpAfterMaxConsecutiveFailures) {
  GameSpec spec = Spec();
  spec.max_consecutive_failures = 2;
  Declare(spec);
  Started("c1", spec, 1);
  EXPECT_CALL(operations_, Start)
      .Times(3)
      .WillRepeatedly([this](const StartInput& input) {
        return Started("c1", input.spec, input.generation);
      });
  for (int heal = 1; heal <= 2; ++heal) {
    containers_ = {Container("c1", spec, false)};
    EXPECT_EQ(reconciler_.Reconcile(kName).kind, ReconcileResult::Kind::kConverged) << heal;
    clock_.Advance(std::chrono::seconds(10));
  }
  EXPECT_EQ(status_->restart_count, 2);

  containers_ = {Container("c1", spec, false)};  // the third death
  const ReconcileResult given_up = reconciler_.Reconcile(kName);

  EXPECT_EQ(given_up.kind, ReconcileResult::Kind::kConverged) << "nothing to retry";
  EXPECT_EQ(status_->phase, Phase::kFailed);
  ASSERT_TRUE(status_->last_error.has_value());
  EXPECT_EQ(status_->last_error->code, ErrorCode::kStartFailed);
  EXPECT_THAT(status_->last_error->message, HasSubstr("gave up after 2 consecutive self-heals"));
  ASSERT_TRUE(status_->self_heal.has_value());
  EXPECT_EQ(status_->self_heal->gave_up_generation, 1);
  clock_.Advance(std::chrono::hours(1));
  EXPECT_EQ(reconciler_.Reconcile(kName).kind, ReconcileResult::Kind::kConverged);
  EXPECT_EQ(status_->phase, Phase::kFailed) << "still given up: same generation";
  EXPECT_EQ(status_->restart_count, 2);

  // A new generation (here a label edit) heals it again.
  desired_->generation = 2;
  desired_->labels = {{"tier", "casual"}};
  EXPECT_EQ(reconciler_.Reconcile(kName).kind, ReconcileResult::Kind::kConverged);
  EXPECT_EQ(status_->restart_count, 3);
  EXPECT_NE(status_->phase, Phase::kFailed);
  EXPECT_EQ(status_->self_heal->gave_up_generation, 0);
}

TEST_F(ReconcilerTest, SelfHealBackoffResetsAfterTheHealedContainerRanLong) {
  Declare(Spec());
  Started("c1", Spec(), 1);
  EXPECT_CALL(operations_, Start)
      .Times(3)
      .WillRepeatedly([this](const StartInput& input) {
        return Started("c1", input.spec, input.generation);
      });
  for (int death = 0; death < 2; ++death) {  // backoff grows to 2 s
    containers_ = {Container("c1", Spec(), false)};
    clock_.Advance(std::chrono::seconds(1));
    ASSERT_EQ(reconciler_.Reconcile(kName).kind,
              ReconcileResult::Kind::kConverged);
  }

  clock_.Advance(std::chrono::minutes(10));  // healthy_reset: ran long
  containers_ = {Container("c1", Spec(), false)};
  EXPECT_EQ(reconciler_.Reconcile(kName).kind, ReconcileResult::Kind::kConverged);

  containers_ = {Container("c1", Spec(), false)};  // dies again at once
  ReconcileResult blocked = reconciler_.Reconcile(kName);
  EXPECT_EQ(blocked.kind, ReconcileResult::Kind::kRequeueAfter);
  EXPECT_EQ(blocked.requeue_after, std::chrono::seconds(1));  // base again
  EXPECT_EQ(status_->restart_count, 3);
}

TEST_F(ReconcilerTest, SelfHealBackoffSurvivesARestartOfTheController) {
  Declare(Spec());
  Started("c1", Spec(), 1);
  containers_ = {Container("c1", Spec(), false)};
  EXPECT_CALL(operations_, Start).WillOnce([this](const StartInput& input) {
    return Started("c1", input.spec, input.generation);
  });
  ASSERT_EQ(reconciler_.Reconcile(kName).kind, ReconcileResult::Kind::kConverged);
  ASSERT_TRUE(status_->self_heal.has_value());
  EXPECT_EQ(status_->self_heal->not_before, clock_.Now() + std::chrono::seconds(1));

  // A new controller process: nothing in memory, the same store.
  Reconciler restarted{ports_, operations_, desired_store_, status_store_,
                       unlimited_, ReconcilerConfig{}};
  containers_ = {Container("c1", Spec(), false)};  // dies again at once
  ReconcileResult blocked = restarted.Reconcile(kName);

  EXPECT_EQ(blocked.kind, ReconcileResult::Kind::kRequeueAfter);
  EXPECT_EQ(blocked.requeue_after, std::chrono::seconds(1));
  EXPECT_EQ(status_->restart_count, 1);
}

TEST_F(ReconcilerTest, GlobalOperationLimitRequeuesUntilTheGamesTurn) {
  TokenBucket one_per_second{clock_, 1.0, 1};
  Reconciler limited{ports_, operations_, desired_store_, status_store_,
                     one_per_second, ReconcilerConfig{}};
  Declare(Spec());
  EXPECT_CALL(operations_, Start).WillOnce([this](const StartInput& input) {
    return Started("c1", input.spec, input.generation);
  });
  ASSERT_EQ(limited.Reconcile(kName).kind, ReconcileResult::Kind::kConverged);

  Declare(Spec("img:2"), 2);  // an update, while the burst is spent
  EXPECT_CALL(operations_, Update).Times(0);
  ReconcileResult waiting = limited.Reconcile(kName);
  EXPECT_EQ(waiting.kind, ReconcileResult::Kind::kRequeueAfter);
  EXPECT_EQ(waiting.requeue_after, std::chrono::seconds(1));
  clock_.Advance(std::chrono::milliseconds(400));
  EXPECT_EQ(limited.Reconcile(kName).requeue_after, std::chrono::milliseconds(600))
      << "an early retry keeps its turn and takes no second one";
  ::testing::Mock::VerifyAndClearExpectations(&operations_);

  clock_.Advance(std::chrono::milliseconds(600));
  EXPECT_CALL(operations_, Update).WillOnce([this](const UpdateInput& input) {
    return Started("c2", input.spec, input.generation);
  });
  EXPECT_EQ(limited.Reconcile(kName).kind, ReconcileResult::Kind::kConverged);
  EXPECT_EQ(status_->image_ref, "img:2");
}

TEST_F(ReconcilerTest, UnreadableStatusIsRetriedNeverTakenForNoStatus) {
  Declare(Spec());
  Started("c1", Spec(), 1);
  status_ = RuntimeStatusView{.restart_count = 4};
  ON_CALL(status_store_, Get)
      .WillByDefault(Return(Fail(ErrorCode::kServiceUnavailable, "disk gone")));
  EXPECT_CALL(status_store_, Put).Times(0);
  EXPECT_CALL(operations_, Start).Times(0);

  ReconcileResult result = reconciler_.Reconcile(kName);

  EXPECT_EQ(result.kind, ReconcileResult::Kind::kRetry);
  EXPECT_THAT(result.error, HasSubstr("disk gone"));
  EXPECT_EQ(status_->restart_count, 4);
}

TEST_F(ReconcilerTest, StatusMovedUnderneathIsRetried) {
  Declare(Spec());
  EXPECT_CALL(operations_, Start).WillOnce([this](const StartInput& input) {
    return Started("c1", input.spec, input.generation);
  });
  EXPECT_CALL(status_store_, Put)
      .WillOnce(Return(Fail(ErrorCode::kConflict, "status moved")));

  ReconcileResult result = reconciler_.Reconcile(kName);

  EXPECT_EQ(result.kind, ReconcileResult::Kind::kRetry);
  EXPECT_THAT(result.error, HasSubstr("status moved"));
}

TEST_F(ReconcilerTest, UnreachableEngineIsRetriedAndReportedWithoutActing) {
  Declare(Spec());
  EXPECT_CALL(engine_, ListContainers)
      .WillOnce(Return(Fail(ErrorCode::kServiceUnavailable, "engine down")));

  ReconcileResult result = reconciler_.Reconcile(kName);

  EXPECT_EQ(result.kind, ReconcileResult::Kind::kRetry);
  EXPECT_EQ(status_->phase, Phase::kFailed);
  EXPECT_EQ(status_->last_error->code, ErrorCode::kServiceUnavailable);
}

TEST_F(ReconcilerTest, DeletedDesiredIsRemovedAndReportedRemoved) {
  Started("c1", Spec(), 1);
  Declare(Spec());
  desired_->deleted = true;
  EXPECT_CALL(operations_, Remove).WillOnce([this](const RemoveInput& input) {
    EXPECT_EQ(input.op_source, OpSource::kManifest);
    EXPECT_EQ(input.source_ref, "games/lobby.yaml#deleted");
    containers_.clear();
    record_->status = RuntimeStatus::kRemoved;
    record_->current_container_id.clear();
    return Expected<RuntimeRecord>(*record_);
  });

  EXPECT_EQ(reconciler_.Reconcile(kName).kind, ReconcileResult::Kind::kConverged);
  EXPECT_EQ(status_->phase, Phase::kRemoved);
}

TEST_F(ReconcilerTest, EmptyStoreAdoptsOurRunningContainerInsteadOfStarting) {
  Declare(Spec());
  containers_ = {Container("c9", Spec(), true)};

  EXPECT_EQ(reconciler_.Reconcile(kName).kind, ReconcileResult::Kind::kConverged);

  ASSERT_TRUE(record_.has_value());
  EXPECT_EQ(record_->current_container_id, "c9");
  EXPECT_EQ(record_->spec, Spec());
  EXPECT_EQ(status_->phase, Phase::kRunning);
}

// The controller died after the restart's create+start and before its
// record write: the next controller adopts the new container and still
// acknowledges the restart generation.
TEST_F(ReconcilerTest, RestartInterruptedAfterStartIsAcknowledgedOnAdoption) {
  Started("c1", Spec(), 1);
  record_->status = RuntimeStatus::kStopped;  // the inner stop's write
  GameSpec bumped = Spec();
  bumped.restart_generation = 1;
  Declare(bumped, 2);
  containers_ = {Container("c2", bumped, true, 2)};  // c1 was removed
  EXPECT_CALL(operation_log_, Append(::testing::AllOf(
                                  ::testing::Field(&OperationEntry::op_kind, OpKind::kStart),
                                  ::testing::Field(&OperationEntry::container_id, "c2"),
                                  ::testing::Field(&OperationEntry::source_ref,
                                                   "games/lobby.yaml#restartGeneration=1"))))
      .WillOnce(Return(Expected<uint64_t>(1)));
  EXPECT_CALL(operation_log_, Append(::testing::AllOf(
                                  ::testing::Field(&OperationEntry::op_kind, OpKind::kRestart),
                                  ::testing::Field(&OperationEntry::outcome, Outcome::kSuccess),
                                  ::testing::Field(&OperationEntry::container_id, "c2"),
                                  ::testing::Field(&OperationEntry::source_ref,
                                                   "games/lobby.yaml#restartGeneration=1"))))
      .WillOnce(Return(Expected<uint64_t>(1)));

  EXPECT_EQ(reconciler_.Reconcile(kName).kind, ReconcileResult::Kind::kConverged);

  EXPECT_EQ(record_->current_container_id, "c2");
  ASSERT_TRUE(status_->last_restart.has_value());
  EXPECT_EQ(status_->last_restart->restart_generation, 1);
  EXPECT_EQ(status_->last_restart->outcome, "success");
  EXPECT_EQ(status_->last_restart->container_id, "c2");
  EXPECT_EQ(status_->observed_generation, 2);
}

// The controller died after a restart committed its record (c2, restart
// generation 1) and before it wrote the status: the status still shows c1
// at restart generation 0. The next reconcile finds the world converged.
class RestartCommittedBeforeStatusTest : public ReconcilerTest {
 protected:
  static constexpr char kRef[] = "games/lobby.yaml#restartGeneration=1";

  RestartCommittedBeforeStatusTest() {
    Started("c1", Spec(), 1);
    Declare(Spec(), 1);
    status_ = RuntimeStatusView{.phase = Phase::kRunning,
                                .observed_generation = 1,
                                .container_id = "c1",
                                .revision = ++store_revision_};
    GameSpec bumped = Spec();
    bumped.restart_generation = 1;
    Declare(bumped, 2);
    Started("c2", bumped, 2);
  }
  static OperationEntry Entry(OpKind kind, std::string ref, std::string id) {
    return OperationEntry{.game_id = kName,
                          .op_kind = kind,
                          .op_source = OpSource::kManifest,
                          .source_ref = std::move(ref),
                          .container_id = std::move(id),
                          .finished_at = Timestamp(std::chrono::seconds(40))};
  }
  void Audited(std::vector<OperationEntry> newest_first) {
    EXPECT_CALL(operation_log_, ListByGame(std::string_view(kName), _))
        .WillOnce(Return(Expected<std::vector<OperationEntry>>(newest_first)));
  }
  static auto Appended(OpKind kind) {
    return ::testing::AllOf(
        ::testing::Field(&OperationEntry::op_kind, kind),
        ::testing::Field(&OperationEntry::outcome, Outcome::kSuccess),
        ::testing::Field(&OperationEntry::container_id, "c2"),
        ::testing::Field(&OperationEntry::source_ref, kRef));
  }
};

TEST_F(RestartCommittedBeforeStatusTest, TheAuditedOutcomeIsAcknowledged) {
  Audited({Entry(OpKind::kRestart, kRef, "c2"), Entry(OpKind::kStart, kRef, "c2"),
           Entry(OpKind::kStop, kRef, "c1")});
  EXPECT_CALL(operation_log_, Append).Times(0);

  EXPECT_EQ(reconciler_.Reconcile(kName).kind, ReconcileResult::Kind::kConverged);

  EXPECT_EQ(status_->observed_restart_generation, 1);
  ASSERT_TRUE(status_->last_restart.has_value());
  EXPECT_EQ(status_->last_restart->restart_generation, 1);
  EXPECT_EQ(status_->last_restart->outcome, "success");
  EXPECT_EQ(status_->last_restart->container_id, "c2");
  EXPECT_EQ(status_->last_restart->source_ref, kRef);
  EXPECT_EQ(status_->last_restart->finished_at, Timestamp(std::chrono::seconds(40)));
}

TEST_F(RestartCommittedBeforeStatusTest, AMissingRestartEntryIsWritten) {
  Audited({Entry(OpKind::kStart, kRef, "c2"), Entry(OpKind::kStop, kRef, "c1")});
  EXPECT_CALL(operation_log_, Append(Appended(OpKind::kRestart)))
      .WillOnce(Return(Expected<uint64_t>(9)));

  EXPECT_EQ(reconciler_.Reconcile(kName).kind, ReconcileResult::Kind::kConverged);

  ASSERT_TRUE(status_->last_restart.has_value());
  EXPECT_EQ(status_->last_restart->outcome, "success");
  EXPECT_EQ(status_->last_restart->container_id, "c2");
}

TEST_F(RestartCommittedBeforeStatusTest, MissingStartAndRestartEntriesAreWritten) {
  Audited({Entry(OpKind::kStop, kRef, "c1"),
           Entry(OpKind::kStart, "games/lobby.yaml#generation=1", "c1")});
  ::testing::InSequence order;
  EXPECT_CALL(operation_log_, Append(Appended(OpKind::kStart)))
      .WillOnce(Return(Expected<uint64_t>(9)));
  EXPECT_CALL(operation_log_, Append(Appended(OpKind::kRestart)))
      .WillOnce(Return(Expected<uint64_t>(10)));

  EXPECT_EQ(reconciler_.Reconcile(kName).kind, ReconcileResult::Kind::kConverged);

  ASSERT_TRUE(status_->last_restart.has_value());
  EXPECT_EQ(status_->last_restart->restart_generation, 1);
  EXPECT_EQ(status_->last_restart->container_id, "c2");
}

// A game first declared at restart generation 1 was started, not
// restarted: no entry carries the restart's ref, nothing is acknowledged.
TEST_F(RestartCommittedBeforeStatusTest, APlainStartAcknowledgesNoRestart) {
  Audited({Entry(OpKind::kStart, "games/lobby.yaml#generation=2", "c2")});
  EXPECT_CALL(operation_log_, Append).Times(0);

  EXPECT_EQ(reconciler_.Reconcile(kName).kind, ReconcileResult::Kind::kConverged);

  EXPECT_EQ(status_->observed_restart_generation, 1);
  EXPECT_FALSE(status_->last_restart.has_value());
}

TEST_F(RestartCommittedBeforeStatusTest, AnUnreadableOperationLogIsRetriedNotForgotten) {
  EXPECT_CALL(operation_log_, ListByGame)
      .WillOnce(Return(Expected<std::vector<OperationEntry>>(
          Fail(ErrorCode::kServiceUnavailable, "disk gone"))));
  const RuntimeStatusView before = *status_;

  const ReconcileResult result = reconciler_.Reconcile(kName);

  EXPECT_EQ(result.kind, ReconcileResult::Kind::kRetry);
  EXPECT_THAT(result.error, HasSubstr("disk gone"));
  EXPECT_EQ(*status_, before) << "a status written now would hide the "
                                 "unacknowledged restart for good";
}

TEST_F(RestartCommittedBeforeStatusTest, AnAcknowledgedRestartIsNotLookedUpAgain) {
  status_->observed_restart_generation = 1;
  EXPECT_CALL(operation_log_, ListByGame).Times(0);

  EXPECT_EQ(reconciler_.Reconcile(kName).kind, ReconcileResult::Kind::kConverged);
}

TEST_F(ReconcilerTest, StrayContainerIsStoppedRemovedAndAudited) {
  Declare(Spec());
  Started("c1", Spec(), 1);
  containers_.push_back(Container("c2", Spec(), true));
  EXPECT_CALL(engine_, StopContainer(std::string_view("c2"), 1))
      .WillOnce(Return(Expected<void>()));
  EXPECT_CALL(engine_, RemoveContainer(std::string_view("c2"), false))
      .WillOnce([this](std::string_view, bool) -> Expected<void> {
        containers_.pop_back();
        return {};
      });
  EXPECT_CALL(operation_log_, Append(::testing::AllOf(
                                  ::testing::Field(&OperationEntry::op_kind, OpKind::kRemove),
                                  ::testing::Field(&OperationEntry::container_id, "c2"),
                                  ::testing::Field(&OperationEntry::op_source,
                                                   OpSource::kReconciler))))
      .WillOnce(Return(Expected<uint64_t>(1)));

  EXPECT_EQ(reconciler_.Reconcile(kName).kind, ReconcileResult::Kind::kConverged);
}

TEST_F(ReconcilerTest, InvalidManifestKeepsRunningAndSaysSo) {
  Declare(Spec());
  Started("c1", Spec(), 1);
  desired_->manifest_error = "games/lobby.yaml:3: spec.image: must be a string";

  EXPECT_EQ(reconciler_.Reconcile(kName).kind, ReconcileResult::Kind::kConverged);

  EXPECT_EQ(status_->phase, Phase::kRunning);
  EXPECT_EQ(ConditionOf("ManifestValid").status, ConditionStatus::kFalse);
  EXPECT_EQ(ConditionOf("ManifestValid").message,
            "games/lobby.yaml:3: spec.image: must be a string");
}

TEST_F(ReconcilerTest, DesiredStoppedStopsTheContainer) {
  Started("c1", Spec(), 1);
  GameSpec stopped = Spec();
  stopped.state = DesiredState::kStopped;
  Declare(stopped, 2);
  EXPECT_CALL(operations_, Stop).WillOnce([this](const StopInput& input) {
    EXPECT_EQ(input.reason, StopReason::kDesiredStopped);
    containers_[0].running = false;
    record_->status = RuntimeStatus::kStopped;
    return Expected<RuntimeRecord>(*record_);
  });

  EXPECT_EQ(reconciler_.Reconcile(kName).kind, ReconcileResult::Kind::kConverged);
  EXPECT_EQ(status_->phase, Phase::kStopped);
  EXPECT_EQ(ConditionOf("Ready").status, ConditionStatus::kFalse);
}

// A container that died is self-healed at once, and status keeps how it
// ended: the exit code and why (an OOM kill here), then a newer ending
// replaces it.
TEST_F(ReconcilerTest, HowADeadContainerEndedIsReportedAfterItsSelfHeal) {
  Declare(Spec());
  Started("c1", Spec(), 1);
  containers_ = {Container("c1", Spec(), false)};
  containers_[0].exit_code = 137;
  containers_[0].oom_killed = true;
  containers_[0].started_at = clock_.Now() - std::chrono::minutes(5);
  containers_[0].finished_at = clock_.Now() - std::chrono::seconds(1);
  EXPECT_CALL(operations_, Start).Times(2).WillRepeatedly([this](const StartInput& input) {
    return Started("c1", input.spec, input.generation);
  });

  EXPECT_EQ(reconciler_.Reconcile(kName).kind, ReconcileResult::Kind::kConverged);

  ASSERT_TRUE(status_->last_termination.has_value());
  EXPECT_EQ(*status_->last_termination,
            (Termination{.container_id = "c1",
                         .exit_code = 137,
                         .reason = "OOMKilled",
                         .started_at = clock_.Now() - std::chrono::minutes(5),
                         .finished_at = clock_.Now() - std::chrono::seconds(1)}));

  clock_.Advance(std::chrono::minutes(20));
  containers_ = {Container("c1", Spec(), false)};
  containers_[0].exit_code = 2;
  containers_[0].finished_at = clock_.Now();
  EXPECT_EQ(reconciler_.Reconcile(kName).kind, ReconcileResult::Kind::kConverged);
  EXPECT_EQ(status_->last_termination->reason, "Error");
  EXPECT_EQ(status_->last_termination->exit_code, 2);
}

TEST_F(ReconcilerTest, AnEndingKeptByAStopInTheRecordIsReportedWhenNewer) {
  Declare(Spec());
  Started("c1", Spec(), 1);
  record_->last_termination = Termination{.container_id = "c0",
                                          .exit_code = 0,
                                          .reason = "Completed",
                                          .finished_at = clock_.Now()};
  status_ = RuntimeStatusView{};
  status_->last_termination = Termination{.container_id = "older",
                                          .finished_at = clock_.Now() - std::chrono::hours(1)};

  reconciler_.Reconcile(kName);

  ASSERT_TRUE(status_->last_termination.has_value());
  EXPECT_EQ(status_->last_termination->container_id, "c0");
}

// preStop, drain, the reclaim policy... are not part of the container: a
// change of them recreates nothing, and the record follows them, before
// any operation reads them from it.
TEST_F(ReconcilerTest, FieldsOutsideTheContainerFollowTheManifestWithoutARecreate) {
  Started("c1", Spec(), 1);
  GameSpec hooked = Spec();
  hooked.pre_stop = ExecHook{.command = {"save"}};
  hooked.volume_reclaim_policy = VolumeReclaimPolicy::kDelete;
  Declare(hooked, 2);

  EXPECT_EQ(reconciler_.Reconcile(kName).kind, ReconcileResult::Kind::kConverged);

  EXPECT_EQ(record_->spec.pre_stop, hooked.pre_stop);
  EXPECT_EQ(record_->spec.volume_reclaim_policy, VolumeReclaimPolicy::kDelete);
  EXPECT_EQ(record_->current_container_id, "c1");
  EXPECT_EQ(status_->observed_generation, 2);
}

TEST_F(ReconcilerTest, ARemovalReadsTheReclaimPolicyDeclaredWithTheDeletion) {
  Started("c1", Spec(), 1);
  GameSpec deleting = Spec();
  deleting.volume_reclaim_policy = VolumeReclaimPolicy::kDelete;
  Declare(deleting, 2);
  desired_->deleted = true;
  EXPECT_CALL(operations_, Remove).WillOnce([this](const RemoveInput&) {
    EXPECT_EQ(record_->spec.volume_reclaim_policy, VolumeReclaimPolicy::kDelete);
    containers_.clear();
    record_->status = RuntimeStatus::kRemoved;
    return Expected<RuntimeRecord>(*record_);
  });

  EXPECT_EQ(reconciler_.Reconcile(kName).kind, ReconcileResult::Kind::kConverged);
}

TEST_F(ReconcilerTest, ARecordThatCannotFollowTheManifestIsRetried) {
  Started("c1", Spec(), 1);
  GameSpec hooked = Spec();
  hooked.drain = DrainPolicy{.command = {"empty"}};
  Declare(hooked, 2);
  ON_CALL(records_, Upsert).WillByDefault(Return(Fail(ErrorCode::kServiceUnavailable, "disk")));

  ReconcileResult result = reconciler_.Reconcile(kName);

  EXPECT_EQ(result.kind, ReconcileResult::Kind::kRetry);
  EXPECT_THAT(result.error, HasSubstr("save runtime record: disk"));
}

// spec.drain (reconcile/drain.h): a voluntary disruption of a running game
// waits for its probe to say "empty", up to maxWaitSeconds; the wait is in
// status, the worker is never held, and the disruption's entry says how it
// got through.
class DrainGateTest : public ReconcilerTest {
 protected:
  // A running game with drain {period 10s, maxWait 60s, timeout 3s} whose
  // restart generation was just bumped.
  void RunningWithRestartBumped() {
    GameSpec spec = DrainedSpec();
    Started("c1", spec, 1);
    spec.restart_generation = 1;
    Declare(spec, 2);
  }
  static GameSpec DrainedSpec() {
    GameSpec spec;
    spec.image = "img:1";
    spec.stop_timeout_seconds = 1;
    spec.drain = DrainPolicy{.command = {"players-online"},
                             .period_seconds = 10,
                             .max_wait_seconds = 60,
                             .timeout_seconds = 3};
    return spec;
  }
  // The probe answers `exit_code` (with `output`) from now on, in any
  // container of the game.
  void ProbeAnswers(int exit_code, std::string output = "") {
    ON_CALL(engine_, Exec(_, std::vector<std::string>{"players-online"},
                          Duration(std::chrono::seconds(3))))
        .WillByDefault(Return(Expected<ExecResult>(ExecResult{exit_code, output})));
  }
  // The restart that follows the gate: records the input it was given.
  void ExpectRestart() {
    EXPECT_CALL(operations_, Restart).WillOnce([this](const RestartInput& input) {
      restarted_with_ = input;
      GameSpec spec = DrainedSpec();
      spec.restart_generation = 1;
      return Started("c2", spec, 2);
    });
  }
  std::optional<RestartInput> restarted_with_;
};

TEST_F(DrainGateTest, ABusyGameKeepsRunningAndReportsTheWaitWithoutHoldingAWorker) {
  RunningWithRestartBumped();
  ProbeAnswers(1, "3 players online\n");

  ReconcileResult result = reconciler_.Reconcile(kName);

  EXPECT_EQ(result.kind, ReconcileResult::Kind::kRequeueAfter);
  EXPECT_EQ(result.requeue_after, std::chrono::seconds(10));
  EXPECT_EQ(status_->phase, Phase::kRunning);
  EXPECT_EQ(ConditionOf("Ready").status, ConditionStatus::kTrue);
  EXPECT_EQ(ConditionOf("Progressing").reason, "WaitingForDrain");
  EXPECT_EQ(ConditionOf("Progressing").message,
            "restart waits for drain: busy for 0s (exit 1: 3 players online), "
            "forced in 1m");
  ASSERT_TRUE(status_->drain_wait.has_value());
  EXPECT_EQ(status_->drain_wait->action, "restart");
  EXPECT_EQ(status_->drain_wait->since, clock_.Now());
  EXPECT_EQ(status_->drain_wait->deadline, clock_.Now() + std::chrono::seconds(60));
}

TEST_F(DrainGateTest, ABusyGameIsNotProbedAgainBeforeItsPeriod) {
  RunningWithRestartBumped();
  ProbeAnswers(1);
  reconciler_.Reconcile(kName);
  clock_.Advance(std::chrono::seconds(4));
  EXPECT_CALL(engine_, Exec).Times(0);

  ReconcileResult result = reconciler_.Reconcile(kName);

  EXPECT_EQ(result.kind, ReconcileResult::Kind::kRequeueAfter);
  EXPECT_EQ(result.requeue_after, std::chrono::seconds(6));
}

TEST_F(DrainGateTest, TheRestartProceedsOnceTheProbeSaysEmptyAndTheEntrySaysDrained) {
  RunningWithRestartBumped();
  ProbeAnswers(1);
  reconciler_.Reconcile(kName);
  clock_.Advance(std::chrono::seconds(10));
  ProbeAnswers(0);
  ExpectRestart();

  EXPECT_EQ(reconciler_.Reconcile(kName).kind, ReconcileResult::Kind::kConverged);

  ASSERT_TRUE(restarted_with_.has_value());
  EXPECT_EQ(restarted_with_->drain,
            (DrainRecord{DrainOutcome::kDrained, std::chrono::seconds(10)}));
  EXPECT_EQ(status_->drain_wait, std::nullopt);
  EXPECT_EQ(ConditionOf("Progressing").reason, "Converged");
}

TEST_F(DrainGateTest, TheDeadlineForcesTheRestart) {
  RunningWithRestartBumped();
  ProbeAnswers(1);
  reconciler_.Reconcile(kName);
  for (int probe = 1; probe < 6; ++probe) {
    clock_.Advance(std::chrono::seconds(10));
    EXPECT_EQ(reconciler_.Reconcile(kName).kind, ReconcileResult::Kind::kRequeueAfter);
  }
  clock_.Advance(std::chrono::seconds(10));  // 60 s after the first probe
  ExpectRestart();

  EXPECT_EQ(reconciler_.Reconcile(kName).kind, ReconcileResult::Kind::kConverged);

  EXPECT_EQ(restarted_with_->drain,
            (DrainRecord{DrainOutcome::kDeadline, std::chrono::seconds(60)}));
}

TEST_F(DrainGateTest, ARequestedSkipForcesTheRestartWithoutAProbe) {
  RunningWithRestartBumped();
  ProbeAnswers(1);
  reconciler_.Reconcile(kName);
  clock_.Advance(std::chrono::seconds(5));
  desired_->force_restart_generation = 1;
  EXPECT_CALL(engine_, Exec).Times(0);
  ExpectRestart();

  EXPECT_EQ(reconciler_.Reconcile(kName).kind, ReconcileResult::Kind::kConverged);

  EXPECT_EQ(restarted_with_->drain,
            (DrainRecord{DrainOutcome::kForced, std::chrono::seconds(5)}));
}

// A GitOps sync landing after the request does not cancel it; once the
// forced restart ran, the next disruption drains again.
TEST_F(DrainGateTest, ARequestedSkipOutlivesALaterChangeAndEndsWithTheRestart) {
  RunningWithRestartBumped();
  desired_->force_restart_generation = 1;
  desired_->generation = 5;  // the manifest changed since
  EXPECT_CALL(engine_, Exec).Times(0);
  ExpectRestart();
  EXPECT_EQ(reconciler_.Reconcile(kName).kind, ReconcileResult::Kind::kConverged);
  EXPECT_EQ(restarted_with_->drain->outcome, DrainOutcome::kForced);

  ::testing::Mock::VerifyAndClearExpectations(&engine_);
  ProbeAnswers(1);
  GameSpec updated = DrainedSpec();
  updated.image = "img:2";
  updated.restart_generation = 1;
  Declare(updated, 6);
  desired_->force_restart_generation = 1;
  EXPECT_EQ(reconciler_.Reconcile(kName).kind, ReconcileResult::Kind::kRequeueAfter);
  EXPECT_EQ(status_->drain_wait->action, "update");
}

TEST_F(DrainGateTest, ASkipRequestedForAnEarlierRestartDoesNotForce) {
  RunningWithRestartBumped();
  desired_->force_restart_generation = 0;  // what the running container has
  ProbeAnswers(1);
  EXPECT_CALL(operations_, Restart).Times(0);

  EXPECT_EQ(reconciler_.Reconcile(kName).kind, ReconcileResult::Kind::kRequeueAfter);
}

TEST_F(DrainGateTest, AProbeThatCannotRunCountsAsBusyAndSaysWhy) {
  RunningWithRestartBumped();
  ON_CALL(engine_, Exec)
      .WillByDefault(Return(Fail(ErrorCode::kServiceUnavailable, "engine down")));

  EXPECT_EQ(reconciler_.Reconcile(kName).kind, ReconcileResult::Kind::kRequeueAfter);

  EXPECT_EQ(status_->drain_wait->last_probe, "probe could not run: engine down");
}

TEST_F(DrainGateTest, AProbeThatTimesOutCountsAsBusy) {
  RunningWithRestartBumped();
  ON_CALL(engine_, Exec)
      .WillByDefault(Return(Expected<ExecResult>(ExecResult{std::nullopt, ""})));

  EXPECT_EQ(reconciler_.Reconcile(kName).kind, ReconcileResult::Kind::kRequeueAfter);

  EXPECT_EQ(status_->drain_wait->last_probe, "probe timed out after 3s");
}

TEST_F(DrainGateTest, UpdatesStopsAndRemovalsWaitToo) {
  GameSpec spec = DrainedSpec();
  Started("c1", spec, 1);
  ProbeAnswers(1);
  GameSpec updated = spec;
  updated.image = "img:2";
  Declare(updated, 2);
  EXPECT_EQ(reconciler_.Reconcile(kName).kind, ReconcileResult::Kind::kRequeueAfter);
  EXPECT_EQ(status_->drain_wait->action, "update");

  GameSpec stopped = spec;
  stopped.state = DesiredState::kStopped;
  Declare(stopped, 3);
  EXPECT_EQ(reconciler_.Reconcile(kName).kind, ReconcileResult::Kind::kRequeueAfter);
  EXPECT_EQ(status_->drain_wait->action, "stop");

  Declare(spec, 4);
  desired_->deleted = true;
  EXPECT_EQ(reconciler_.Reconcile(kName).kind, ReconcileResult::Kind::kRequeueAfter);
  EXPECT_EQ(status_->drain_wait->action, "remove");
  EXPECT_EQ(status_->phase, Phase::kRunning);
}

// `rtmanager restart NAME --force` of a removed runtime: its removal skips
// the drain wait (DesiredStateWriter::RequestRestart).
TEST_F(DrainGateTest, AForcedRemovalProceedsWithoutWaitingForTheDrain) {
  GameSpec spec = DrainedSpec();
  Started("c1", spec, 1);
  ProbeAnswers(1);
  Declare(spec, 2);
  desired_->deleted = true;
  EXPECT_EQ(reconciler_.Reconcile(kName).kind, ReconcileResult::Kind::kRequeueAfter);
  ASSERT_TRUE(status_->drain_wait.has_value());
  EXPECT_EQ(status_->drain_wait->action, "remove");

  clock_.Advance(std::chrono::seconds(4));
  desired_->force_restart_generation = desired_->EffectiveRestartGeneration() + 1;
  EXPECT_CALL(engine_, Exec).Times(0);
  std::optional<RemoveInput> removed_with;
  EXPECT_CALL(operations_, Remove).WillOnce([&](const RemoveInput& input) {
    removed_with = input;
    containers_.clear();
    record_->status = RuntimeStatus::kRemoved;
    return Expected<RuntimeRecord>(*record_);
  });

  EXPECT_EQ(reconciler_.Reconcile(kName).kind, ReconcileResult::Kind::kConverged);
  ASSERT_TRUE(removed_with.has_value());
  EXPECT_EQ(removed_with->drain,
            (DrainRecord{DrainOutcome::kForced, std::chrono::seconds(4)}));
}

TEST_F(DrainGateTest, ADeadContainerSelfHealsWithoutWaiting) {
  GameSpec spec = DrainedSpec();
  Declare(spec);
  Started("c1", spec, 1);
  containers_ = {Container("c1", spec, false)};
  EXPECT_CALL(engine_, Exec).Times(0);
  EXPECT_CALL(operations_, Start).WillOnce([this](const StartInput& input) {
    return Started("c1", input.spec, input.generation);
  });

  EXPECT_EQ(reconciler_.Reconcile(kName).kind, ReconcileResult::Kind::kConverged);
}

TEST_F(DrainGateTest, AStoppedContainerIsRestartedWithoutAProbe) {
  RunningWithRestartBumped();
  containers_[0].running = false;
  EXPECT_CALL(engine_, Exec).Times(0);
  ExpectRestart();

  EXPECT_EQ(reconciler_.Reconcile(kName).kind, ReconcileResult::Kind::kConverged);
  EXPECT_EQ(restarted_with_->drain, std::nullopt);
}

TEST_F(DrainGateTest, ThePlanSaysTheRestartWaitsForDrain) {
  RunningWithRestartBumped();
  ProbeAnswers(1, "2 players");
  reconciler_.Reconcile(kName);
  clock_.Advance(std::chrono::seconds(50));

  Expected<Plan> plan = reconciler_.PlanFor(kName);

  ASSERT_TRUE(plan.has_value());
  ASSERT_EQ(plan->actions.size(), 1u);
  EXPECT_EQ(plan->actions[0].reason,
            "restartGeneration 0 -> 1; waits for drain: busy for 50s "
            "(exit 1: 2 players), forced in 10s");
}

}  // namespace
}  // namespace rtm

namespace rtm {
namespace {

// Cluster mode (docs/cluster.md): the reconciler acts only on the games
// GameOwnership says are this node's.
class ClusteredReconcilerTest : public ReconcilerTest {
 protected:
  Reconciler& Clustered(Ownership ownership) {
    ON_CALL(ownership_, Check(::testing::Eq(std::string_view(kName))))
        .WillByDefault(Return(ownership));
    return clustered_;
  }

  NiceMock<MockGameOwnership> ownership_;
  Reconciler clustered_{ports_, operations_, desired_store_, status_store_,
                        unlimited_, ReconcilerConfig{.ownership = &ownership_}};
};

TEST_F(ClusteredReconcilerTest, AnOwnedGameIsReconciledAsOnOneHost) {
  Declare(Spec());
  EXPECT_CALL(operations_, Start).WillOnce([this](const StartInput& input) {
    return Started("c1", input.spec, input.generation);
  });

  auto result = Clustered({Ownership::Kind::kOwned, ""}).Reconcile(kName);

  EXPECT_EQ(result.kind, ReconcileResult::Kind::kConverged);
  ASSERT_TRUE(status_.has_value());
  EXPECT_EQ(status_->phase, Phase::kRunning);
}

TEST_F(ClusteredReconcilerTest, AGameOfAnotherNodeIsRemovedHereWithoutAStatusWrite) {
  Started("c1", Spec(), 1);
  Declare(Spec());
  EXPECT_CALL(operations_, Remove).WillOnce([this](const RemoveInput& input) {
    EXPECT_EQ(input.game_id, kName);
    EXPECT_EQ(input.op_source, OpSource::kReconciler);
    EXPECT_EQ(input.source_ref, "cluster: assigned to node b");
    containers_.clear();
    record_->status = RuntimeStatus::kRemoved;
    record_->current_container_id.clear();
    return Expected<RuntimeRecord>(*record_);
  });
  EXPECT_CALL(status_store_, Put).Times(0);

  auto result =
      Clustered({Ownership::Kind::kElsewhere, "assigned to node b"}).Reconcile(kName);

  EXPECT_EQ(result.kind, ReconcileResult::Kind::kConverged);
  EXPECT_FALSE(status_.has_value());
  EXPECT_TRUE(containers_.empty());
}

TEST_F(ClusteredReconcilerTest, AStrayContainerOfAnotherNodesGameIsRemovedToo) {
  Declare(Spec());
  containers_ = {Container("c7", Spec(), true)};  // no record: a stray
  EXPECT_CALL(engine_, StopContainer(std::string_view("c7"), _))
      .WillOnce(Return(Expected<void>()));
  EXPECT_CALL(engine_, RemoveContainer(std::string_view("c7"), false))
      .WillOnce([this](std::string_view, bool) -> Expected<void> {
        containers_.clear();
        return {};
      });
  EXPECT_CALL(status_store_, Put).Times(0);

  auto result = Clustered({Ownership::Kind::kElsewhere, "not assigned to any node"})
                    .Reconcile(kName);

  EXPECT_EQ(result.kind, ReconcileResult::Kind::kConverged);
  EXPECT_FALSE(status_.has_value());
}

TEST_F(ClusteredReconcilerTest, NothingHereOfAnotherNodesGameIsANoOp) {
  Declare(Spec());
  EXPECT_CALL(status_store_, Put).Times(0);

  auto result =
      Clustered({Ownership::Kind::kElsewhere, "assigned to node b"}).Reconcile(kName);

  EXPECT_EQ(result.kind, ReconcileResult::Kind::kConverged);
}

TEST_F(ClusteredReconcilerTest, SuspendedOwnershipTouchesNothingAndLooksAgainSoon) {
  Declare(Spec());
  containers_ = {Container("c1", Spec(), false)};
  EXPECT_CALL(engine_, ListContainers).Times(0);
  EXPECT_CALL(status_store_, Put).Times(0);

  auto result = Clustered({Ownership::Kind::kSuspended, "lease lapsed"}).Reconcile(kName);

  EXPECT_EQ(result.kind, ReconcileResult::Kind::kRequeueAfter);
  EXPECT_EQ(result.requeue_after, std::chrono::seconds(1));
}

}  // namespace
}  // namespace rtm

namespace rtm {
namespace {

// Disruption budgets (reconcile/budget_gate.h): kName and "other" are the
// budget "fleet", maxUnavailable 1; kName runs c1, Ready, and its restart
// generation was just bumped.
class BudgetedReconcilerTest : public ReconcilerTest {
 protected:
  BudgetedReconcilerTest() {
    ON_CALL(desired_store_, List).WillByDefault([this] {
      std::vector<DesiredRuntime> all = {other_};
      if (desired_) all.push_back(*desired_);
      return Expected<std::vector<DesiredRuntime>>(all);
    });
    ON_CALL(status_store_, List).WillByDefault([this] {
      std::map<std::string, RuntimeStatusView> all = {{other_.name, other_status_}};
      if (status_) all[kName] = *status_;
      return Expected<std::map<std::string, RuntimeStatusView>>(all);
    });
    OtherReady(true);
    Started("c1", Spec(), 1);
    Declare(Spec(), 1);
    desired_->disruption_budget = kTerms;
    EXPECT_EQ(budgeted_.Reconcile(kName).kind, ReconcileResult::Kind::kConverged);
    clock_.Advance(std::chrono::minutes(5));
    GameSpec bumped = Spec();
    bumped.restart_generation = 1;
    Declare(bumped, 2);
    desired_->disruption_budget = kTerms;
  }
  void OtherReady(bool ready) {
    other_status_.conditions = {Condition{
        .type = "Ready",
        .status = ready ? ConditionStatus::kTrue : ConditionStatus::kFalse,
        .last_transition_time = clock_.Now() - std::chrono::hours(1)}};
    gate_.MemberChanged("fleet", ready);
  }
  void ExpectRestart() {
    EXPECT_CALL(operations_, Restart).WillOnce([this](const RestartInput&) {
      status_before_restart_ = status_;
      GameSpec spec = Spec();
      spec.restart_generation = 1;
      return Started("c2", spec, 2);
    });
  }

  const BudgetTerms kTerms{.name = "fleet", .max_unavailable = {.value = 1},
                           .source_path = "budgets.yaml"};
  DesiredRuntime other_{.name = "other", .disruption_budget = kTerms};
  RuntimeStatusView other_status_;
  BudgetGate gate_{desired_store_, status_store_, clock_};
  Reconciler budgeted_{ports_, operations_, desired_store_, status_store_,
                       unlimited_, ReconcilerConfig{.budgets = &gate_}};
  std::optional<RuntimeStatusView> status_before_restart_;
};

TEST_F(BudgetedReconcilerTest, ARestartWaitsWhileTheBudgetIsSpentAndTheGameKeepsServing) {
  OtherReady(false);

  ReconcileResult result = budgeted_.Reconcile(kName);

  EXPECT_EQ(result.kind, ReconcileResult::Kind::kRequeueAfter);
  EXPECT_EQ(result.requeue_after, std::chrono::seconds(5));
  EXPECT_EQ(status_->phase, Phase::kRunning);
  EXPECT_EQ(status_->container_id, "c1");
  EXPECT_EQ(ConditionOf("Ready").status, ConditionStatus::kTrue);
  EXPECT_EQ(ConditionOf("Progressing").reason, "WaitingForBudget");
  EXPECT_EQ(ConditionOf("Progressing").message,
            "restart waits for disruption budget fleet: 1 of 2 games "
            "unavailable (maxUnavailable 1)");
  EXPECT_FALSE(gate_.Holds(kName));
}

TEST_F(BudgetedReconcilerTest, AnAdmittedRestartIsReportedUnavailableBeforeItActsAndFreesItsPlaceAfter) {
  ExpectRestart();

  EXPECT_EQ(budgeted_.Reconcile(kName).kind, ReconcileResult::Kind::kConverged);

  ASSERT_TRUE(status_before_restart_.has_value());
  EXPECT_EQ(status_before_restart_->container_id, "c1");
  EXPECT_EQ(status_before_restart_->phase, Phase::kPending);
  const Condition* ready = nullptr;
  for (const Condition& c : status_before_restart_->conditions) {
    if (c.type == "Ready") ready = &c;
  }
  ASSERT_NE(ready, nullptr);
  EXPECT_EQ(ready->status, ConditionStatus::kFalse);
  // After: Ready again, since now (the new container), and the place freed.
  EXPECT_EQ(status_->container_id, "c2");
  EXPECT_EQ(ConditionOf("Ready").status, ConditionStatus::kTrue);
  EXPECT_EQ(ConditionOf("Ready").last_transition_time, clock_.Now());
  EXPECT_FALSE(gate_.Holds(kName));
}

TEST_F(BudgetedReconcilerTest, TheHeldBackRestartProceedsOnceTheOtherGameIsReadyAgain) {
  OtherReady(false);
  budgeted_.Reconcile(kName);
  OtherReady(true);
  ExpectRestart();

  EXPECT_EQ(budgeted_.Reconcile(kName).kind, ReconcileResult::Kind::kConverged);

  EXPECT_EQ(status_->container_id, "c2");
  EXPECT_EQ(ConditionOf("Progressing").reason, "Converged");
}

TEST_F(BudgetedReconcilerTest, AnAdmissionOutlivesADrainWaitAndHoldsThePlace) {
  GameSpec spec = Spec();
  spec.restart_generation = 1;
  spec.drain = DrainPolicy{.command = {"players-online"}, .period_seconds = 10,
                           .max_wait_seconds = 60, .timeout_seconds = 3};
  Declare(spec, 3);
  desired_->disruption_budget = kTerms;
  ON_CALL(engine_, Exec)
      .WillByDefault(Return(Expected<ExecResult>(ExecResult{1, "busy"})));

  EXPECT_EQ(budgeted_.Reconcile(kName).kind, ReconcileResult::Kind::kRequeueAfter);

  EXPECT_TRUE(gate_.Holds(kName));
  EXPECT_EQ(ConditionOf("Progressing").reason, "WaitingForDrain");
  // The other game's restart finds the place taken.
  auto other = gate_.Admit("other", kTerms);
  ASSERT_TRUE(other.has_value());
  EXPECT_FALSE(other->admitted);
}

TEST_F(BudgetedReconcilerTest, ARestartNoLongerWantedGivesUpItsPlace) {
  GameSpec spec = Spec();
  spec.restart_generation = 1;
  spec.drain = DrainPolicy{.command = {"players-online"}, .period_seconds = 10,
                           .max_wait_seconds = 60, .timeout_seconds = 3};
  Declare(spec, 3);
  desired_->disruption_budget = kTerms;
  ON_CALL(engine_, Exec)
      .WillByDefault(Return(Expected<ExecResult>(ExecResult{1, "busy"})));
  budgeted_.Reconcile(kName);
  ASSERT_TRUE(gate_.Holds(kName));
  // The bump is reverted by a new incarnation at generation 0 of the
  // restart: nothing to disrupt any more.
  GameSpec unbumped = Spec();
  unbumped.drain = spec.drain;
  Started("c1", unbumped, 4);
  Declare(unbumped, 4);
  desired_->disruption_budget = kTerms;

  budgeted_.Reconcile(kName);

  EXPECT_FALSE(gate_.Holds(kName));
}

TEST_F(BudgetedReconcilerTest, ThePlanSaysTheRestartWaitsForTheBudget) {
  OtherReady(false);

  Expected<Plan> plan = budgeted_.PlanFor(kName);

  ASSERT_TRUE(plan.has_value());
  ASSERT_EQ(plan->actions.size(), 1u);
  EXPECT_EQ(plan->actions[0].reason,
            "restartGeneration 0 -> 1; waits for disruption budget fleet: 1 of "
            "2 games unavailable (maxUnavailable 1)");
  EXPECT_FALSE(gate_.Holds(kName));
}

TEST_F(BudgetedReconcilerTest, AnUnreadableBudgetIsARetryNotADisruption) {
  ON_CALL(status_store_, List)
      .WillByDefault(Return(Expected<std::map<std::string, RuntimeStatusView>>(
          Fail(ErrorCode::kServiceUnavailable, "no leader"))));

  ReconcileResult result = budgeted_.Reconcile(kName);

  EXPECT_EQ(result.kind, ReconcileResult::Kind::kRetry);
  EXPECT_THAT(result.error, HasSubstr("disruption budget: no leader"));
  EXPECT_EQ(status_->container_id, "c1");
}

TEST_F(BudgetedReconcilerTest, ASelfHealIsNeverHeldBack) {
  OtherReady(false);
  GameSpec spec = Spec();
  Started("c1", spec, 1);
  containers_[0].running = false;
  containers_[0].status = "exited";
  Declare(spec, 1);
  desired_->disruption_budget = kTerms;
  EXPECT_CALL(operations_, Start).WillOnce([this](const StartInput& input) {
    return Started("c1", input.spec, input.generation);
  });

  EXPECT_EQ(budgeted_.Reconcile(kName).kind, ReconcileResult::Kind::kConverged);
}

}  // namespace
}  // namespace rtm
