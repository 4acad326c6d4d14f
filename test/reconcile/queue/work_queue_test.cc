#include "reconcile/queue/work_queue.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "test/mocks/fake_clock.h"

namespace rtm {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;
using ::testing::Optional;

class WorkQueueTest : public ::testing::Test {
 protected:
  FakeClock clock_;
  WorkQueue queue_{clock_, BackoffPolicy{}};
};

TEST_F(WorkQueueTest, EmptyQueueHasNothingReady) {
  EXPECT_EQ(queue_.TryGet(), std::nullopt);
  EXPECT_EQ(queue_.NextReadyAt(), std::nullopt);
  EXPECT_EQ(queue_.Depth(), 0u);
}

TEST_F(WorkQueueTest, RepeatedAddsOfAWaitingKeyAreHandedOutOnce) {
  queue_.Add("a");
  queue_.Add("a");
  queue_.Add("a");

  EXPECT_EQ(queue_.Depth(), 1u);
  EXPECT_THAT(queue_.TryGet(), Optional(std::string("a")));
  EXPECT_EQ(queue_.TryGet(), std::nullopt);
}

TEST_F(WorkQueueTest, KeyAddedWhileProcessingIsHandedOutAgainOnlyAfterDone) {
  queue_.Add("a");
  ASSERT_THAT(queue_.TryGet(), Optional(std::string("a")));

  queue_.Add("a");
  queue_.Add("a");
  EXPECT_EQ(queue_.TryGet(), std::nullopt);

  queue_.Done("a");
  EXPECT_THAT(queue_.TryGet(), Optional(std::string("a")));
  queue_.Done("a");
  EXPECT_EQ(queue_.TryGet(), std::nullopt);
}

TEST_F(WorkQueueTest, DoneWithoutNewAddDoesNotRequeue) {
  queue_.Add("a");
  ASSERT_THAT(queue_.TryGet(), Optional(std::string("a")));
  queue_.Done("a");

  EXPECT_EQ(queue_.TryGet(), std::nullopt);
  EXPECT_EQ(queue_.Depth(), 0u);
}

TEST_F(WorkQueueTest, DoneOfAKeyNotProcessingChangesNothing) {
  queue_.Add("a");
  queue_.Done("a");
  queue_.Done("b");

  EXPECT_THAT(queue_.TryGet(), Optional(std::string("a")));
  EXPECT_EQ(queue_.TryGet(), std::nullopt);
}

TEST_F(WorkQueueTest, DifferentKeysAreProcessedAtTheSameTime) {
  queue_.Add("a");
  queue_.Add("b");

  EXPECT_THAT(queue_.TryGet(), Optional(std::string("a")));
  EXPECT_THAT(queue_.TryGet(), Optional(std::string("b")));
  queue_.Done("b");
  queue_.Done("a");
}

TEST_F(WorkQueueTest, OtherReadyKeysAreHandedOutPastAProcessingDirtyKey) {
  queue_.Add("a");
  ASSERT_THAT(queue_.TryGet(), Optional(std::string("a")));
  queue_.Add("a");
  queue_.Add("b");

  EXPECT_THAT(queue_.TryGet(), Optional(std::string("b")));
  EXPECT_EQ(queue_.TryGet(), std::nullopt);
}

TEST_F(WorkQueueTest, ReadyKeysAreHandedOutInAddOrder) {
  queue_.Add("c");
  queue_.Add("a");
  queue_.Add("b");

  EXPECT_THAT(queue_.TryGet(), Optional(std::string("c")));
  EXPECT_THAT(queue_.TryGet(), Optional(std::string("a")));
  EXPECT_THAT(queue_.TryGet(), Optional(std::string("b")));
}

TEST_F(WorkQueueTest, ReadyKeysAreHandedOutInReadyTimeOrder) {
  queue_.AddAfter("x", milliseconds(200));
  queue_.AddAfter("y", milliseconds(100));
  queue_.Add("z");
  clock_.Advance(milliseconds(200));

  EXPECT_THAT(queue_.TryGet(), Optional(std::string("z")));
  EXPECT_THAT(queue_.TryGet(), Optional(std::string("y")));
  EXPECT_THAT(queue_.TryGet(), Optional(std::string("x")));
}

TEST_F(WorkQueueTest, DelayedKeyIsNotReadyUntilTheClockReachesItsReadyTime) {
  const Timestamp start = clock_.Now();
  queue_.AddAfter("a", milliseconds(500));

  EXPECT_THAT(queue_.NextReadyAt(), Optional(start + milliseconds(500)));
  EXPECT_EQ(queue_.TryGet(), std::nullopt);
  clock_.Advance(milliseconds(499));
  EXPECT_EQ(queue_.TryGet(), std::nullopt);
  clock_.Advance(milliseconds(1));
  EXPECT_THAT(queue_.TryGet(), Optional(std::string("a")));
}

TEST_F(WorkQueueTest, NonPositiveDelayMeansReadyNow) {
  queue_.AddAfter("a", milliseconds(0));
  queue_.AddAfter("b", milliseconds(-10));

  EXPECT_THAT(queue_.NextReadyAt(), Optional(clock_.Now()));
  EXPECT_THAT(queue_.TryGet(), Optional(std::string("a")));
  EXPECT_THAT(queue_.TryGet(), Optional(std::string("b")));
}

TEST_F(WorkQueueTest, EarlierOfTwoDelaysWins) {
  const Timestamp start = clock_.Now();
  queue_.AddAfter("a", seconds(1));
  queue_.AddAfter("a", milliseconds(300));
  EXPECT_THAT(queue_.NextReadyAt(), Optional(start + milliseconds(300)));

  queue_.AddAfter("a", seconds(2));
  EXPECT_THAT(queue_.NextReadyAt(), Optional(start + milliseconds(300)));
  EXPECT_EQ(queue_.Depth(), 1u);

  clock_.Advance(milliseconds(300));
  EXPECT_THAT(queue_.TryGet(), Optional(std::string("a")));
  EXPECT_EQ(queue_.TryGet(), std::nullopt);
}

TEST_F(WorkQueueTest, HugeDelaySaturatesAtTheLatestTimestamp) {
  queue_.AddAfter("a", Duration::max());
  EXPECT_THAT(queue_.NextReadyAt(), Optional(Timestamp::max()));

  std::optional<std::string> got = "unset";
  std::thread worker([&] { got = queue_.Get(); });
  queue_.ShutDown();
  worker.join();

  EXPECT_EQ(got, std::nullopt);
}

TEST_F(WorkQueueTest, ImmediateAddMakesADelayedKeyReadyNow) {
  queue_.AddAfter("a", minutes(1));
  queue_.Add("a");

  EXPECT_THAT(queue_.NextReadyAt(), Optional(clock_.Now()));
  EXPECT_THAT(queue_.TryGet(), Optional(std::string("a")));
  EXPECT_EQ(queue_.Depth(), 0u);
}

TEST_F(WorkQueueTest, DelayedAddWhileProcessingNeedsBothDoneAndItsReadyTime) {
  queue_.Add("a");
  ASSERT_THAT(queue_.TryGet(), Optional(std::string("a")));
  queue_.AddAfter("a", milliseconds(100));

  queue_.Done("a");
  EXPECT_EQ(queue_.TryGet(), std::nullopt);
  clock_.Advance(milliseconds(100));
  EXPECT_THAT(queue_.TryGet(), Optional(std::string("a")));
}

TEST_F(WorkQueueTest, RateLimitedDelaysDoubleFrom100msUpTo5Minutes) {
  for (int failure = 0; failure < 16; ++failure) {
    const Duration expected =
        std::min<Duration>(milliseconds(100) * (1LL << failure), minutes(5));
    EXPECT_EQ(queue_.Failures("a"), failure);

    queue_.AddRateLimited("a");

    EXPECT_THAT(queue_.NextReadyAt(), Optional(clock_.Now() + expected))
        << "after " << failure << " failures";
    clock_.Advance(expected - milliseconds(1));
    EXPECT_EQ(queue_.TryGet(), std::nullopt);
    clock_.Advance(milliseconds(1));
    ASSERT_THAT(queue_.TryGet(), Optional(std::string("a")));
    queue_.Done("a");
  }
  EXPECT_EQ(queue_.Failures("a"), 16);
}

TEST_F(WorkQueueTest, BackoffNeverExceedsTheCapEvenForHugeFailureCounts) {
  EXPECT_EQ(queue_.Backoff(0), milliseconds(100));
  EXPECT_EQ(queue_.Backoff(11), milliseconds(204800));
  EXPECT_EQ(queue_.Backoff(12), minutes(5));
  EXPECT_EQ(queue_.Backoff(62), minutes(5));
  EXPECT_EQ(queue_.Backoff(63), minutes(5));
  EXPECT_EQ(queue_.Backoff(1'000'000), minutes(5));
}

TEST(WorkQueueBackoffTest, UsesTheConfiguredBaseAndCap) {
  FakeClock clock;
  WorkQueue queue(clock, BackoffPolicy{milliseconds(5), seconds(1)});

  EXPECT_EQ(queue.Backoff(0), milliseconds(5));
  EXPECT_EQ(queue.Backoff(3), milliseconds(40));
  EXPECT_EQ(queue.Backoff(8), seconds(1));
}

TEST_F(WorkQueueTest, FailuresAreCountedPerKey) {
  queue_.AddRateLimited("a");
  queue_.AddRateLimited("a");
  queue_.AddRateLimited("b");

  EXPECT_EQ(queue_.Failures("a"), 2);
  EXPECT_EQ(queue_.Failures("b"), 1);
  EXPECT_EQ(queue_.Failures("c"), 0);
}

TEST_F(WorkQueueTest, ForgetResetsTheBackoff) {
  for (int i = 0; i < 3; ++i) {
    queue_.AddRateLimited("a");
    clock_.Advance(minutes(5));
    ASSERT_THAT(queue_.TryGet(), Optional(std::string("a")));
    queue_.Done("a");
  }
  ASSERT_EQ(queue_.Failures("a"), 3);

  queue_.Forget("a");
  EXPECT_EQ(queue_.Failures("a"), 0);

  queue_.AddRateLimited("a");
  EXPECT_THAT(queue_.NextReadyAt(), Optional(clock_.Now() + milliseconds(100)));
}

TEST_F(WorkQueueTest, ForgetDoesNotRemoveAWaitingKey) {
  queue_.AddRateLimited("a");
  queue_.Forget("a");

  EXPECT_EQ(queue_.Depth(), 1u);
}

TEST_F(WorkQueueTest, DepthCountsReadyDelayedAndDirtyKeys) {
  queue_.Add("a");
  queue_.AddAfter("b", seconds(1));
  queue_.Add("a");
  EXPECT_EQ(queue_.Depth(), 2u);

  ASSERT_THAT(queue_.TryGet(), Optional(std::string("a")));
  EXPECT_EQ(queue_.Depth(), 1u);

  queue_.Add("a");
  EXPECT_EQ(queue_.Depth(), 2u);

  queue_.Done("a");
  ASSERT_THAT(queue_.TryGet(), Optional(std::string("a")));
  queue_.Done("a");
  EXPECT_EQ(queue_.Depth(), 1u);
}

TEST_F(WorkQueueTest, GetReturnsAReadyKeyWithoutBlocking) {
  queue_.Add("a");

  EXPECT_THAT(queue_.Get(), Optional(std::string("a")));
}

TEST_F(WorkQueueTest, ShutDownWakesABlockedGet) {
  std::optional<std::string> got = "unset";
  std::thread worker([&] { got = queue_.Get(); });

  queue_.ShutDown();
  worker.join();

  EXPECT_EQ(got, std::nullopt);
  EXPECT_TRUE(queue_.IsShuttingDown());
}

TEST_F(WorkQueueTest, ShutDownWakesAGetBlockedOnADelayedKey) {
  queue_.AddAfter("a", minutes(5));
  std::optional<std::string> got = "unset";
  std::thread worker([&] { got = queue_.Get(); });

  queue_.ShutDown();
  worker.join();

  EXPECT_EQ(got, std::nullopt);
}

TEST_F(WorkQueueTest, BlockedGetReturnsAKeyAddedByAnotherThread) {
  std::optional<std::string> got;
  std::thread worker([&] { got = queue_.Get(); });

  queue_.Add("a");
  worker.join();

  EXPECT_THAT(got, Optional(std::string("a")));
}

TEST_F(WorkQueueTest, BlockedGetReturnsADirtyKeyOnceItsWorkerCallsDone) {
  queue_.Add("a");
  ASSERT_THAT(queue_.TryGet(), Optional(std::string("a")));
  queue_.Add("a");
  std::optional<std::string> got;
  std::thread worker([&] { got = queue_.Get(); });

  queue_.Done("a");
  worker.join();

  EXPECT_THAT(got, Optional(std::string("a")));
}

TEST_F(WorkQueueTest, BlockedGetReturnsADelayedKeyOnceTheClockPassesItsTime) {
  queue_.AddAfter("a", milliseconds(5));
  std::optional<std::string> got;
  std::thread worker([&] { got = queue_.Get(); });

  clock_.Advance(milliseconds(5));
  worker.join();

  EXPECT_THAT(got, Optional(std::string("a")));
}

TEST_F(WorkQueueTest, AfterShutDownReadyKeysAreDrainedAndNewAddsIgnored) {
  queue_.Add("a");
  queue_.AddAfter("b", seconds(1));
  queue_.ShutDown();
  queue_.Add("c");
  queue_.AddRateLimited("d");

  EXPECT_THAT(queue_.Get(), Optional(std::string("a")));
  EXPECT_EQ(queue_.Get(), std::nullopt);
  EXPECT_EQ(queue_.TryGet(), std::nullopt);
}

TEST(WorkQueueStressTest, NoKeyIsProcessedTwiceAtOnceAndNoAddIsLost) {
  constexpr int kKeys = 10;
  constexpr int kWorkers = 4;
  constexpr int kAdders = 2;
  constexpr int kAddsPerAdder = 5000;

  FakeClock clock;
  WorkQueue queue(clock, BackoffPolicy{});
  std::array<std::atomic<int>, kKeys> in_flight{};
  std::array<std::atomic<long>, kKeys> added_version{};
  std::array<std::atomic<long>, kKeys> processed_version{};
  std::array<std::atomic<long>, kKeys> times_processed{};
  std::atomic<bool> overlapped = false;
  const auto key_name = [](int index) { return "game-" + std::to_string(index); };
  const auto key_index = [](const std::string& key) {
    return std::stoi(key.substr(5));
  };

  std::vector<std::thread> workers;
  for (int w = 0; w < kWorkers; ++w) {
    workers.emplace_back([&] {
      while (std::optional<std::string> key = queue.Get()) {
        const int index = key_index(*key);
        if (in_flight[index].fetch_add(1) != 0) overlapped = true;
        processed_version[index] = added_version[index].load();
        ++times_processed[index];
        std::this_thread::yield();
        in_flight[index].fetch_sub(1);
        queue.Done(*key);
      }
    });
  }
  std::vector<std::thread> adders;
  for (int a = 0; a < kAdders; ++a) {
    adders.emplace_back([&, a] {
      for (int i = 0; i < kAddsPerAdder; ++i) {
        const int index = (i * 7 + a * 3) % kKeys;
        ++added_version[index];
        queue.Add(key_name(index));
      }
    });
  }
  for (std::thread& adder : adders) adder.join();
  queue.ShutDown();
  for (std::thread& worker : workers) worker.join();

  EXPECT_FALSE(overlapped);
  EXPECT_EQ(queue.Depth(), 0u);
  for (int index = 0; index < kKeys; ++index) {
    EXPECT_GT(times_processed[index].load(), 0) << key_name(index);
    EXPECT_EQ(processed_version[index].load(), added_version[index].load())
        << key_name(index);
  }
}

}  // namespace
}  // namespace rtm
