#include "reconcile/domain/disruption_budget.h"

#include <gtest/gtest.h>

namespace rtm {
namespace {

DisruptionBudget Budget(std::map<std::string, std::string> match_labels) {
  return DisruptionBudget{.name = "fleet",
                          .match_labels = std::move(match_labels),
                          .max_unavailable = {.value = 10, .percent = true},
                          .min_ready_seconds = 5,
                          .source = {.path = "budgets.yaml",
                                     .document_index = 1,
                                     .line = 7}};
}

TEST(ParseMaxUnavailableTest, AcceptsACountOrAPercentage) {
  EXPECT_EQ(ParseMaxUnavailable("0"), (MaxUnavailable{.value = 0}));
  EXPECT_EQ(ParseMaxUnavailable("3"), (MaxUnavailable{.value = 3}));
  EXPECT_EQ(ParseMaxUnavailable("10%"),
            (MaxUnavailable{.value = 10, .percent = true}));
  EXPECT_EQ(ParseMaxUnavailable("0%"),
            (MaxUnavailable{.value = 0, .percent = true}));
  EXPECT_EQ(ParseMaxUnavailable("100%"),
            (MaxUnavailable{.value = 100, .percent = true}));
  // A count has no upper bound of 100.
  EXPECT_EQ(ParseMaxUnavailable("150"), (MaxUnavailable{.value = 150}));
}

TEST(ParseMaxUnavailableTest, RejectsAnythingElse) {
  for (std::string_view text :
       {"101%", "-1", "-1%", "3x", "%", "", "+3", " 3", "3 ", "10%%", "1.5",
        "x%", "99999999999999999999"}) {
    EXPECT_EQ(ParseMaxUnavailable(text), std::nullopt) << '"' << text << '"';
  }
}

TEST(MaxUnavailableTest, ToStringRoundTripsThroughParse) {
  EXPECT_EQ((MaxUnavailable{.value = 3}).ToString(), "3");
  EXPECT_EQ((MaxUnavailable{.value = 10, .percent = true}).ToString(), "10%");
  EXPECT_EQ((MaxUnavailable{.value = 0, .percent = true}).ToString(), "0%");
  for (const MaxUnavailable max :
       {MaxUnavailable{.value = 0}, MaxUnavailable{.value = 7},
        MaxUnavailable{.value = 25, .percent = true},
        MaxUnavailable{.value = 100, .percent = true}}) {
    EXPECT_EQ(ParseMaxUnavailable(max.ToString()), max) << max.ToString();
  }
}

TEST(MaxUnavailableTest, DefaultIsOneGame) {
  EXPECT_EQ(MaxUnavailable{}.ToString(), "1");
  EXPECT_EQ(MaxUnavailable{}.AllowedOf(50), 1);
}

TEST(MaxUnavailableTest, APercentageOfTheMembersRoundsUp) {
  const auto percent = [](int64_t value) {
    return MaxUnavailable{.value = value, .percent = true};
  };
  EXPECT_EQ(percent(10).AllowedOf(5), 1);    // 0.5 → 1
  EXPECT_EQ(percent(10).AllowedOf(100), 10);  // exact
  EXPECT_EQ(percent(10).AllowedOf(101), 11);  // 10.1 → 11
  EXPECT_EQ(percent(25).AllowedOf(10), 3);    // 2.5 → 3
  EXPECT_EQ(percent(50).AllowedOf(3), 2);     // 1.5 → 2
  EXPECT_EQ(percent(100).AllowedOf(7), 7);
  EXPECT_EQ(percent(0).AllowedOf(100), 0);
  EXPECT_EQ(percent(0).AllowedOf(0), 0);
  EXPECT_EQ(percent(30).AllowedOf(0), 0);
}

TEST(MaxUnavailableTest, ACountIgnoresTheMembers) {
  const MaxUnavailable three{.value = 3};
  EXPECT_EQ(three.AllowedOf(0), 3);
  EXPECT_EQ(three.AllowedOf(1), 3);
  EXPECT_EQ(three.AllowedOf(1000), 3);
  EXPECT_EQ((MaxUnavailable{.value = 0}).AllowedOf(10), 0);
}

TEST(DisruptionBudgetTest, SelectsAGameHoldingEveryMatchLabel) {
  const DisruptionBudget budget = Budget({{"fleet", "eu"}, {"tier", "gold"}});
  EXPECT_TRUE(budget.Selects({{"fleet", "eu"}, {"tier", "gold"}}));
  // Other labels do not matter.
  EXPECT_TRUE(budget.Selects({{"fleet", "eu"}, {"tier", "gold"}, {"x", "y"}}));
  // One missing label or one other value: not selected.
  EXPECT_FALSE(budget.Selects({{"fleet", "eu"}}));
  EXPECT_FALSE(budget.Selects({{"fleet", "eu"}, {"tier", "silver"}}));
  EXPECT_FALSE(budget.Selects({{"fleet", "us"}, {"tier", "gold"}}));
  EXPECT_FALSE(budget.Selects({{"Fleet", "eu"}, {"tier", "gold"}}));
  EXPECT_FALSE(budget.Selects({}));
}

TEST(DisruptionBudgetTest, AnEmptySelectorSelectsNothing) {
  const DisruptionBudget budget = Budget({});
  EXPECT_FALSE(budget.Selects({}));
  EXPECT_FALSE(budget.Selects({{"fleet", "eu"}}));
}

TEST(DisruptionBudgetTest, TermsCarryNameMaxMinReadyAndSourcePath) {
  const BudgetTerms terms = TermsOf(Budget({{"fleet", "eu"}}));
  EXPECT_EQ(terms, (BudgetTerms{.name = "fleet",
                                .max_unavailable = {.value = 10, .percent = true},
                                .min_ready_seconds = 5,
                                .source_path = "budgets.yaml"}));
}

}  // namespace
}  // namespace rtm
