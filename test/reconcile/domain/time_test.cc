#include "reconcile/domain/time.h"

#include <gtest/gtest.h>

#include "reconcile/domain/error.h"

namespace rtm {
namespace {

TEST(TimeTest, FormatsRfc3339UtcWithMilliseconds) {
  Timestamp at = Timestamp{std::chrono::sys_days{std::chrono::year{2026} /
                                                 std::chrono::November / 25}} +
                 std::chrono::hours{2} + std::chrono::minutes{4} +
                 std::chrono::seconds{34} + std::chrono::milliseconds{5};
  EXPECT_EQ(FormatRfc3339(at), "2026-11-25T02:04:34.005Z");
  EXPECT_EQ(ParseRfc3339(FormatRfc3339(at)), at);
}

TEST(TimeTest, ParsesWithoutFractionAndRejectsGarbage) {
  EXPECT_TRUE(ParseRfc3339("2026-01-02T03:04:05Z").has_value());
  EXPECT_FALSE(ParseRfc3339("2026-01-02 03:04:05").has_value());
  EXPECT_FALSE(ParseRfc3339("2026-13-02T03:04:05Z").has_value());
  EXPECT_FALSE(ParseRfc3339("2026-01-02T03:04:05+01:00").has_value());
}

TEST(ErrorCodeTest, WireNamesRoundTrip) {
  for (ErrorCode code :
       {ErrorCode::kInvalidRequest, ErrorCode::kNotFound, ErrorCode::kConflict,
        ErrorCode::kServiceUnavailable, ErrorCode::kImageNotFound,
        ErrorCode::kStartFailed, ErrorCode::kInternal}) {
    EXPECT_EQ(ParseErrorCode(ToString(code)), code);
  }
  EXPECT_EQ(ToString(ErrorCode::kServiceUnavailable), "service_unavailable");
  EXPECT_FALSE(ParseErrorCode("nope").has_value());
}

TEST(FormatDurationTest, WholeSecondsInAtMostTwoUnits) {
  using namespace std::chrono;
  EXPECT_EQ(FormatDuration(milliseconds(0)), "0s");
  EXPECT_EQ(FormatDuration(milliseconds(999)), "0s");
  EXPECT_EQ(FormatDuration(seconds(45)), "45s");
  EXPECT_EQ(FormatDuration(seconds(60)), "1m");
  EXPECT_EQ(FormatDuration(seconds(192)), "3m12s");
  EXPECT_EQ(FormatDuration(hours(2) + minutes(5) + seconds(9)), "2h5m");
  EXPECT_EQ(FormatDuration(hours(76)), "3d4h");
  EXPECT_EQ(FormatDuration(seconds(-5)), "0s");
}

}  // namespace
}  // namespace rtm
