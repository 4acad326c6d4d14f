#include "reconcile/schedule/cron.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "reconcile/domain/time.h"
#include "test/reconcile/schedule/fake_time_zone.h"

namespace rtm {
namespace {

using namespace std::chrono;
using ::testing::HasSubstr;

SysSeconds Utc(std::string_view rfc3339) {
  return floor<seconds>(*ParseRfc3339(rfc3339));
}
std::string Text(std::optional<SysSeconds> at) {
  return at ? FormatRfc3339(Timestamp(*at)) : "never";
}
CronExpression Cron(std::string_view text) {
  auto cron = CronExpression::Parse(text);
  EXPECT_TRUE(cron.has_value()) << text << ": " << cron.error().message;
  return *cron;
}

// Central Europe in 2026: CET (+1h); CEST (+2h) from 2026-03-29T01:00Z
// (02:00 local jumps to 03:00) until 2026-10-25T01:00Z (03:00 local goes
// back to 02:00).
const FakeTimeZone kBerlin({{Utc("2026-01-01T00:00:00Z"), hours(1)},
                            {Utc("2026-03-29T01:00:00Z"), hours(2)},
                            {Utc("2026-10-25T01:00:00Z"), hours(1)}});
const FakeTimeZone kUtc({{Utc("2026-01-01T00:00:00Z"), seconds(0)}});

TEST(CronExpressionTest, BadExpressionsNameTheFieldAndTheProblem) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"0 24 * * *", "hour: 24 is out of range 0-23"},
      {"61 * * * *", "minute: 61 is out of range 0-59"},
      {"* * 0 * *", "day-of-month: 0 is out of range 1-31"},
      {"* * * 13 *", "month: 13 is out of range 1-12"},
      {"* * * * 8", "day-of-week: 8 is out of range 0-7"},
      {"* * * FOO *", "month: \"FOO\" is not a number"},
      {"*/0 * * * *", "minute: bad step in \"*/0\""},
      {"5-1 * * * *", "minute: range \"5-1\" runs backwards"},
      {"1,,2 * * * *", "minute: empty list item"},
      {"* * * *", "want 5 fields"},
      {"0 * * * * * *", "got 7"},
      {"@reboot", "unknown macro @reboot"},
  };
  for (const auto& [text, message] : cases) {
    auto cron = CronExpression::Parse(text);
    ASSERT_FALSE(cron.has_value()) << text;
    EXPECT_EQ(cron.error().code, ErrorCode::kInvalidRequest);
    EXPECT_THAT(cron.error().message, HasSubstr(message)) << text;
  }
}

TEST(CronExpressionTest, FieldsListsRangesStepsAndNames) {
  const SysSeconds from = Utc("2026-06-01T00:00:00Z");  // a Monday
  EXPECT_EQ(Text(NextFire(Cron("0 4 * * *"), kUtc, from)), "2026-06-01T04:00:00.000Z");
  EXPECT_EQ(Text(NextFire(Cron("*/15 * * * *"), kUtc, Utc("2026-06-01T00:07:00Z"))),
            "2026-06-01T00:15:00.000Z");
  EXPECT_EQ(Text(NextFire(Cron("30 9-17/4 * * MON-FRI"), kUtc, Utc("2026-06-01T10:00:00Z"))),
            "2026-06-01T13:30:00.000Z");
  EXPECT_EQ(Text(NextFire(Cron("0 0 * * sun"), kUtc, from)), "2026-06-07T00:00:00.000Z");
  EXPECT_EQ(Text(NextFire(Cron("0 0 * * 7"), kUtc, from)), "2026-06-07T00:00:00.000Z");
  EXPECT_EQ(Text(NextFire(Cron("0 0 1 JAN,jul *"), kUtc, from)), "2026-07-01T00:00:00.000Z");
  EXPECT_EQ(Text(NextFire(Cron("5/20 * * * *"), kUtc, Utc("2026-06-01T00:26:00Z"))),
            "2026-06-01T00:45:00.000Z");
  EXPECT_EQ(Text(NextFire(Cron("@monthly"), kUtc, from)), "2026-07-01T00:00:00.000Z");
  EXPECT_EQ(Text(NextFire(Cron("@hourly"), kUtc, from)), "2026-06-01T01:00:00.000Z");
  // Six fields: seconds first.
  EXPECT_EQ(Text(NextFire(Cron("*/10 * * * * *"), kUtc, Utc("2026-06-01T00:00:01Z"))),
            "2026-06-01T00:00:10.000Z");
}

TEST(CronExpressionTest, DayOfMonthAndDayOfWeekBothRestrictedMatchEither) {
  // The 13th, or any Friday: from Monday 2026-06-01 the first is Friday the 5th.
  EXPECT_EQ(Text(NextFire(Cron("0 0 13 * FRI"), kUtc, Utc("2026-06-01T00:00:00Z"))),
            "2026-06-05T00:00:00.000Z");
  // Only the day of month restricted: the 13th.
  EXPECT_EQ(Text(NextFire(Cron("0 0 13 * *"), kUtc, Utc("2026-06-01T00:00:00Z"))),
            "2026-06-13T00:00:00.000Z");
}

TEST(CronExpressionTest, AnImpossibleDateNeverFires) {
  EXPECT_EQ(NextFire(Cron("0 0 30 2 *"), kUtc, Utc("2026-06-01T00:00:00Z")), std::nullopt);
}

TEST(CronExpressionTest, TheNextFireIsStrictlyAfterTheGivenInstant) {
  EXPECT_EQ(Text(NextFire(Cron("0 4 * * *"), kUtc, Utc("2026-06-01T04:00:00Z"))),
            "2026-06-02T04:00:00.000Z");
}

TEST(CronExpressionTest, WallClockTimesFollowTheZone) {
  // 04:00 in Berlin is 03:00Z in winter and 02:00Z in summer.
  EXPECT_EQ(Text(NextFire(Cron("0 4 * * *"), kBerlin, Utc("2026-02-01T00:00:00Z"))),
            "2026-02-01T03:00:00.000Z");
  EXPECT_EQ(Text(NextFire(Cron("0 4 * * *"), kBerlin, Utc("2026-06-01T00:00:00Z"))),
            "2026-06-01T02:00:00.000Z");
}

TEST(CronExpressionTest, ATimeSkippedBySpringForwardFiresRightAfterTheJump) {
  // 02:30 does not exist on 2026-03-29 in Berlin: it fires at 03:00 CEST
  // (01:00Z), once; the next day at 02:30 CEST again.
  const CronExpression cron = Cron("30 2 * * *");
  const SysSeconds first = *NextFire(cron, kBerlin, Utc("2026-03-28T12:00:00Z"));
  EXPECT_EQ(Text(first), "2026-03-29T01:00:00.000Z");
  EXPECT_EQ(Text(NextFire(cron, kBerlin, first)), "2026-03-30T00:30:00.000Z");
  // Every 15 minutes through the gap: 01:45 CET, then 03:00 CEST once.
  const CronExpression often = Cron("*/15 * * * *");
  SysSeconds at = *NextFire(often, kBerlin, Utc("2026-03-29T00:40:00Z"));
  EXPECT_EQ(Text(at), "2026-03-29T00:45:00.000Z");
  at = *NextFire(often, kBerlin, at);
  EXPECT_EQ(Text(at), "2026-03-29T01:00:00.000Z");
  at = *NextFire(often, kBerlin, at);
  EXPECT_EQ(Text(at), "2026-03-29T01:15:00.000Z");
}

TEST(CronExpressionTest, ATimeRepeatedByFallBackFiresOnceAtItsFirstOccurrence) {
  // 02:30 happens twice on 2026-10-25 in Berlin: 00:30Z (CEST) and 01:30Z
  // (CET). It fires at the first only; then on the 26th at 02:30 CET.
  const CronExpression cron = Cron("30 2 * * *");
  const SysSeconds first = *NextFire(cron, kBerlin, Utc("2026-10-24T12:00:00Z"));
  EXPECT_EQ(Text(first), "2026-10-25T00:30:00.000Z");
  EXPECT_EQ(Text(NextFire(cron, kBerlin, first)), "2026-10-26T01:30:00.000Z");
  // Asked from within the repeated hour (its second pass), it does not
  // fire 02:30 again.
  EXPECT_EQ(Text(NextFire(cron, kBerlin, Utc("2026-10-25T01:10:00Z"))),
            "2026-10-26T01:30:00.000Z");
  // An hourly cron through the repeated hour: 02:00 CEST, 02:00 CET is the
  // same wall clock (fired once), then 03:00 CET.
  const CronExpression hourly = Cron("0 * * * *");
  SysSeconds at = *NextFire(hourly, kBerlin, Utc("2026-10-24T23:30:00Z"));
  EXPECT_EQ(Text(at), "2026-10-25T00:00:00.000Z");  // 02:00 CEST
  at = *NextFire(hourly, kBerlin, at);
  EXPECT_EQ(Text(at), "2026-10-25T02:00:00.000Z");  // 03:00 CET
}

}  // namespace
}  // namespace rtm
