#include "reconcile/queue/token_bucket.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>
#include <thread>
#include <vector>

#include "test/mocks/fake_clock.h"

namespace rtm {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;

TEST(TokenBucketTest, BurstIsImmediateThenReservationsQueueAtOneOverRate) {
  FakeClock clock;
  TokenBucket bucket(clock, 10.0, 3);

  EXPECT_EQ(bucket.Reserve(), milliseconds(0));
  EXPECT_EQ(bucket.Reserve(), milliseconds(0));
  EXPECT_EQ(bucket.Reserve(), milliseconds(0));
  EXPECT_EQ(bucket.Reserve(), milliseconds(100));
  EXPECT_EQ(bucket.Reserve(), milliseconds(200));
  EXPECT_EQ(bucket.Reserve(), milliseconds(300));
}

TEST(TokenBucketTest, CallersThatWaitOneIntervalNeedNotWaitAgain) {
  FakeClock clock;
  TokenBucket bucket(clock, 10.0, 1);
  ASSERT_EQ(bucket.Reserve(), milliseconds(0));

  for (int i = 0; i < 5; ++i) {
    clock.Advance(milliseconds(100));
    EXPECT_EQ(bucket.Reserve(), milliseconds(0));
  }
  clock.Advance(milliseconds(60));
  EXPECT_EQ(bucket.Reserve(), milliseconds(40));
}

TEST(TokenBucketTest, QueuedReservationsAreHonouredAsTimePasses) {
  FakeClock clock;
  TokenBucket bucket(clock, 10.0, 1);
  ASSERT_EQ(bucket.Reserve(), milliseconds(0));
  ASSERT_EQ(bucket.Reserve(), milliseconds(100));

  clock.Advance(milliseconds(100));
  EXPECT_EQ(bucket.Reserve(), milliseconds(100));
}

TEST(TokenBucketTest, RefillsWithTimeButNeverBeyondTheBurst) {
  FakeClock clock;
  TokenBucket bucket(clock, 10.0, 3);
  for (int i = 0; i < 5; ++i) bucket.Reserve();

  clock.Advance(hours(1));

  EXPECT_EQ(bucket.Reserve(), milliseconds(0));
  EXPECT_EQ(bucket.Reserve(), milliseconds(0));
  EXPECT_EQ(bucket.Reserve(), milliseconds(0));
  EXPECT_EQ(bucket.Reserve(), milliseconds(100));
}

TEST(TokenBucketTest, PartialRefillGivesBackWholeTokensOnly) {
  FakeClock clock;
  TokenBucket bucket(clock, 10.0, 3);
  for (int i = 0; i < 3; ++i) bucket.Reserve();

  clock.Advance(milliseconds(250));

  EXPECT_EQ(bucket.Reserve(), milliseconds(0));
  EXPECT_EQ(bucket.Reserve(), milliseconds(0));
  EXPECT_EQ(bucket.Reserve(), milliseconds(50));
}

TEST(TokenBucketTest, FractionalIntervalsAreRoundedUpToWholeMilliseconds) {
  FakeClock clock;
  TokenBucket bucket(clock, 3.0, 1);

  EXPECT_EQ(bucket.Reserve(), milliseconds(0));
  EXPECT_EQ(bucket.Reserve(), milliseconds(334));
  EXPECT_EQ(bucket.Reserve(), milliseconds(667));
  EXPECT_EQ(bucket.Reserve(), milliseconds(1000));
}

TEST(TokenBucketTest, ZeroOrNegativeRateIsUnlimited) {
  FakeClock clock;
  TokenBucket zero(clock, 0.0, 1);
  TokenBucket negative(clock, -1.0, 0);

  for (int i = 0; i < 1000; ++i) {
    ASSERT_EQ(zero.Reserve(), milliseconds(0));
    ASSERT_EQ(negative.Reserve(), milliseconds(0));
  }
}

TEST(TokenBucketTest, BurstBelowOneCountsAsOne) {
  FakeClock clock;
  TokenBucket bucket(clock, 2.0, 0);

  EXPECT_EQ(bucket.Reserve(), milliseconds(0));
  EXPECT_EQ(bucket.Reserve(), milliseconds(500));
}

TEST(TokenBucketTest, ConcurrentReservationsEachGetTheirOwnSlot) {
  constexpr int kThreads = 4;
  constexpr int kReservesPerThread = 100;
  FakeClock clock;
  TokenBucket bucket(clock, 1.0, 1);
  std::mutex waits_mutex;
  std::vector<Duration> waits;

  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kReservesPerThread; ++i) {
        const Duration wait = bucket.Reserve();
        std::lock_guard lock(waits_mutex);
        waits.push_back(wait);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  std::ranges::sort(waits);
  ASSERT_EQ(waits.size(), static_cast<size_t>(kThreads * kReservesPerThread));
  for (size_t i = 0; i < waits.size(); ++i) {
    EXPECT_EQ(waits[i], std::chrono::seconds(i));
  }
}

}  // namespace
}  // namespace rtm
