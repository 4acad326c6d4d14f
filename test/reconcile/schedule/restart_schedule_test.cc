#include "reconcile/schedule/restart_schedule.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test/reconcile/schedule/fake_time_zone.h"

namespace rtm {
namespace {

using namespace std::chrono;
using ::testing::ElementsAre;
using Kind = ScheduleStep::Kind;

Timestamp At(std::string_view rfc3339) { return *ParseRfc3339(rfc3339); }

class DecideScheduleTest : public ::testing::Test {
 protected:
  ScheduleInput Input(Timestamp now) {
    return ScheduleInput{.cron = &cron_,
                         .zone = &utc_,
                         .warnings = warnings_,
                         .checked_through = At("2026-06-01T00:00:00Z"),
                         .now = now};
  }

  CronExpression cron_ = *CronExpression::Parse("0 4 * * *");  // 04:00Z daily
  FakeTimeZone utc_{{{floor<seconds>(At("2026-01-01T00:00:00Z")), seconds(0)}}};
  std::vector<ScheduleWarning> warnings_ = {
      {.before_seconds = 60, .command = {"say", "1 minute"}},
      {.before_seconds = 900, .command = {"say", "15 minutes"}},
      {.before_seconds = 300, .command = {"say", "5 minutes"}}};
};

TEST_F(DecideScheduleTest, BeforeAnyWarningItWaitsForTheEarliestWarning) {
  const ScheduleStep step = DecideSchedule(Input(At("2026-06-01T01:00:00Z")));
  EXPECT_EQ(step.kind, Kind::kWait);
  EXPECT_EQ(step.fire, At("2026-06-01T04:00:00Z"));
  EXPECT_EQ(step.next_at, At("2026-06-01T03:45:00Z"));
}

TEST_F(DecideScheduleTest, WarningsComeDueInOrderOfTheirOffsets) {
  ScheduleInput input = Input(At("2026-06-01T03:45:00Z"));
  ScheduleStep step = DecideSchedule(input);
  EXPECT_EQ(step.kind, Kind::kWarn);
  EXPECT_THAT(step.warnings, ElementsAre(1));  // 15 minutes
  input.warned = {900};
  step = DecideSchedule(input);
  EXPECT_EQ(step.kind, Kind::kWait);
  EXPECT_EQ(step.next_at, At("2026-06-01T03:55:00Z"));
}

TEST_F(DecideScheduleTest, WarningsWhoseTimePassedRunLateLongestFirst) {
  // The controller came back at 03:59:30: all three are due.
  ScheduleInput input = Input(At("2026-06-01T03:59:30Z"));
  const ScheduleStep step = DecideSchedule(input);
  EXPECT_EQ(step.kind, Kind::kWarn);
  EXPECT_THAT(step.warnings, ElementsAre(1, 2, 0));  // 15, 5, 1 minutes
  input.warned = {900, 300, 60};
  EXPECT_EQ(DecideSchedule(input).next_at, At("2026-06-01T04:00:00Z"));
}

TEST_F(DecideScheduleTest, AtTheScheduledInstantTheRestartIsRequested) {
  const ScheduleStep step = DecideSchedule(Input(At("2026-06-01T04:00:00.200Z")));
  EXPECT_EQ(step.kind, Kind::kRestart);
  EXPECT_EQ(step.fire, At("2026-06-01T04:00:00Z"));
}

TEST_F(DecideScheduleTest, RestartsMissedWhileDownRunOnceTheLatest) {
  // Down for three days: one restart, the one of the 4th.
  const ScheduleStep step = DecideSchedule(Input(At("2026-06-04T05:00:00Z")));
  EXPECT_EQ(step.kind, Kind::kRestart);
  EXPECT_EQ(step.fire, At("2026-06-04T04:00:00Z"));
}

TEST_F(DecideScheduleTest, AMissedRestartLaterThanItsDeadlineIsSkipped) {
  ScheduleInput input = Input(At("2026-06-01T04:10:01Z"));
  input.starting_deadline_seconds = 600;
  ScheduleStep step = DecideSchedule(input);
  EXPECT_EQ(step.kind, Kind::kSkipMissed);
  EXPECT_EQ(step.fire, At("2026-06-01T04:00:00Z"));
  input.now = At("2026-06-01T04:10:00Z");  // exactly at the deadline: still runs
  EXPECT_EQ(DecideSchedule(input).kind, Kind::kRestart);
}

TEST_F(DecideScheduleTest, AfterARequestTheNextDayIsAhead) {
  ScheduleInput input = Input(At("2026-06-01T04:00:01Z"));
  input.checked_through = At("2026-06-01T04:00:00Z");
  const ScheduleStep step = DecideSchedule(input);
  EXPECT_EQ(step.kind, Kind::kWait);
  EXPECT_EQ(step.fire, At("2026-06-02T04:00:00Z"));
}

TEST_F(DecideScheduleTest, ACronThatNeverFiresSaysSo) {
  cron_ = *CronExpression::Parse("0 0 30 2 *");
  EXPECT_EQ(DecideSchedule(Input(At("2026-06-01T01:00:00Z"))).kind, Kind::kNever);
}

}  // namespace
}  // namespace rtm
