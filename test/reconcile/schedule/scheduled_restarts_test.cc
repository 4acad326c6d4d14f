#include "reconcile/schedule/scheduled_restarts.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "reconcile/domain/container_spec.h"
#include "test/mocks/fake_clock.h"
#include "test/mocks/mock_container_engine.h"
#include "test/mocks/mock_desired_state_store.h"
#include "test/mocks/mock_game_ownership.h"
#include "test/mocks/mock_logger.h"
#include "test/mocks/mock_time_zones.h"
#include "test/reconcile/schedule/fake_time_zone.h"

namespace rtm {
namespace {

using namespace std::chrono;
using ::testing::_;
using ::testing::HasSubstr;
using ::testing::InSequence;
using ::testing::NiceMock;
using ::testing::Return;
using ::testing::StrictMock;

Timestamp At(std::string_view rfc3339) { return *ParseRfc3339(rfc3339); }

// "lobby" restarts daily at 04:00 UTC with warnings 15 and 1 minutes
// before; its schedule was declared at midnight; it runs container c1.
class ScheduledRestartsTest : public ::testing::Test {
 protected:
  ScheduledRestartsTest() {
    lobby_.name = "lobby";
    lobby_.generation = 3;
    lobby_.revision = 7;
    lobby_.spec.image = "img:1";
    lobby_.spec.restart_schedule = RestartSchedule{
        .cron = "0 4 * * *",
        .time_zone = "UTC",
        .warnings = {{.before_seconds = 60, .command = {"say", "1m"}},
                     {.before_seconds = 900, .command = {"say", "15m"}}}};
    lobby_.schedule_checked_through = At("2026-06-01T00:00:00Z");
    ON_CALL(desired_, List).WillByDefault([this] {
      return Expected<std::vector<DesiredRuntime>>(std::vector{lobby_});
    });
    ON_CALL(desired_, Put).WillByDefault([this](const DesiredRuntime& written) {
      written_.push_back(written);
      return Expected<uint64_t>(8);
    });
    ON_CALL(zones_, Locate).WillByDefault([this](std::string_view name)
                                              -> Expected<std::shared_ptr<const TimeZone>> {
      if (name != "UTC") return Fail(ErrorCode::kInvalidRequest, "unknown time zone");
      return utc_;
    });
    ContainerState running{.id = "c1", .running = true};
    ON_CALL(engine_, ListContainers).WillByDefault(Return(
        Expected<std::vector<ContainerState>>(std::vector{running})));
    ON_CALL(engine_, Exec).WillByDefault(Return(Expected<ExecResult>(ExecResult{0, "said\n"})));
  }

  ScheduledRestarts Make(GameOwnership* ownership = nullptr) {
    return ScheduledRestarts(desired_, engine_, zones_, clock_, logger_,
                             {.network = "net", .ownership = ownership});
  }

  DesiredRuntime lobby_;
  std::vector<DesiredRuntime> written_;
  FakeClock clock_{At("2026-06-01T01:00:00Z")};
  NiceMock<MockDesiredStateStore> desired_;
  NiceMock<MockContainerEngine> engine_;
  NiceMock<MockTimeZoneDatabase> zones_;
  NiceMock<MockLogger> logger_;
  std::shared_ptr<const TimeZone> utc_ = std::make_shared<FakeTimeZone>(
      std::vector<FakeTimeZone::Rule>{{floor<seconds>(At("2026-01-01T00:00:00Z")), seconds(0)}});
};

TEST_F(ScheduledRestartsTest, NothingIsDueBeforeTheFirstWarning) {
  ScheduledRestarts restarts = Make();
  EXPECT_CALL(engine_, Exec).Times(0);
  EXPECT_CALL(desired_, Put).Times(0);

  EXPECT_EQ(restarts.RunDue(), At("2026-06-01T01:01:00Z"));  // the idle recheck, 60s
}

TEST_F(ScheduledRestartsTest, WarningsRunInTheContainerInOrderThenTheRestartIsRequested) {
  ScheduledRestarts restarts = Make();
  {
    InSequence order;
    EXPECT_CALL(engine_, Exec("c1", std::vector<std::string>{"say", "15m"}, Duration(seconds(10))));
    EXPECT_CALL(engine_, Exec("c1", std::vector<std::string>{"say", "1m"}, Duration(seconds(10))));
  }
  clock_.Set(At("2026-06-01T03:45:00Z"));
  EXPECT_EQ(restarts.RunDue(), At("2026-06-01T03:45:00Z"));  // look again at once
  EXPECT_EQ(restarts.RunDue(), At("2026-06-01T03:46:00Z"));  // idle recheck first
  clock_.Set(At("2026-06-01T03:58:30Z"));
  EXPECT_EQ(restarts.RunDue(), At("2026-06-01T03:59:00Z"));  // the next warning
  clock_.Set(At("2026-06-01T03:59:00Z"));
  restarts.RunDue();
  EXPECT_EQ(restarts.RunDue(), At("2026-06-01T04:00:00Z"));
  EXPECT_TRUE(written_.empty());

  clock_.Set(At("2026-06-01T04:00:00.050Z"));
  restarts.RunDue();

  ASSERT_EQ(written_.size(), 1u);
  const DesiredRuntime& bumped = written_[0];
  EXPECT_EQ(bumped.api_restart_count, lobby_.api_restart_count + 1);
  EXPECT_EQ(bumped.generation, 4);
  EXPECT_EQ(bumped.revision, 7u);  // conditional on what was read
  EXPECT_EQ(bumped.restart_source, OpSource::kSchedule);
  EXPECT_EQ(bumped.restart_source_ref, "schedule@2026-06-01T04:00:00.000Z");
  EXPECT_EQ(bumped.schedule_checked_through, At("2026-06-01T04:00:00Z"));
}

TEST_F(ScheduledRestartsTest, AWarningWithoutARunningContainerIsLoggedAndTheRestartStillComes) {
  ON_CALL(engine_, ListContainers).WillByDefault(Return(
      Expected<std::vector<ContainerState>>(std::vector<ContainerState>{})));
  EXPECT_CALL(engine_, Exec).Times(0);
  EXPECT_CALL(logger_, Log).Times(::testing::AnyNumber());
  EXPECT_CALL(logger_, Log(LogLevel::kWarn, "schedule warning not run", _)).Times(2);
  ScheduledRestarts restarts = Make();
  clock_.Set(At("2026-06-01T03:59:30Z"));
  restarts.RunDue();
  clock_.Set(At("2026-06-01T04:00:00Z"));

  restarts.RunDue();

  ASSERT_EQ(written_.size(), 1u);
  EXPECT_EQ(written_[0].restart_source, OpSource::kSchedule);
}

TEST_F(ScheduledRestartsTest, ARestartMissedBeyondItsDeadlineIsSkippedNotRequested) {
  lobby_.spec.restart_schedule->starting_deadline_seconds = 600;
  clock_.Set(At("2026-06-01T05:00:00Z"));
  EXPECT_CALL(logger_, Log(LogLevel::kWarn, "scheduled restart missed beyond its deadline", _));
  ScheduledRestarts restarts = Make();

  restarts.RunDue();

  ASSERT_EQ(written_.size(), 1u);
  EXPECT_EQ(written_[0].api_restart_count, lobby_.api_restart_count);
  EXPECT_EQ(written_[0].generation, 3);
  EXPECT_EQ(written_[0].schedule_checked_through, At("2026-06-01T04:00:00Z"));
}

TEST_F(ScheduledRestartsTest, AConflictingWriteIsDecidedAgainSoon) {
  ON_CALL(desired_, Put).WillByDefault(Return(Expected<uint64_t>(
      Fail(ErrorCode::kConflict, "moved"))));
  clock_.Set(At("2026-06-01T04:00:00Z"));
  ScheduledRestarts restarts = Make();

  EXPECT_EQ(restarts.RunDue(), At("2026-06-01T04:00:01Z"));
}

TEST_F(ScheduledRestartsTest, AGameOfAnotherNodeIsLeftToItsOwner) {
  NiceMock<MockGameOwnership> ownership;
  ON_CALL(ownership, Check).WillByDefault(Return(Ownership{.kind = Ownership::Kind::kElsewhere}));
  clock_.Set(At("2026-06-01T04:00:00Z"));
  ScheduledRestarts restarts = Make(&ownership);
  EXPECT_CALL(desired_, Put).Times(0);

  restarts.RunDue();
}

TEST_F(ScheduledRestartsTest, AnUnknownTimeZoneIsLoggedOnceAndNothingRuns) {
  lobby_.spec.restart_schedule->time_zone = "Mars/Olympus";
  clock_.Set(At("2026-06-01T04:00:00Z"));
  EXPECT_CALL(logger_, Log(LogLevel::kError, "restart schedule cannot run", _)).Times(1);
  ScheduledRestarts restarts = Make();
  EXPECT_CALL(desired_, Put).Times(0);

  restarts.RunDue();
  restarts.RunDue();
}

TEST_F(ScheduledRestartsTest, AnUnreadableStoreIsRetriedSoon) {
  ON_CALL(desired_, List).WillByDefault(Return(Expected<std::vector<DesiredRuntime>>(
      Fail(ErrorCode::kServiceUnavailable, "no leader"))));
  ScheduledRestarts restarts = Make();

  EXPECT_EQ(restarts.RunDue(), At("2026-06-01T01:00:01Z"));
}

}  // namespace
}  // namespace rtm
