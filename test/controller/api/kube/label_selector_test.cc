// Label and field selectors as kubectl -l / --field-selector and client-go
// send them (controller/api/kube/label_selector.h).
#include "controller/api/kube/label_selector.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace rtm::kube {
namespace {

using ::testing::HasSubstr;
using Labels = std::map<std::string, std::string>;

bool Selects(std::string_view selector, const Labels& labels) {
  auto parsed = LabelSelector::Parse(selector);
  EXPECT_TRUE(parsed.has_value()) << selector << ": " << parsed.error().message;
  return parsed && parsed->Matches(labels);
}

TEST(LabelSelectorTest, EqualityRequirements) {
  const Labels eu{{"region", "eu"}, {"tier", "casual"}};
  EXPECT_TRUE(Selects("region=eu", eu));
  EXPECT_TRUE(Selects("region==eu", eu));
  EXPECT_FALSE(Selects("region=us", eu));
  EXPECT_TRUE(Selects("region!=us", eu));
  EXPECT_FALSE(Selects("region!=eu", eu));
  EXPECT_TRUE(Selects("mode!=ranked", eu)) << "!= holds for an absent label";
  EXPECT_TRUE(Selects("region=eu,tier=casual", eu));
  EXPECT_FALSE(Selects("region=eu,tier=ranked", eu));
  EXPECT_TRUE(Selects("", eu));
  EXPECT_TRUE(Selects(" region = eu ", eu));
}

TEST(LabelSelectorTest, SetBasedRequirements) {
  const Labels eu{{"region", "eu"}, {"example.com/tier", "casual"}};
  EXPECT_TRUE(Selects("region in (eu,us)", eu));
  EXPECT_TRUE(Selects("region in (us, eu)", eu));
  EXPECT_FALSE(Selects("region in (us)", eu));
  EXPECT_TRUE(Selects("region notin (us,ap)", eu));
  EXPECT_FALSE(Selects("region notin (eu)", eu));
  EXPECT_TRUE(Selects("mode notin (ranked)", eu)) << "notin holds for an absent label";
  EXPECT_TRUE(Selects("region", eu));
  EXPECT_FALSE(Selects("mode", eu));
  EXPECT_TRUE(Selects("!mode", eu));
  EXPECT_FALSE(Selects("!region", eu));
  EXPECT_TRUE(Selects("example.com/tier in (casual),region,!mode", eu));
}

TEST(LabelSelectorTest, MalformedSelectorsNameTheRequirement) {
  EXPECT_THAT(LabelSelector::Parse("region in (eu").error().message, HasSubstr("missing ')'"));
  EXPECT_THAT(LabelSelector::Parse("region within (eu)").error().message,
              HasSubstr("unknown operator \"within\""));
  EXPECT_THAT(LabelSelector::Parse("region in ()").error().message,
              HasSubstr("empty value list"));
  EXPECT_THAT(LabelSelector::Parse("=eu").error().message, HasSubstr("invalid label key"));
  EXPECT_THAT(LabelSelector::Parse("region=e u").error().message,
              HasSubstr("invalid label value \"e u\""));
  EXPECT_THAT(LabelSelector::Parse("region=eu,,tier=x").error().message,
              HasSubstr("empty requirement"));
  EXPECT_EQ(LabelSelector::Parse("region in (eu").error().code, ErrorCode::kInvalidRequest);
}

TEST(FieldSelectorTest, SelectsOnTheNameOnly) {
  auto one = FieldSelector::Parse("metadata.name=lobby");
  ASSERT_TRUE(one);
  EXPECT_TRUE(one->Matches("lobby"));
  EXPECT_FALSE(one->Matches("arena"));
  auto doubled = FieldSelector::Parse("metadata.name==lobby");
  ASSERT_TRUE(doubled);
  EXPECT_TRUE(doubled->Matches("lobby"));
  auto other = FieldSelector::Parse("metadata.name!=lobby");
  ASSERT_TRUE(other);
  EXPECT_FALSE(other->Matches("lobby"));
  EXPECT_TRUE(other->Matches("arena"));
  auto unsupported = FieldSelector::Parse("status.phase=Running");
  ASSERT_FALSE(unsupported);
  EXPECT_EQ(unsupported.error().code, ErrorCode::kInvalidRequest);
  EXPECT_THAT(unsupported.error().message,
              HasSubstr("field \"status.phase\" is not supported"));
  EXPECT_FALSE(FieldSelector::Parse("metadata.name").has_value());
}

TEST(PercentDecodeTest, DecodesEscapesAndRefusesMalformedOnes) {
  EXPECT_EQ(PercentDecode("metadata.name%3Dlobby").value(), "metadata.name=lobby");
  EXPECT_EQ(PercentDecode("region+in+%28eu%2Cus%29").value(), "region in (eu,us)");
  EXPECT_EQ(PercentDecode("%21mode").value(), "!mode");
  EXPECT_FALSE(PercentDecode("bad%2").has_value());
  EXPECT_FALSE(PercentDecode("bad%zz").has_value());
}

}  // namespace
}  // namespace rtm::kube
