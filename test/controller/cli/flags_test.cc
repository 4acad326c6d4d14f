#include "controller/cli/flags.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace rtm {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const std::vector<FlagSpec> kSpecs{
    {"workers", true, "parallel reconciles"},
    {"resync", true, "resync period"},
    {"wait", false, "wait for convergence"},
};

TEST(FlagsTest, ParsesBothValueFormsBooleansAndPositionals) {
  auto parsed = ParsedFlags::Parse(
      {"run", "--workers", "4", "--resync=5m", "--wait", "x"}, kSpecs);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->GetInt("workers", 8, 1, 64), 4);
  EXPECT_EQ(parsed->GetDuration("resync", Duration{0}),
            std::chrono::minutes(5));
  EXPECT_TRUE(parsed->Has("wait"));
  EXPECT_THAT(parsed->positional(), ElementsAre("run", "x"));
}

TEST(FlagsTest, UnknownFlagAndMissingValueAreNamed) {
  EXPECT_EQ(ParsedFlags::Parse({"--wrokers", "2"}, kSpecs).error().message,
            "unknown flag --wrokers");
  EXPECT_EQ(ParsedFlags::Parse({"--workers"}, kSpecs).error().message,
            "flag --workers needs a value");
  EXPECT_EQ(ParsedFlags::Parse({"--wait=yes"}, kSpecs).error().message,
            "flag --wait takes no value");
}

const std::vector<FlagSpec> kShortSpecs{
    {"output", true, "json | yaml", 'o'},
    {"help", false, "this help", 'h'},
};

TEST(FlagsTest, ShortNamesTakeSeparateAttachedAndEqualsValues) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"-o", "json"}, {"-ojson"}, {"-o=json"},
                                             {"--output", "json"}}) {
    auto parsed = ParsedFlags::Parse(args, kShortSpecs);
    ASSERT_TRUE(parsed.has_value()) << ::testing::PrintToString(args);
    EXPECT_EQ(parsed->Get("output", ""), "json") << ::testing::PrintToString(args);
  }
  auto help = ParsedFlags::Parse({"x", "-h"}, kShortSpecs);
  ASSERT_TRUE(help.has_value());
  EXPECT_TRUE(help->Has("help"));
  EXPECT_THAT(help->positional(), ElementsAre("x"));
}

TEST(FlagsTest, UnknownShortFlagsAreErrorsButDashAndNumbersArePositional) {
  EXPECT_EQ(ParsedFlags::Parse({"-x"}, kShortSpecs).error().message, "unknown flag -x");
  EXPECT_EQ(ParsedFlags::Parse({"-o"}, kShortSpecs).error().message,
            "flag --output needs a value");
  EXPECT_EQ(ParsedFlags::Parse({"-hx"}, kShortSpecs).error().message,
            "flag --help takes no value");
  EXPECT_EQ(ParsedFlags::Parse({"-w"}, kSpecs).error().message, "unknown flag -w");
  auto parsed = ParsedFlags::Parse({"-", "-5", "--", "-o"}, kShortSpecs);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_THAT(parsed->positional(), ElementsAre("-", "-5", "-o"));
}

TEST(FlagsTest, HelpShowsShortNames) {
  EXPECT_EQ(FormatFlagHelp(kShortSpecs),
            "  -o, --output VALUE         json | yaml\n"
            "  -h, --help                 this help\n");
  EXPECT_EQ(FormatFlagHelp({{"workers", true, "parallel reconciles"}}),
            "  --workers VALUE            parallel reconciles\n");
}

TEST(FlagsTest, OutOfRangeIntegerIsAnError) {
  auto parsed = ParsedFlags::Parse({"--workers", "0"}, kSpecs);
  ASSERT_TRUE(parsed.has_value());
  auto workers = parsed->GetInt("workers", 8, 1, 64);
  ASSERT_FALSE(workers.has_value());
  EXPECT_EQ(workers.error().message,
            "flag --workers: \"0\" is not an integer in 1..64");
}

TEST(FlagsTest, GetAllKeepsEveryValueOfARepeatedFlagInOrder) {
  const std::vector<FlagSpec> specs{
      {"label", true, "k=v (repeatable)", 'l'},
      {"workers", true, "parallel reconciles"},
      {"wait", false, "wait for convergence"},
  };
  auto parsed = ParsedFlags::Parse({"--label", "a=1", "x", "--label=b=2", "-l", "c=3",
                                    "-ld=4", "--workers", "2", "--label", "a=1", "--wait"},
                                   specs);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_THAT(parsed->GetAll("label"), ElementsAre("a=1", "b=2", "c=3", "d=4", "a=1"));
  EXPECT_EQ(parsed->Get("label", ""), "a=1");  // Get: the last one
  EXPECT_THAT(parsed->GetAll("workers"), ElementsAre("2"));
  EXPECT_THAT(parsed->positional(), ElementsAre("x"));
  // A flag not given, a boolean flag, an unknown name: nothing.
  EXPECT_THAT(parsed->GetAll("resync"), ::testing::IsEmpty());
  EXPECT_THAT(parsed->GetAll("wait"), ::testing::IsEmpty());
  EXPECT_TRUE(parsed->Has("wait"));
  // An empty value is a value.
  auto empty = ParsedFlags::Parse({"--label="}, specs);
  ASSERT_TRUE(empty.has_value());
  EXPECT_THAT(empty->GetAll("label"), ElementsAre(""));
}

TEST(DurationTest, ParsesEveryUnitAndSums) {
  EXPECT_EQ(ParseDuration("250ms"), std::chrono::milliseconds(250));
  EXPECT_EQ(ParseDuration("5s"), std::chrono::seconds(5));
  EXPECT_EQ(ParseDuration("5m"), std::chrono::minutes(5));
  EXPECT_EQ(ParseDuration("1h"), std::chrono::hours(1));
  EXPECT_EQ(ParseDuration("1m30s"), std::chrono::seconds(90));
}

TEST(DurationTest, RejectsMissingOrUnknownUnitsAndNegatives) {
  EXPECT_THAT(ParseDuration("5").error().message, HasSubstr("has no unit"));
  EXPECT_THAT(ParseDuration("5d").error().message,
              HasSubstr("unknown unit \"d\""));
  EXPECT_THAT(ParseDuration("-5s").error().message, HasSubstr("non-negative"));
  EXPECT_FALSE(ParseDuration("").has_value());
}

}  // namespace
}  // namespace rtm
