// The controller's enqueueing: the periodic resync decides every game against
// one engine listing and enqueues only those with work (no threads started).
#include "controller/app/controller.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "reconcile/domain/container_spec.h"
#include "reconcile/queue/token_bucket.h"
#include "test/mocks/fake_change_feed.h"
#include "test/mocks/fake_clock.h"
#include "test/mocks/mock_container_engine.h"
#include "test/mocks/mock_desired_state_store.h"
#include "test/mocks/mock_game_lease_store.h"
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
using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

using namespace std::chrono_literals;

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
    // What the last reconcile of "converged" reported.
    ON_CALL(statuses_, Get).WillByDefault(Return(
        RuntimeStatusView{.observed_generation = 1, .container_id = "c1"}));
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
  NiceMock<MockLogArchive> log_archive_;
  NiceMock<MockSecretSource> secrets_;
  NiceMock<MockLifecycleOperations> operations_;
  TokenBucket unlimited_{clock_, 0, 1};
  LifecyclePorts ports_{records_, operation_log_, engine_, leases_,
                        telemetry_, logger_, clock_, tokens_, log_archive_, secrets_};
  Reconciler reconciler_{ports_, operations_, desired_, statuses_, unlimited_,
                         ReconcilerConfig{}};
  WorkQueue queue_{clock_, BackoffPolicy{}};
  FakeChangeFeed feed_;
  Controller controller_{reconciler_, queue_, desired_, records_, feed_, engine_,
                         logger_, telemetry_, clock_,
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

TEST_F(ControllerTest, ResyncEnqueuesAConvergedGameWhoseStatusIsBehind) {
  // The controller died after a restart's record write, before its status
  // write: the engine and the record agree, the status shows the old one.
  ON_CALL(statuses_, Get).WillByDefault(Return(
      RuntimeStatusView{.observed_generation = 1, .container_id = "c0"}));

  controller_.Resync();

  EXPECT_THAT(Drain(), UnorderedElementsAre("converged", "needs-start"));
}

TEST_F(ControllerTest, ResyncFallsBackToEnqueueingEverythingWhenTheEngineIsDown) {
  ON_CALL(engine_, ListContainers)
      .WillByDefault(Return(Fail(ErrorCode::kServiceUnavailable, "down")));

  controller_.Resync();

  EXPECT_THAT(Drain(), UnorderedElementsAre("converged", "needs-start"));
}

TEST_F(ControllerTest, PlanFailsWhenASourceOfGamesCannotBeRead) {
  ON_CALL(records_, List).WillByDefault(Return(Fail(ErrorCode::kInternal, "corrupt")));

  auto plan = controller_.PlanAll();

  ASSERT_FALSE(plan.has_value());
  EXPECT_EQ(plan.error().code, ErrorCode::kInternal);
  EXPECT_EQ(plan.error().message, "list runtime records: corrupt");
}

TEST_F(ControllerTest, RelistQueuesWhatItCanReadWhenAStoreFails) {
  ON_CALL(records_, List).WillByDefault(Return(Fail(ErrorCode::kInternal, "corrupt")));
  EXPECT_CALL(logger_, Log(_, _, _)).Times(::testing::AnyNumber());
  EXPECT_CALL(logger_, Log(LogLevel::kWarn, _, _)).Times(1);

  controller_.EnqueueAll();

  EXPECT_THAT(Drain(), UnorderedElementsAre("converged", "needs-start"));
}

DesiredRuntime AtRevision(DesiredRuntime runtime, uint64_t revision) {
  runtime.revision = revision;
  return runtime;
}

TEST_F(ControllerTest, RestartRequestBumpsTheGenerationOverTheRevisionItRead) {
  ON_CALL(desired_, List).WillByDefault(Return(std::vector<DesiredRuntime>{
      AtRevision(Desired("needs-start"), 4)}));
  DesiredRuntime written;
  EXPECT_CALL(desired_, Put(_)).WillOnce([&](const DesiredRuntime& runtime) {
    written = runtime;
    return Expected<uint64_t>(9);
  });

  auto generation = controller_.RequestRestart("needs-start", "req-1", /*force=*/false,
                                               Requester{"ops", "10.0.0.5"});

  ASSERT_TRUE(generation.has_value());
  EXPECT_EQ(*generation, 2);
  EXPECT_EQ(written.revision, 4u);  // conditional on what was read
  EXPECT_EQ(written.api_restart_count, 1);
  EXPECT_EQ(written.restart_source, OpSource::kRest);
  EXPECT_EQ(written.restart_source_ref, "req-1");
  EXPECT_EQ(written.restart_requested_by, (Requester{"ops", "10.0.0.5"}));
}

TEST_F(ControllerTest, AForcedRestartSkipsTheDrainWaitUpToItsRestartGeneration) {
  DesiredRuntime stored = AtRevision(Desired("needs-start"), 4);
  stored.spec.restart_generation = 2;
  ON_CALL(desired_, List).WillByDefault(Return(std::vector<DesiredRuntime>{stored}));
  DesiredRuntime written;
  EXPECT_CALL(desired_, Put(_)).WillOnce([&](const DesiredRuntime& runtime) {
    written = runtime;
    return Expected<uint64_t>(9);
  });

  ASSERT_TRUE(controller_.RequestRestart("needs-start", "req-9", /*force=*/true));

  EXPECT_EQ(written.force_restart_generation, 3);  // 2 in the spec + 1 API restart
  EXPECT_TRUE(written.DrainSkipped(2));
  EXPECT_FALSE(written.DrainSkipped(3));
}

TEST_F(ControllerTest, RestartThatConflictsRereadsTheObjectAndBumpsItsCount) {
  ON_CALL(desired_, List).WillByDefault(Return(std::vector<DesiredRuntime>{
      AtRevision(Desired("needs-start"), 4)}));
  // Another writer bumped it meanwhile: revision 6, one restart already.
  DesiredRuntime moved = AtRevision(Desired("needs-start"), 6);
  moved.api_restart_count = 1;
  moved.generation = 2;
  EXPECT_CALL(desired_, Get(std::string_view("needs-start")))
      .WillOnce(Return(moved));
  std::vector<DesiredRuntime> writes;
  EXPECT_CALL(desired_, Put(_))
      .Times(2)
      .WillRepeatedly([&](const DesiredRuntime& runtime) -> Expected<uint64_t> {
        writes.push_back(runtime);
        if (runtime.revision != 6) return Fail(ErrorCode::kConflict, "moved");
        return 7;
      });

  auto generation = controller_.RequestRestart("needs-start", "req-2");

  ASSERT_TRUE(generation.has_value()) << generation.error().message;
  EXPECT_EQ(*generation, 3);
  ASSERT_EQ(writes.size(), 2u);
  EXPECT_EQ(writes[1].api_restart_count, 2);
  EXPECT_EQ(writes[1].restart_source_ref, "req-2");
}

TEST_F(ControllerTest, RestartGivesUpWhenTheObjectKeepsMoving) {
  ON_CALL(desired_, Get).WillByDefault(Return(AtRevision(Desired("needs-start"), 8)));
  EXPECT_CALL(desired_, Put(_))
      .Times(5)
      .WillRepeatedly(Return(Fail(ErrorCode::kConflict, "moved")));

  auto generation = controller_.RequestRestart("needs-start", "req-3");

  ASSERT_FALSE(generation.has_value());
  EXPECT_EQ(generation.error().code, ErrorCode::kConflict);
}

TEST_F(ControllerTest, ChangesOfAnotherWriterReachTheCacheAndQueueTheGame) {
  ON_CALL(engine_, WatchEvents).WillByDefault([](const auto&) {
    return Expected<std::unique_ptr<ContainerEventStream>>(
        Fail(ErrorCode::kServiceUnavailable, "down"));
  });
  Controller controller{reconciler_, queue_, desired_, records_, feed_, engine_,
                        logger_, telemetry_, clock_,
                        []() -> Expected<ManifestScan> {
                          return Fail(ErrorCode::kServiceUnavailable, "no tree");
                        },
                        ControllerOptions{.workers = 0}};
  controller.Start();
  Drain();  // what the start-up resync queued

  // Another writer restarts "converged": its change is in the feed only.
  DesiredRuntime bumped = Desired("converged");
  bumped.api_restart_count = 7;
  bumped.generation = 8;
  feed_.Push(RuntimeChange{.revision = 50,
                           .part = RuntimePart::kDesired,
                           .name = "converged",
                           .desired = std::make_shared<DesiredRuntime>(AtRevision(bumped, 50))});
  // A status change queues nothing.
  feed_.Push(RuntimeChange{.part = RuntimePart::kStatus,
                           .name = "needs-start",
                           .desired = std::make_shared<DesiredRuntime>(Desired("needs-start")),
                           .status = std::make_shared<RuntimeStatusView>()});
  EXPECT_EQ(queue_.Get(), std::optional<std::string>("converged"));
  queue_.Done("converged");

  DesiredRuntime written;
  EXPECT_CALL(desired_, Put(_)).WillOnce([&](const DesiredRuntime& runtime) {
    written = runtime;
    return Expected<uint64_t>(52);
  });
  auto generation = controller.RequestRestart("converged", "req-4");
  ASSERT_TRUE(generation.has_value());
  EXPECT_EQ(*generation, 9);
  EXPECT_EQ(written.revision, 50u);
  EXPECT_EQ(written.api_restart_count, 8);
  controller.Stop();
  EXPECT_THAT(Drain(), ::testing::IsEmpty());
}

TEST_F(ControllerTest, RequestedSyncRunsOnTheSyncThreadAndCoalescesRequests) {
  ON_CALL(engine_, WatchEvents).WillByDefault([](const auto&) {
    return Expected<std::unique_ptr<ContainerEventStream>>(
        Fail(ErrorCode::kServiceUnavailable, "down"));
  });
  std::mutex mutex;
  std::condition_variable changed;
  bool armed = false;
  bool released = false;
  int scans = 0;
  std::thread::id scanned_on;
  Controller controller{reconciler_, queue_, desired_, records_, feed_, engine_,
                        logger_, telemetry_, clock_,
                        [&]() -> Expected<ManifestScan> {
                          std::unique_lock lock(mutex);
                          if (armed) {
                            ++scans;
                            scanned_on = std::this_thread::get_id();
                            changed.notify_all();
                            changed.wait(lock, [&] { return released; });
                          }
                          return Fail(ErrorCode::kServiceUnavailable, "no tree");
                        },
                        ControllerOptions{.workers = 0}};
  controller.Start();
  {
    std::lock_guard lock(mutex);
    armed = true;
  }

  controller.RequestManifestSync();  // the scan it causes blocks, not this call
  {
    std::unique_lock lock(mutex);
    ASSERT_TRUE(changed.wait_for(lock, std::chrono::seconds(30), [&] { return scans == 1; }));
    EXPECT_NE(scanned_on, std::this_thread::get_id());
  }
  controller.RequestManifestSync();  // both while the first sync runs
  controller.RequestManifestSync();
  {
    std::lock_guard lock(mutex);
    released = true;
    changed.notify_all();
  }
  {
    std::unique_lock lock(mutex);
    ASSERT_TRUE(changed.wait_for(lock, std::chrono::seconds(30), [&] { return scans == 2; }));
  }
  controller.Stop();

  std::lock_guard lock(mutex);
  EXPECT_EQ(scans, 2);  // the two requests made one more sync
}

// The writer held a removal: the sync thread syncs again when it is due,
// with no request and no resync, and the removal lands once the grace has
// passed on the controller's clock.
TEST_F(ControllerTest, AHeldRemovalIsSyncedAgainWhenDue) {
  ON_CALL(engine_, WatchEvents).WillByDefault([](const auto&) {
    return Expected<std::unique_ptr<ContainerEventStream>>(
        Fail(ErrorCode::kServiceUnavailable, "down"));
  });
  ON_CALL(desired_, List).WillByDefault(Return(std::vector<DesiredRuntime>{}));
  std::mutex mutex;
  std::condition_variable changed;
  int scans = 0;
  bool declared = true;
  std::vector<DesiredRuntime> written;
  ON_CALL(desired_, Put).WillByDefault([&](const DesiredRuntime& runtime) {
    std::lock_guard lock(mutex);
    written.push_back(runtime);
    changed.notify_all();
    return Expected<uint64_t>(written.size());
  });
  Controller controller{reconciler_, queue_, desired_, records_, feed_, engine_,
                        logger_, telemetry_, clock_,
                        [&]() -> Expected<ManifestScan> {
                          std::lock_guard lock(mutex);
                          ++scans;
                          changed.notify_all();
                          ScannedFile file{"a.yaml", {}, {}};
                          if (declared) {
                            file.runtimes.push_back(DeclaredRuntime{
                                .name = "one", .spec = Spec(), .source = {"a.yaml", 0, 1}});
                          }
                          return ManifestScan{.files = {file}};
                        },
                        ControllerOptions{.workers = 0,
                                          .manifest_sync = {.removal_grace = 20ms}}};
  controller.Start();  // its first sync declares "one"
  {
    std::lock_guard lock(mutex);
    ASSERT_EQ(written.size(), 1u);
    declared = false;
  }
  controller.RequestManifestSync();
  {
    std::unique_lock lock(mutex);
    // The clock stands still: the removal stays held, and the sync thread
    // keeps looking again every 20 ms without being asked.
    ASSERT_TRUE(changed.wait_for(lock, 30s, [&] { return scans >= 4; }));
    EXPECT_EQ(written.size(), 1u) << "removed before the grace passed";
  }
  clock_.Advance(20ms);
  {
    std::unique_lock lock(mutex);
    ASSERT_TRUE(changed.wait_for(lock, 30s, [&] { return written.size() == 2; }));
    EXPECT_TRUE(written[1].deleted);
  }
  controller.Stop();
}

TEST_F(ControllerTest, RestartOfAnUnknownOrDeletedRuntimeIsRefused) {
  DesiredRuntime deleted = Desired("gone");
  deleted.deleted = true;
  ON_CALL(desired_, List).WillByDefault(Return(std::vector<DesiredRuntime>{deleted}));
  EXPECT_CALL(desired_, Put).Times(0);

  EXPECT_EQ(controller_.RequestRestart("ghost", "r").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(controller_.RequestRestart("gone", "r").error().code, ErrorCode::kConflict);
  EXPECT_THAT(controller_.RequestRestart("gone", "r").error().message,
              HasSubstr("--force skips the drain wait of its removal"));
}

TEST_F(ControllerTest, AForcedRequestForARemovedRuntimeSkipsItsRemovalsDrainWait) {
  DesiredRuntime deleted = AtRevision(Desired("gone"), 4);
  deleted.deleted = true;
  deleted.generation = 3;
  deleted.spec.restart_generation = 2;
  ON_CALL(desired_, List).WillByDefault(Return(std::vector<DesiredRuntime>{deleted}));
  DesiredRuntime written;
  EXPECT_CALL(desired_, Put(_)).WillOnce([&](const DesiredRuntime& runtime) {
    written = runtime;
    return Expected<uint64_t>(5);
  });

  auto generation = controller_.RequestRestart("gone", "r", /*force=*/true);
  ASSERT_TRUE(generation) << generation.error().message;
  EXPECT_EQ(*generation, 3);  // nothing restarts: the generation stays
  EXPECT_EQ(written.generation, 3);
  EXPECT_EQ(written.api_restart_count, 0);
  EXPECT_TRUE(written.deleted);
  EXPECT_TRUE(written.DrainSkipped(2));  // the container it removes
  // Asked again: already forced, nothing to write (Put once above).
  EXPECT_EQ(controller_.RequestRestart("gone", "r2", /*force=*/true).value_or(-1), 3);
}

// Container events a test feeds to the controller's events loop.
class EventFeed {
 public:
  void Push(ContainerEvent event) {
    std::lock_guard lock(mutex_);
    events_.push_back(std::move(event));
    changed_.notify_all();
  }
  Expected<std::optional<ContainerEvent>> Next(Duration wait) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, wait, [this] { return !events_.empty(); });
    if (events_.empty()) return std::optional<ContainerEvent>();
    ContainerEvent event = std::move(events_.front());
    events_.pop_front();
    return std::optional<ContainerEvent>(std::move(event));
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<ContainerEvent> events_;
};

class FedEventStream : public ContainerEventStream {
 public:
  explicit FedEventStream(EventFeed& feed) : feed_(feed) {}
  Expected<std::optional<ContainerEvent>> Next(Duration wait) override {
    return feed_.Next(wait);
  }

 private:
  EventFeed& feed_;
};

// The reconcile results the workers report, in order.
class ReconcileLog {
 public:
  void Add(std::string_view result) {
    std::lock_guard lock(mutex_);
    results_.emplace_back(result);
    changed_.notify_all();
  }
  // The first `count` results, once there are that many (empty after 10 s).
  std::vector<std::string> First(size_t count) {
    std::unique_lock lock(mutex_);
    if (!changed_.wait_for(lock, std::chrono::seconds(10),
                           [&] { return results_.size() >= count; })) {
      return {};
    }
    return {results_.begin(), results_.begin() + static_cast<long>(count)};
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> results_;
};

ContainerEvent Event(const std::string& name, std::string action, Timestamp at) {
  return ContainerEvent{.action = std::move(action),
                        .container_id = "c1",
                        .attributes = {{std::string(kLabelGame), name}},
                        .time = at};
}

// A controller over one converged game whose engine events the test feeds,
// reporting each reconcile's result.
class ControllerEventsTest : public ControllerTest {
 protected:
  ControllerEventsTest() {
    ON_CALL(desired_, List).WillByDefault(Return(std::vector<DesiredRuntime>{
        Desired("converged")}));
    ON_CALL(desired_, Get).WillByDefault(Return(Desired("converged")));
    ON_CALL(records_, Get).WillByDefault(Return(Record("converged", "c1")));
    ON_CALL(engine_, WatchEvents).WillByDefault([this](const auto&) {
      return Expected<std::unique_ptr<ContainerEventStream>>(
          std::make_unique<FedEventStream>(events_));
    });
    ON_CALL(telemetry_, RecordReconcile).WillByDefault([this](std::string_view result) {
      reconciles_.Add(result);
    });
  }

  EventFeed events_;
  ReconcileLog reconciles_;
  Controller controller{reconciler_, queue_, desired_, records_, feed_, engine_,
                        logger_, telemetry_, clock_,
                        []() -> Expected<ManifestScan> {
                          return Fail(ErrorCode::kServiceUnavailable, "no tree");
                        },
                        ControllerOptions{.workers = 1}};
};

TEST_F(ControllerEventsTest, EventsThatArrivedBeforeAConvergedObservationAreSkipped) {
  // One listing at start (the resync), then one per reconcile that runs.
  EXPECT_CALL(engine_, ListContainers).Times(3);
  controller.Start();
  const Timestamp observed = clock_.Now();  // the clock stands still

  // No converged reconcile yet: an event reconciles, and converges.
  events_.Push(Event("converged", "start", observed));
  ASSERT_THAT(reconciles_.First(1), ElementsAre("converged"));
  // Arrived before that reconcile's observation began (as if queued while
  // it ran): already seen, whatever the engine stamped on it.
  clock_.Set(observed - std::chrono::milliseconds(1));
  events_.Push(Event("converged", "die", observed + std::chrono::hours(1)));
  ASSERT_THAT(reconciles_.First(2), ElementsAre("converged", "skipped"));
  // Arrived in the observation's millisecond: it may be newer, so it runs.
  clock_.Set(observed);
  events_.Push(Event("converged", "die", observed - std::chrono::hours(1)));
  EXPECT_THAT(reconciles_.First(3), ElementsAre("converged", "skipped", "converged"));

  controller.Stop();
}

// docs/reliability.md "Clock independence": a tcp:// engine on a host whose
// clock is an hour behind stamps a new event an hour before the
// controller's last observation; it must still be reconciled.
TEST_F(ControllerEventsTest, AnEngineWhoseClockIsBehindDoesNotHideANewEvent) {
  EXPECT_CALL(engine_, ListContainers).Times(3);
  controller.Start();
  const Timestamp observed = clock_.Now();
  events_.Push(Event("converged", "start", observed - std::chrono::hours(1)));
  ASSERT_THAT(reconciles_.First(1), ElementsAre("converged"));

  clock_.Advance(std::chrono::seconds(1));  // the container dies later
  events_.Push(Event("converged", "die", observed - std::chrono::hours(1) +
                                             std::chrono::seconds(1)));
  EXPECT_THAT(reconciles_.First(2), ElementsAre("converged", "converged"));

  controller.Stop();
}

}  // namespace
}  // namespace rtm
