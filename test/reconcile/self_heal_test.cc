// DecideSelfHeal (reconcile/self_heal.h) as its contract states it.
#include "reconcile/self_heal.h"

#include <gtest/gtest.h>

namespace rtm {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

const SelfHealPolicy kPolicy{.base = seconds(1), .cap = seconds(5),
                             .healthy_reset = minutes(10)};
const Timestamp kT0 = Timestamp(std::chrono::hours(100));

TEST(DecideSelfHealTest, FirstSelfHealRunsAndTheNextWaitsTheBase) {
  SelfHealVerdict verdict = DecideSelfHeal(std::nullopt, kT0, kPolicy);
  EXPECT_FALSE(verdict.blocked_until.has_value());
  EXPECT_EQ(verdict.backoff.consecutive, 1);
  EXPECT_EQ(verdict.backoff.last_heal_at, kT0);
  EXPECT_EQ(verdict.backoff.not_before, kT0 + seconds(1));
}

TEST(DecideSelfHealTest, BlockedBeforeNotBeforeAndTheBackoffIsUnchanged) {
  const SelfHealBackoff stored{.consecutive = 2, .last_heal_at = kT0,
                               .not_before = kT0 + seconds(2)};
  SelfHealVerdict verdict = DecideSelfHeal(stored, kT0 + seconds(1), kPolicy);
  EXPECT_EQ(verdict.blocked_until, kT0 + seconds(2));
  EXPECT_EQ(verdict.backoff, stored);
}

TEST(DecideSelfHealTest, DelayDoublesUpToTheCap) {
  std::optional<SelfHealBackoff> stored;
  Timestamp now = kT0;
  std::vector<Duration> delays;
  for (int i = 0; i < 6; ++i) {
    SelfHealVerdict verdict = DecideSelfHeal(stored, now, kPolicy);
    ASSERT_FALSE(verdict.blocked_until.has_value()) << i;
    delays.push_back(verdict.backoff.not_before - now);
    stored = verdict.backoff;
    now = verdict.backoff.not_before;
  }
  EXPECT_EQ(delays, (std::vector<Duration>{seconds(1), seconds(2), seconds(4),
                                           seconds(5), seconds(5), seconds(5)}));
}

TEST(DecideSelfHealTest, ALongHealthyStretchStartsAgainFromTheBase) {
  const SelfHealBackoff stored{.consecutive = 4, .last_heal_at = kT0,
                               .not_before = kT0 + seconds(5)};
  SelfHealVerdict verdict = DecideSelfHeal(stored, kT0 + minutes(10), kPolicy);
  EXPECT_FALSE(verdict.blocked_until.has_value());
  EXPECT_EQ(verdict.backoff.consecutive, 1);
  EXPECT_EQ(verdict.backoff.not_before, kT0 + minutes(10) + seconds(1));
}

TEST(GivesUpTest, OnlyWithALimitReachedWithinAHealthyReset) {
  const SelfHealPolicy policy{.healthy_reset = std::chrono::minutes(10)};
  const Timestamp now = Timestamp(std::chrono::hours(5));
  const SelfHealBackoff twice{.consecutive = 2, .last_heal_at = now - std::chrono::minutes(1)};
  EXPECT_FALSE(GivesUp(twice, now, policy, std::nullopt)) << "no limit";
  EXPECT_FALSE(GivesUp(std::nullopt, now, policy, 1)) << "never healed yet";
  EXPECT_FALSE(GivesUp(twice, now, policy, 3));
  EXPECT_TRUE(GivesUp(twice, now, policy, 2));
  EXPECT_TRUE(GivesUp(twice, now, policy, 1));
  EXPECT_FALSE(GivesUp(twice, now + std::chrono::minutes(9), policy, 2))
      << "the healed container ran long: a healthy stretch";
}

}  // namespace
}  // namespace rtm
