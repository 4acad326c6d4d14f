// SystemTimeZones against the machine's tz database (package tzdata), and
// the cron schedule through it across real DST changes.
#include "controller/system/system_time_zones.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "reconcile/domain/time.h"
#include "reconcile/schedule/cron.h"

namespace rtm {
namespace {

using ::testing::HasSubstr;

SysSeconds Utc(std::string_view rfc3339) {
  return std::chrono::floor<std::chrono::seconds>(*ParseRfc3339(rfc3339));
}
std::string Text(std::optional<SysSeconds> at) {
  return at ? FormatRfc3339(Timestamp(*at)) : "never";
}

TEST(SystemTimeZonesTest, AnUnknownZoneIsAnInvalidRequestNamingIt) {
  SystemTimeZones zones;
  auto zone = zones.Locate("Europe/Berln");
  ASSERT_FALSE(zone.has_value());
  EXPECT_EQ(zone.error().code, ErrorCode::kInvalidRequest);
  EXPECT_EQ(zone.error().message, "unknown time zone \"Europe/Berln\" (not in the tz database)");
}

TEST(SystemTimeZonesTest, BerlinResolvesGapsAndRepeatsAsTheTzDatabaseSays) {
  SystemTimeZones zones;
  auto berlin = zones.Locate("Europe/Berlin");
  ASSERT_TRUE(berlin.has_value()) << berlin.error().message;
  using std::chrono::hours;
  // 2026-03-29 02:30 local does not exist: clocks jump at 01:00Z.
  const LocalSeconds gap{(std::chrono::local_days{std::chrono::year{2026} / 3 / 29} + hours(2) +
                          std::chrono::minutes(30)).time_since_epoch()};
  TimeZone::Resolution resolved = (*berlin)->ToSys(gap);
  EXPECT_EQ(resolved.kind, TimeZone::Resolution::Kind::kNonexistent);
  EXPECT_EQ(Text(resolved.skipped_to), "2026-03-29T01:00:00.000Z");
  // 2026-10-25 02:30 local happens twice.
  const LocalSeconds twice{(std::chrono::local_days{std::chrono::year{2026} / 10 / 25} + hours(2) +
                            std::chrono::minutes(30)).time_since_epoch()};
  resolved = (*berlin)->ToSys(twice);
  EXPECT_EQ(resolved.kind, TimeZone::Resolution::Kind::kAmbiguous);
  EXPECT_EQ(Text(resolved.first), "2026-10-25T00:30:00.000Z");
  EXPECT_EQ(Text(resolved.second), "2026-10-25T01:30:00.000Z");
}

TEST(SystemTimeZonesTest, ADailyCronCrossesBothDstChangesOfTheYear) {
  SystemTimeZones zones;
  auto berlin = zones.Locate("Europe/Berlin");
  ASSERT_TRUE(berlin.has_value());
  const CronExpression cron = *CronExpression::Parse("30 2 * * *");
  // Spring forward: the skipped 02:30 fires at 03:00 CEST.
  std::optional<SysSeconds> at = NextFire(cron, **berlin, Utc("2026-03-28T12:00:00Z"));
  EXPECT_EQ(Text(at), "2026-03-29T01:00:00.000Z");
  EXPECT_EQ(Text(NextFire(cron, **berlin, *at)), "2026-03-30T00:30:00.000Z");
  // Fall back: the repeated 02:30 fires once.
  at = NextFire(cron, **berlin, Utc("2026-10-24T12:00:00Z"));
  EXPECT_EQ(Text(at), "2026-10-25T00:30:00.000Z");
  EXPECT_EQ(Text(NextFire(cron, **berlin, *at)), "2026-10-26T01:30:00.000Z");
}

TEST(SystemTimeZonesTest, NewYorkAndUtc) {
  SystemTimeZones zones;
  auto new_york = zones.Locate("America/New_York");
  auto utc = zones.Locate("UTC");
  ASSERT_TRUE(new_york.has_value());
  ASSERT_TRUE(utc.has_value());
  const CronExpression cron = *CronExpression::Parse("0 4 * * *");
  // EST (-5) in January, EDT (-4) in July.
  EXPECT_EQ(Text(NextFire(cron, **new_york, Utc("2026-01-10T00:00:00Z"))),
            "2026-01-10T09:00:00.000Z");
  EXPECT_EQ(Text(NextFire(cron, **new_york, Utc("2026-07-10T00:00:00Z"))),
            "2026-07-10T08:00:00.000Z");
  EXPECT_EQ(Text(NextFire(cron, **utc, Utc("2026-07-10T00:00:00Z"))),
            "2026-07-10T04:00:00.000Z");
}

}  // namespace
}  // namespace rtm
