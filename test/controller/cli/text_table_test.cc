#include "controller/cli/text_table.h"

#include <gtest/gtest.h>

namespace rtm {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

TEST(RenderTableTest, AlignsColumnsToTheWidestCellWithoutTrailingSpaces) {
  EXPECT_EQ(RenderTable({"NAME", "PHASE", "AGE"},
                        {{"lobby-eu-1", "Running", "5s"}, {"a", "Pending", "12m"}}),
            "NAME         PHASE     AGE\n"
            "lobby-eu-1   Running   5s\n"
            "a            Pending   12m\n");
}

TEST(RenderTableTest, EmptyAndMissingCellsAreDashesAndExtraCellsAreCut) {
  EXPECT_EQ(RenderTable({"A", "B", "C"}, {{"x", ""}, {"y", "z", "w", "extra"}}),
            "A   B   C\n"
            "x   -   -\n"
            "y   z   w\n");
}

TEST(RenderTableTest, IndentPrefixesEveryLine) {
  EXPECT_EQ(RenderTable({"K", "V"}, {{"a", "b"}}, "  "),
            "  K   V\n"
            "  a   b\n");
}

TEST(RenderTableTest, HeaderOnlyWhenThereIsNoRow) {
  EXPECT_EQ(RenderTable({"NAME", "AGE"}, {}), "NAME   AGE\n");
}

TEST(FormatAgeTest, UsesTheLargestWholeUnitLikeKubectl) {
  EXPECT_EQ(FormatAge(milliseconds(0)), "0s");
  EXPECT_EQ(FormatAge(milliseconds(999)), "0s");
  EXPECT_EQ(FormatAge(seconds(5)), "5s");
  EXPECT_EQ(FormatAge(seconds(59)), "59s");
  EXPECT_EQ(FormatAge(seconds(60)), "1m");
  EXPECT_EQ(FormatAge(minutes(3) + seconds(59)), "3m");
  EXPECT_EQ(FormatAge(minutes(59)), "59m");
  EXPECT_EQ(FormatAge(hours(2) + minutes(30)), "2h");
  EXPECT_EQ(FormatAge(hours(23)), "23h");
  EXPECT_EQ(FormatAge(hours(24 * 4 + 5)), "4d");
  EXPECT_EQ(FormatAge(hours(24 * 364)), "364d");
  EXPECT_EQ(FormatAge(hours(24 * 365 * 2 + 24)), "2y");
}

TEST(FormatAgeTest, SmallClockSkewIsZeroAndLargeIsInvalid) {
  EXPECT_EQ(FormatAge(milliseconds(-500)), "0s");
  EXPECT_EQ(FormatAge(seconds(-1)), "0s");
  EXPECT_EQ(FormatAge(seconds(-2)), "<invalid>");
}

TEST(AgeSinceTest, ParsesRfc3339AndShowsDashForAnythingElse) {
  const Timestamp now = *ParseRfc3339("2026-11-25T03:00:00.000Z");
  EXPECT_EQ(AgeSince("2026-11-25T02:57:00.000Z", now), "3m");
  EXPECT_EQ(AgeSince("2026-11-25T02:59:55Z", now), "5s");
  EXPECT_EQ(AgeSince("", now), "-");
  EXPECT_EQ(AgeSince("yesterday", now), "-");
}

TEST(ShortContainerIdTest, KeepsTwelveCharactersAndDashesEmpty) {
  EXPECT_EQ(ShortContainerId("4fd7a8d4db714f00b9b0a423968755442a2a6729"), "4fd7a8d4db71");
  EXPECT_EQ(ShortContainerId("abc"), "abc");
  EXPECT_EQ(ShortContainerId(""), "-");
}

}  // namespace
}  // namespace rtm
