#include "store/leveldb/leveldb_operation_log_store.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test/store/store_test_data.h"

namespace rtm {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class LeveldbOperationLogStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  void Reopen() {
    log_.reset();
    database_.reset();
    auto database = LeveldbDatabase::Open(temp_.store_dir());
    ASSERT_TRUE(database.has_value()) << database.error().message;
    database_ = *std::move(database);
    auto log = LeveldbOperationLogStore::Open(*database_);
    ASSERT_TRUE(log.has_value()) << log.error().message;
    log_ = *std::move(log);
  }

  uint64_t Append(const OperationEntry& entry) {
    auto sequence = log_->Append(entry);
    EXPECT_TRUE(sequence.has_value()) << sequence.error().message;
    return sequence.value_or(0);
  }

  // Appends one entry of `game_id` whose source_ref is `tag`.
  uint64_t AppendTagged(const std::string& game_id, const std::string& tag) {
    OperationEntry entry = SuccessEntry(game_id, OpKind::kStart);
    entry.source_ref = tag;
    return Append(entry);
  }

  std::vector<std::string> TagsOf(
      const Expected<std::vector<OperationEntry>>& entries) {
    EXPECT_TRUE(entries.has_value()) << entries.error().message;
    std::vector<std::string> tags;
    if (entries) {
      for (const OperationEntry& entry : *entries) {
        tags.push_back(entry.source_ref);
      }
    }
    return tags;
  }

  std::vector<uint64_t> SequencesOf(
      const Expected<std::vector<OperationEntry>>& entries) {
    EXPECT_TRUE(entries.has_value()) << entries.error().message;
    std::vector<uint64_t> sequences;
    if (entries) {
      for (const OperationEntry& entry : *entries) {
        sequences.push_back(entry.sequence);
      }
    }
    return sequences;
  }

  TempDir temp_;
  std::unique_ptr<LeveldbDatabase> database_;
  std::unique_ptr<LeveldbOperationLogStore> log_;
};

TEST_F(LeveldbOperationLogStoreTest, SequencesIncreaseAcrossGames) {
  const uint64_t first = AppendTagged("a", "1");
  const uint64_t second = AppendTagged("b", "2");
  const uint64_t third = AppendTagged("a", "3");

  EXPECT_GT(first, 0u);
  EXPECT_LT(first, second);
  EXPECT_LT(second, third);
}

TEST_F(LeveldbOperationLogStoreTest, SequencesKeepIncreasingAfterReopen) {
  AppendTagged("a", "1");
  AppendTagged("b", "2");
  const uint64_t last_before = AppendTagged("a", "3");

  Reopen();
  const uint64_t first_after = AppendTagged("c", "4");

  EXPECT_GT(first_after, last_before);
  EXPECT_THAT(TagsOf(log_->ListAll(0, 10)), ElementsAre("1", "2", "3", "4"));
}

TEST_F(LeveldbOperationLogStoreTest, EveryFieldRoundTrips) {
  OperationEntry entry = FullEntry("lobby-eu-1");
  entry.sequence = 999;

  const uint64_t sequence = Append(entry);
  auto by_game = log_->ListByGame("lobby-eu-1", 10);
  auto all = log_->ListAll(0, 10);

  entry.sequence = sequence;
  ASSERT_TRUE(by_game.has_value());
  EXPECT_THAT(*by_game, ElementsAre(entry));
  ASSERT_TRUE(all.has_value());
  EXPECT_THAT(*all, ElementsAre(entry));
  EXPECT_NE(sequence, 999u);
}

TEST_F(LeveldbOperationLogStoreTest, EntriesSurviveReopen) {
  OperationEntry entry = FullEntry("lobby-eu-1");
  entry.sequence = Append(entry);

  Reopen();
  auto by_game = log_->ListByGame("lobby-eu-1", 10);

  ASSERT_TRUE(by_game.has_value());
  EXPECT_THAT(*by_game, ElementsAre(entry));
}

TEST_F(LeveldbOperationLogStoreTest, ListByGameIsNewestFirstAndHonoursLimit) {
  AppendTagged("a", "a1");
  AppendTagged("ab", "ab1");
  AppendTagged("a", "a2");
  AppendTagged("b", "b1");
  AppendTagged("a", "a3");
  AppendTagged("ab", "ab2");
  AppendTagged("a", "a4");

  EXPECT_THAT(TagsOf(log_->ListByGame("a", 3)), ElementsAre("a4", "a3", "a2"));
  EXPECT_THAT(TagsOf(log_->ListByGame("a", 100)),
              ElementsAre("a4", "a3", "a2", "a1"));
  EXPECT_THAT(TagsOf(log_->ListByGame("ab", 100)), ElementsAre("ab2", "ab1"));
  EXPECT_THAT(TagsOf(log_->ListByGame("b", 1)), ElementsAre("b1"));
}

TEST_F(LeveldbOperationLogStoreTest, ListByGameReturnsOnlyThatGame) {
  AppendTagged("a", "a1");
  AppendTagged("a/b", "slash");
  AppendTagged("a-", "dash");
  AppendTagged("", "empty");

  auto entries = log_->ListByGame("a", 100);

  ASSERT_TRUE(entries.has_value());
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].game_id, "a");
  EXPECT_THAT(TagsOf(log_->ListByGame("a/b", 100)), ElementsAre("slash"));
  EXPECT_THAT(TagsOf(log_->ListByGame("", 100)), ElementsAre("empty"));
}

TEST_F(LeveldbOperationLogStoreTest, ListByGameOfUnknownGameOrZeroLimitIsEmpty) {
  AppendTagged("a", "a1");

  EXPECT_TRUE(TagsOf(log_->ListByGame("zzz", 10)).empty());
  EXPECT_TRUE(TagsOf(log_->ListByGame("a", 0)).empty());
}

TEST_F(LeveldbOperationLogStoreTest, ListAllIsOldestFirstAfterASequence) {
  std::vector<uint64_t> sequences;
  for (int i = 0; i < 6; ++i) {
    sequences.push_back(AppendTagged(i % 2 ? "odd" : "even", std::to_string(i)));
  }

  EXPECT_EQ(SequencesOf(log_->ListAll(0, 100)), sequences);
  EXPECT_THAT(TagsOf(log_->ListAll(sequences[1], 3)),
              ElementsAre("2", "3", "4"));
  EXPECT_THAT(TagsOf(log_->ListAll(sequences[4], 100)), ElementsAre("5"));
  EXPECT_TRUE(TagsOf(log_->ListAll(sequences[5], 100)).empty());
  EXPECT_TRUE(TagsOf(log_->ListAll(0, 0)).empty());
  EXPECT_TRUE(
      TagsOf(log_->ListAll(std::numeric_limits<uint64_t>::max(), 10)).empty());
}

TEST_F(LeveldbOperationLogStoreTest, ListAllSkipsOtherKindsOfKeys) {
  AppendTagged("a", "a1");
  ASSERT_TRUE(database_->raw().Put({}, "opz", "not an entry").ok());
  ASSERT_TRUE(database_->raw().Put({}, "oo", "not an entry").ok());

  EXPECT_THAT(TagsOf(log_->ListAll(0, 10)), ElementsAre("a1"));
}

TEST_F(LeveldbOperationLogStoreTest, ConcurrentAppendsGetDistinctOrderedSequences) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 25;
  std::vector<std::vector<uint64_t>> per_thread(kThreads);
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([this, t, &per_thread] {
      for (int i = 0; i < kPerThread; ++i) {
        auto sequence =
            log_->Append(SuccessEntry("g" + std::to_string(t), OpKind::kStop));
        EXPECT_TRUE(sequence.has_value());
        if (sequence) per_thread[t].push_back(*sequence);
      }
    });
  }
  for (std::thread& writer : writers) writer.join();

  std::set<uint64_t> distinct;
  for (const auto& sequences : per_thread) {
    EXPECT_TRUE(std::is_sorted(sequences.begin(), sequences.end()));
    distinct.insert(sequences.begin(), sequences.end());
  }
  EXPECT_EQ(distinct.size(), static_cast<size_t>(kThreads * kPerThread));
  const std::vector<uint64_t> listed = SequencesOf(log_->ListAll(0, 1000));
  EXPECT_EQ(listed, std::vector<uint64_t>(distinct.begin(), distinct.end()));
  EXPECT_EQ(TagsOf(log_->ListByGame("g3", 1000)).size(),
            static_cast<size_t>(kPerThread));
}

TEST_F(LeveldbOperationLogStoreTest, UnreadableEntryIsInternalNamingItsKey) {
  const uint64_t sequence = AppendTagged("a", "a1");
  const std::string key = "op/" + std::string(19, '0') +
                          std::to_string(sequence);
  ASSERT_EQ(key.size(), 23u);
  ASSERT_TRUE(database_->raw().Put({}, key, "[]").ok());

  auto all = log_->ListAll(0, 10);
  auto by_game = log_->ListByGame("a", 10);

  ASSERT_FALSE(all.has_value());
  EXPECT_EQ(all.error().code, ErrorCode::kInternal);
  EXPECT_THAT(all.error().message, HasSubstr(key));
  ASSERT_FALSE(by_game.has_value());
  EXPECT_EQ(by_game.error().code, ErrorCode::kInternal);
  EXPECT_THAT(by_game.error().message, HasSubstr(key));
}

TEST_F(LeveldbOperationLogStoreTest, UnreadableCounterFailsOpen) {
  AppendTagged("a", "a1");
  ASSERT_TRUE(database_->raw().Put({}, "meta/op_seq", "seven").ok());

  auto reopened = LeveldbOperationLogStore::Open(*database_);

  ASSERT_FALSE(reopened.has_value());
  EXPECT_EQ(reopened.error().code, ErrorCode::kInternal);
  EXPECT_THAT(reopened.error().message, HasSubstr("meta/op_seq"));
}

TEST_F(LeveldbOperationLogStoreTest, CounterRecoversFromEntriesWithoutMeta) {
  AppendTagged("a", "a1");
  const uint64_t last = AppendTagged("a", "a2");
  ASSERT_TRUE(database_->raw().Delete({}, "meta/op_seq").ok());

  auto reopened = LeveldbOperationLogStore::Open(*database_);
  ASSERT_TRUE(reopened.has_value());
  auto next = (*reopened)->Append(SuccessEntry("a", OpKind::kStart));

  ASSERT_TRUE(next.has_value());
  EXPECT_GT(*next, last);
}

}  // namespace
}  // namespace rtm
