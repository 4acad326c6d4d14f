// ChangeHistory beyond the store contract: its history is bounded in
// bytes, keeps the newest change whatever its size, and starts empty at the
// store's revision when the store opens.
#include "store/history/change_history.h"

#include <memory>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/leveldb/leveldb_database.h"
#include "store/leveldb/leveldb_desired_state_store.h"
#include "store/leveldb/leveldb_status_store.h"
#include "test/store/store_test_data.h"

namespace rtm {
namespace {

class ChangeHistoryTest : public ::testing::Test {
 protected:
  void Open(size_t history_bytes) {
    desired_.reset();
    database_.reset();
    auto database = LeveldbDatabase::Open(
        temp_.store_dir(), LeveldbStoreOptions{.change_history_bytes = history_bytes});
    ASSERT_TRUE(database.has_value()) << database.error().message;
    database_ = *std::move(database);
    desired_ = std::make_unique<LeveldbDesiredStateStore>(*database_);
  }
  // Writes `name` with a label of `label_bytes` bytes; its revision.
  uint64_t Write(const std::string& name, size_t label_bytes) {
    DesiredRuntime runtime = FullDesired(name);
    if (auto stored = desired_->Get(name)) runtime.revision = stored->revision;
    runtime.labels = {{"blob", std::string(label_bytes, 'x')}};
    auto written = desired_->Put(runtime);
    EXPECT_TRUE(written.has_value()) << written.error().message;
    return written ? *written : 0;
  }
  ChangeBatch Read(uint64_t after, size_t limit = 1000) {
    auto batch = database_->changes().ReadAfter(after, limit);
    EXPECT_TRUE(batch.has_value());
    return batch ? *batch : ChangeBatch{};
  }

  TempDir temp_;
  std::unique_ptr<LeveldbDatabase> database_;
  std::unique_ptr<LeveldbDesiredStateStore> desired_;
};

TEST_F(ChangeHistoryTest, HistoryIsBoundedInBytesAndOlderReadsAreLost) {
  Open(20 * 1024);
  for (int i = 0; i < 10; ++i) Write("g", 4096);

  ChangeHistory& feed = database_->changes();
  EXPECT_GE(feed.retained_changes(), 2u);
  EXPECT_LE(feed.retained_changes(), 5u);
  EXPECT_LE(feed.retained_bytes(), 20u * 1024);
  const uint64_t oldest_kept = 10 - feed.retained_changes() + 1;
  EXPECT_TRUE(Read(oldest_kept - 2).history_lost);
  ChangeBatch kept = Read(oldest_kept - 1);
  ASSERT_FALSE(kept.history_lost);
  ASSERT_EQ(kept.changes.size(), feed.retained_changes());
  EXPECT_EQ(kept.changes.front()->revision, oldest_kept);
  EXPECT_EQ(kept.changes.back()->revision, 10u);
}

TEST_F(ChangeHistoryTest, NewestChangeIsKeptEvenWhenLargerThanTheBound) {
  Open(1024);
  Write("g", 8192);
  Write("g", 8192);

  EXPECT_EQ(database_->changes().retained_changes(), 1u);
  EXPECT_TRUE(Read(0).history_lost);
  ASSERT_EQ(Read(1).changes.size(), 1u);
  EXPECT_EQ(Read(1).changes[0]->desired->labels.at("blob").size(), 8192u);
}

TEST_F(ChangeHistoryTest, ReadReturnsAtMostLimitChangesOldestFirst) {
  Open(kDefaultChangeHistoryBytes);
  for (int i = 0; i < 10; ++i) Write("g" + std::to_string(i), 10);

  ChangeBatch first = Read(2, 3);
  ASSERT_EQ(first.changes.size(), 3u);
  EXPECT_EQ(first.changes.front()->revision, 3u);
  EXPECT_EQ(first.changes.back()->revision, 5u);
  EXPECT_EQ(Read(5, 100).changes.size(), 5u);
  EXPECT_TRUE(Read(10, 3).changes.empty());
  EXPECT_FALSE(Read(10, 3).history_lost);
}

TEST_F(ChangeHistoryTest, AfterReopenTheHistoryStartsAtTheStoresRevision) {
  Open(kDefaultChangeHistoryBytes);
  Write("a", 10);
  Write("b", 10);
  Open(kDefaultChangeHistoryBytes);

  EXPECT_EQ(*database_->changes().Revision(), 2u);
  EXPECT_TRUE(Read(1).history_lost);  // the client relists
  EXPECT_TRUE(Read(2).changes.empty());
  Write("a", 10);
  ASSERT_EQ(Read(2).changes.size(), 1u);
  EXPECT_EQ(Read(2).changes[0]->type, ChangeType::kModified);
}

TEST_F(ChangeHistoryTest, ChangesOfARuntimeShareTheHalfTheyDidNotWrite) {
  Open(kDefaultChangeHistoryBytes);
  Write("g", 10);
  LeveldbStatusStore statuses(*database_);
  RuntimeStatusView status = FullStatus();
  ASSERT_TRUE(Track(status, statuses.Put("g", status)));
  ASSERT_TRUE(Track(status, statuses.Put("g", status)));

  ChangeBatch batch = Read(0);
  ASSERT_EQ(batch.changes.size(), 3u);
  EXPECT_EQ(batch.changes[1]->desired, batch.changes[0]->desired);  // one copy
  EXPECT_EQ(batch.changes[2]->desired, batch.changes[0]->desired);
  EXPECT_EQ(batch.changes[2]->status->revision, status.revision);

  // After a restart no change is retained: the halves come from the store.
  Open(kDefaultChangeHistoryBytes);
  LeveldbStatusStore reopened(*database_);
  ASSERT_TRUE(Track(status, reopened.Put("g", status)));
  ChangeBatch after = Read(3);
  ASSERT_EQ(after.changes.size(), 1u);
  ASSERT_NE(after.changes[0]->desired, nullptr);
  EXPECT_EQ(after.changes[0]->desired->revision, 1u);
  EXPECT_EQ(after.changes[0]->type, ChangeType::kModified);
}

}  // namespace
}  // namespace rtm
