// The controller's enqueueing: the periodic resync decides every game against
// one engine listing and enqueues only those with work (no threads started).
#include "controller/app/controller.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "reconcile/domain/container_spec.h"
#include "reconcile/queue/token_bucket.h"
#include "test/mocks/fake_clock.h"
#include "test/mocks/mock_container_engine.h"
#include "test/mocks/mock_desired_state_store.h"
#include "test/mocks/mock_game_lease_store.h"
#include "test/mocks/mock_lifecycle_operations.h"
#include "test/mocks/mock_logger.h"
#include "test/mocks/mock_operation_log_store.h"
#include "test/mocks/mock_runtime_record_store.h"
#include "test/mocks/mock_telemetry.h"
#include "test/mocks/mock_token_generator.h"

namespace rtm {
namespace {

using ::testing::_;
using ::testing::NiceMock;
using ::testing::Return;
using ::testing::UnorderedElementsAre;

GameSpec Spec() { return GameSpec{.image = "img:1", .stop_timeout_seconds = 1}; }

DesiredRuntime Desired(const std::string& name) {
  return DesiredRuntime{.name = name, .spec = Spec(), .generation = 1};
}

RuntimeRecord Record(const std::string& name, const std::string& container) {
  return RuntimeRecord{.game_id = name,
                       .status = RuntimeStatus::kRunning,
                       .current_image_ref = "img:1",
                       .current_container_id = container,
                       .hostname = name,
                       .spec = Spec(),
                       .generation = 1};
}

ContainerState Running(const std::string& name, const std::string& id) {
  return ContainerState{
      .id = id,
      .name = ContainerName(name),
      .image = "img:1",
      .labels = BuildContainerSpec({name, 1}, Spec(), "rtmanager").labels,
      .status = "running",
      .running = true,
  };
}

class ControllerTest : public ::testing::Test {
 protected:
  ControllerTest() {
    ON_CALL(desired_, List).WillByDefault(Return(std::vector<DesiredRuntime>{
        Desired("converged"), Desired("needs-start")}));
    ON_CALL(records_, List).WillByDefault(Return(std::vector<RuntimeRecord>{
        Record("converged", "c1")}));
    ON_CALL(engine_, ListContainers)
        .WillByDefault(Return(std::vector<ContainerState>{Running("converged", "c1")}));
    ON_CALL(statuses_, Get).WillByDefault(Return(RuntimeStatusView{}));
  }

  std::vector<std::string> Drain() {
    std::vector<std::string> names;
    while (auto name = queue_.TryGet()) {
      names.push_back(*name);
      queue_.Done(*name);
    }
    return names;
  }

  FakeClock clock_;
  NiceMock<MockDesiredStateStore> desired_;
  NiceMock<MockStatusStore> statuses_;
  NiceMock<MockRuntimeRecordStore> records_;
  NiceMock<MockOperationLogStore> operation_log_;
  NiceMock<MockContainerEngine> engine_;
  NiceMock<MockGameLeaseStore> leases_;
  NiceMock<MockTelemetry> telemetry_;
  NiceMock<MockLogger> logger_;
  NiceMock<MockTokenGenerator> tokens_;
  NiceMock<MockLifecycleOperations> operations_;
  TokenBucket unlimited_{clock_, 0, 1};
  LifecyclePorts ports_{records_, operation_log_, engine_, leases_,
                        telemetry_, logger_, clock_, tokens_};
  Reconciler reconciler_{ports_, operations_, desired_, statuses_, unlimited_,
                         ReconcilerConfig{}};
  WorkQueue queue_{clock_, BackoffPolicy{}};
  Controller controller_{reconciler_, queue_, desired_, records_, engine_, logger_,
                         telemetry_,
                         // An unreadable tree: the manifest sync changes nothing.
                         []() -> Expected<ManifestScan> {
                           return Fail(ErrorCode::kServiceUnavailable, "no tree");
                         },
                         ControllerOptions{}};
};

TEST_F(ControllerTest, ResyncEnqueuesOnlyGamesWithWorkFromOneEngineListing) {
  EXPECT_CALL(engine_, ListContainers).Times(1);

  controller_.Resync();

  EXPECT_THAT(Drain(), UnorderedElementsAre("needs-start"));
}

TEST_F(ControllerTest, ResyncEnqueuesGamesWithoutAStatusYet) {
  ON_CALL(statuses_, Get).WillByDefault([](std::string_view name) -> Expected<RuntimeStatusView> {
    if (name == "converged") return Fail(ErrorCode::kNotFound, "none");
    return RuntimeStatusView{};
  });

  controller_.Resync();

  EXPECT_THAT(Drain(), UnorderedElementsAre("converged", "needs-start"));
}

TEST_F(ControllerTest, ResyncFallsBackToEnqueueingEverythingWhenTheEngineIsDown) {
  ON_CALL(engine_, ListContainers)
      .WillByDefault(Return(Fail(ErrorCode::kServiceUnavailable, "down")));

  controller_.Resync();

  EXPECT_THAT(Drain(), UnorderedElementsAre("converged", "needs-start"));
}

TEST_F(ControllerTest, RestartRequestBumpsTheGenerationAndEnqueues) {
  DesiredRuntime written;
  EXPECT_CALL(desired_, Put(_)).WillOnce([&](const DesiredRuntime& runtime) {
    written = runtime;
    return Expected<void>();
  });

  auto generation = controller_.RequestRestart("needs-start", "req-1");

  ASSERT_TRUE(generation.has_value());
  EXPECT_EQ(*generation, 2);
  EXPECT_EQ(written.api_restart_count, 1);
  EXPECT_EQ(written.restart_source, OpSource::kRest);
  EXPECT_EQ(written.restart_source_ref, "req-1");
  EXPECT_THAT(Drain(), UnorderedElementsAre("needs-start"));
}

TEST_F(ControllerTest, RestartOfAnUnknownOrDeletedRuntimeIsRefused) {
  DesiredRuntime deleted = Desired("gone");
  deleted.deleted = true;
  ON_CALL(desired_, List).WillByDefault(Return(std::vector<DesiredRuntime>{deleted}));
  EXPECT_CALL(desired_, Put).Times(0);

  EXPECT_EQ(controller_.RequestRestart("ghost", "r").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(controller_.RequestRestart("gone", "r").error().code, ErrorCode::kConflict);
}

}  // namespace
}  // namespace rtm
