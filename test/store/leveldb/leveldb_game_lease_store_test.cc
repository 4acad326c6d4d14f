#include "store/leveldb/leveldb_game_lease_store.h"

#include <atomic>
#include <chrono>
#include <barrier>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test/store/store_test_support.h"

namespace rtm {
namespace {

using ::testing::HasSubstr;
using std::chrono::seconds;

constexpr Duration kTtl = seconds(60);
constexpr Duration kReleaseTimeout = seconds(5);

class LeveldbGameLeaseStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  void Reopen() {
    leases_.reset();
    database_.reset();
    auto database = LeveldbDatabase::Open(temp_.store_dir());
    ASSERT_TRUE(database.has_value()) << database.error().message;
    database_ = *std::move(database);
    leases_ = std::make_unique<LeveldbGameLeaseStore>(*database_, clock_);
  }

  // The answer of TryAcquire, failing the test on an error.
  bool Acquire(std::string_view game_id, std::string_view token,
               Duration ttl = kTtl) {
    auto acquired = leases_->TryAcquire(game_id, token, ttl);
    EXPECT_TRUE(acquired.has_value()) << acquired.error().message;
    return acquired.value_or(false);
  }

  void Release(std::string_view game_id, std::string_view token) {
    auto released = leases_->Release(game_id, token, kReleaseTimeout);
    EXPECT_TRUE(released.has_value()) << released.error().message;
  }

  TempDir temp_;
  FakeClock clock_{At("2026-11-25T02:00:00.000Z")};
  std::unique_ptr<LeveldbDatabase> database_;
  std::unique_ptr<LeveldbGameLeaseStore> leases_;
};

TEST_F(LeveldbGameLeaseStoreTest, FreeLeaseIsAcquired) {
  EXPECT_TRUE(Acquire("lobby", "token-a"));
}

TEST_F(LeveldbGameLeaseStoreTest, HeldLeaseIsRefusedToAnotherToken) {
  ASSERT_TRUE(Acquire("lobby", "token-a"));

  EXPECT_FALSE(Acquire("lobby", "token-b"));
}

TEST_F(LeveldbGameLeaseStoreTest, LeasesOfDifferentGamesAreIndependent) {
  ASSERT_TRUE(Acquire("lobby", "token-a"));

  EXPECT_TRUE(Acquire("lobby-2", "token-b"));
}

TEST_F(LeveldbGameLeaseStoreTest, HolderReacquires) {
  ASSERT_TRUE(Acquire("lobby", "token-a"));

  EXPECT_TRUE(Acquire("lobby", "token-a"));
  EXPECT_FALSE(Acquire("lobby", "token-b"));
}

TEST_F(LeveldbGameLeaseStoreTest, ExpiredLeaseGoesToAnotherToken) {
  ASSERT_TRUE(Acquire("lobby", "token-a", seconds(10)));

  clock_.Advance(seconds(10) - Duration(1));
  EXPECT_FALSE(Acquire("lobby", "token-b"));
  clock_.Advance(Duration(1));
  EXPECT_TRUE(Acquire("lobby", "token-b"));
  EXPECT_FALSE(Acquire("lobby", "token-a"));
}

TEST_F(LeveldbGameLeaseStoreTest, ReacquireExtendsTheExpiry) {
  ASSERT_TRUE(Acquire("lobby", "token-a", seconds(10)));
  clock_.Advance(seconds(8));
  ASSERT_TRUE(Acquire("lobby", "token-a", seconds(10)));

  clock_.Advance(seconds(7));
  EXPECT_FALSE(Acquire("lobby", "token-b"));
  clock_.Advance(seconds(3));
  EXPECT_TRUE(Acquire("lobby", "token-b"));
}

TEST_F(LeveldbGameLeaseStoreTest, ReleaseByAnotherTokenLeavesTheLeaseHeld) {
  ASSERT_TRUE(Acquire("lobby", "token-a"));

  Release("lobby", "token-b");

  EXPECT_FALSE(Acquire("lobby", "token-c"));
}

TEST_F(LeveldbGameLeaseStoreTest, ReleaseByHolderFreesTheLease) {
  ASSERT_TRUE(Acquire("lobby", "token-a"));

  Release("lobby", "token-a");

  EXPECT_TRUE(Acquire("lobby", "token-b"));
}

TEST_F(LeveldbGameLeaseStoreTest, ReleaseOfFreeOrExpiredLeaseSucceeds) {
  Release("never-held", "token-a");

  ASSERT_TRUE(Acquire("lobby", "token-a", seconds(1)));
  clock_.Advance(seconds(2));
  ASSERT_TRUE(Acquire("lobby", "token-b"));
  Release("lobby", "token-a");

  EXPECT_FALSE(Acquire("lobby", "token-c"));
}

TEST_F(LeveldbGameLeaseStoreTest, HeldLeaseSurvivesReopenUntilItExpires) {
  ASSERT_TRUE(Acquire("lobby", "token-dead-process", seconds(60)));

  Reopen();

  EXPECT_FALSE(Acquire("lobby", "token-b"));
  clock_.Advance(seconds(60));
  EXPECT_TRUE(Acquire("lobby", "token-b"));
}

TEST_F(LeveldbGameLeaseStoreTest, ExactlyOneOfConcurrentCallersAcquires) {
  constexpr int kCallers = 8;
  constexpr int kGames = 50;
  std::barrier round_start(kCallers);
  std::vector<std::atomic<int>> winners(kGames);
  std::atomic<int> errors = 0;
  std::vector<std::thread> callers;
  for (int caller = 0; caller < kCallers; ++caller) {
    callers.emplace_back([&, caller] {
      const std::string token = "token-" + std::to_string(caller);
      for (int game = 0; game < kGames; ++game) {
        round_start.arrive_and_wait();
        auto acquired =
            leases_->TryAcquire("game-" + std::to_string(game), token, kTtl);
        if (!acquired) {
          ++errors;
        } else if (*acquired) {
          ++winners[game];
        }
      }
    });
  }
  for (std::thread& caller : callers) caller.join();

  EXPECT_EQ(errors.load(), 0);
  for (int game = 0; game < kGames; ++game) {
    EXPECT_EQ(winners[game].load(), 1) << "game-" << game;
  }
}

TEST_F(LeveldbGameLeaseStoreTest, EmptyTokenOrNonPositiveTtlIsInvalid) {
  auto empty_token = leases_->TryAcquire("lobby", "", kTtl);
  auto zero_ttl = leases_->TryAcquire("lobby", "token-a", Duration(0));

  ASSERT_FALSE(empty_token.has_value());
  EXPECT_EQ(empty_token.error().code, ErrorCode::kInvalidRequest);
  ASSERT_FALSE(zero_ttl.has_value());
  EXPECT_EQ(zero_ttl.error().code, ErrorCode::kInvalidRequest);
  EXPECT_TRUE(Acquire("lobby", "token-a"));
}

TEST_F(LeveldbGameLeaseStoreTest, HugeTtlSaturatesInsteadOfOverflowing) {
  ASSERT_TRUE(Acquire("lobby", "token-a", Duration::max()));

  clock_.Advance(std::chrono::hours(24 * 365 * 100));

  EXPECT_FALSE(Acquire("lobby", "token-b"));
}

TEST_F(LeveldbGameLeaseStoreTest, UnreadableLeaseIsInternalAndNotOverwritten) {
  ASSERT_TRUE(database_->raw().Put({}, "lease/lobby", "garbage").ok());

  auto acquired = leases_->TryAcquire("lobby", "token-a", kTtl);
  auto released = leases_->Release("lobby", "token-a", kReleaseTimeout);

  ASSERT_FALSE(acquired.has_value());
  EXPECT_EQ(acquired.error().code, ErrorCode::kInternal);
  EXPECT_THAT(acquired.error().message, HasSubstr("lease/lobby"));
  ASSERT_FALSE(released.has_value());
  EXPECT_EQ(released.error().code, ErrorCode::kInternal);
  std::string stored;
  ASSERT_TRUE(database_->raw().Get({}, "lease/lobby", &stored).ok());
  EXPECT_EQ(stored, "garbage");
}

}  // namespace
}  // namespace rtm
