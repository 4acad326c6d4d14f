// The store-wide revision shared by desired state and status (docs/contract.md §6
// watch): LeveldbDatabase::WriteRevisioned as the two adapters use it.
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/leveldb/leveldb_database.h"
#include "store/leveldb/leveldb_desired_state_store.h"
#include "store/leveldb/leveldb_runtime_record_store.h"
#include "store/leveldb/leveldb_status_store.h"
#include "store/codec/record_codec.h"
#include "store/leveldb/store_keys.h"
#include "test/store/store_test_data.h"

namespace rtm {
namespace {

using ::testing::HasSubstr;

class LeveldbRevisionTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  void Close() {
    desired_.reset();
    status_.reset();
    database_.reset();
  }

  void Reopen() {
    Close();
    auto database = LeveldbDatabase::Open(temp_.store_dir());
    ASSERT_TRUE(database.has_value()) << database.error().message;
    database_ = *std::move(database);
    desired_ = std::make_unique<LeveldbDesiredStateStore>(*database_);
    status_ = std::make_unique<LeveldbStatusStore>(*database_);
  }

  std::string StoredRevision() {
    auto stored = database_->Get(kRevisionKey);
    EXPECT_TRUE(stored.has_value()) << stored.error().message;
    return stored && stored->has_value() ? **stored : "<none>";
  }

  TempDir temp_;
  std::unique_ptr<LeveldbDatabase> database_;
  std::unique_ptr<LeveldbDesiredStateStore> desired_;
  std::unique_ptr<LeveldbStatusStore> status_;
};

TEST_F(LeveldbRevisionTest, NewStoreIsAtRevisionZero) {
  EXPECT_EQ(database_->CurrentRevision(), 0u);
  EXPECT_EQ(desired_->CurrentRevision(), 0u);
  EXPECT_EQ(status_->CurrentRevision(), 0u);
  EXPECT_EQ(StoredRevision(), "<none>");
}

TEST_F(LeveldbRevisionTest, EveryPutOfEitherKindStrictlyIncreasesIt) {
  uint64_t previous = desired_->CurrentRevision();
  for (int i = 0; i < 6; ++i) {
    const std::string name = "g" + std::to_string(i % 2);
    if (i % 3 == 0) {
      DesiredRuntime runtime = FullDesired(name);
      if (auto stored = desired_->Get(name)) runtime.revision = stored->revision;
      ASSERT_TRUE(desired_->Put(runtime).has_value());
    } else {
      RuntimeStatusView status = FullStatus();
      if (auto stored = status_->Get(name)) status.revision = stored->revision;
      ASSERT_TRUE(status_->Put(name, status).has_value());
    }

    const uint64_t current = desired_->CurrentRevision();
    EXPECT_GT(current, previous) << "after put " << i;
    EXPECT_EQ(current, previous + 1);
    EXPECT_EQ(status_->CurrentRevision(), current);
    EXPECT_EQ(StoredRevision(), std::to_string(current));
    previous = current;
  }
}

TEST_F(LeveldbRevisionTest, RecordWritesTakeRevisionsAndRefusedWritesNone) {
  ASSERT_TRUE(desired_->Put(FullDesired("a")).has_value());
  LeveldbRuntimeRecordStore records(*database_);
  auto record = records.Upsert(FullRecord("a"));
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(*record, 2u);
  ASSERT_FALSE(desired_->Put(DesiredRuntime{}).has_value());
  ASSERT_FALSE(status_->Put("", FullStatus()).has_value());
  ASSERT_FALSE(desired_->Put(FullDesired("a")).has_value());  // a conflict

  EXPECT_EQ(desired_->CurrentRevision(), 2u);
  EXPECT_EQ(StoredRevision(), "2");
}

TEST_F(LeveldbRevisionTest, SurvivesReopenAndKeepsIncreasing) {
  ASSERT_TRUE(desired_->Put(FullDesired("a")).has_value());
  ASSERT_TRUE(status_->Put("a", FullStatus()).has_value());
  ASSERT_TRUE(desired_->Put(FullDesired("b")).has_value());
  const uint64_t before = desired_->CurrentRevision();
  ASSERT_EQ(before, 3u);

  Reopen();

  EXPECT_EQ(desired_->CurrentRevision(), before);
  EXPECT_EQ(status_->CurrentRevision(), before);
  ASSERT_TRUE(status_->Put("b", FullStatus()).has_value());
  EXPECT_EQ(status_->CurrentRevision(), before + 1);
  EXPECT_EQ(desired_->Get("b")->revision, 3u);  // its own, read back

  Reopen();

  EXPECT_EQ(desired_->CurrentRevision(), before + 1);
  ASSERT_TRUE(desired_->Put(FullDesired("c")).has_value());
  EXPECT_EQ(desired_->CurrentRevision(), before + 2);
}

TEST_F(LeveldbRevisionTest, RevisionedWriteReturnsTheNewRevision) {
  uint64_t committed = 0;
  auto one = database_->WriteRevisioned(
      Durability::kSynced,
      [](uint64_t revision, leveldb::WriteBatch& batch) -> Expected<void> {
        EXPECT_EQ(revision, 1u);
        batch.Put("x/1", "a");
        return {};
      },
      [&](uint64_t revision) { committed = revision; });
  auto two = database_->WriteRevisioned(
      Durability::kBuffered,
      [](uint64_t, leveldb::WriteBatch& batch) -> Expected<void> {
        batch.Put("x/2", "b");
        return {};
      });

  ASSERT_TRUE(one.has_value() && two.has_value());
  EXPECT_EQ(*one, 1u);
  EXPECT_EQ(committed, 1u);
  EXPECT_EQ(*two, 2u);
  EXPECT_EQ(database_->CurrentRevision(), 2u);
}

TEST_F(LeveldbRevisionTest, AWriteItsBuilderRefusesConsumesNoRevision) {
  auto refused = database_->WriteRevisioned(
      Durability::kSynced,
      [](uint64_t, leveldb::WriteBatch& batch) -> Expected<void> {
        batch.Put("x/1", "a");
        return Fail(ErrorCode::kConflict, "moved");
      },
      [](uint64_t) { ADD_FAILURE() << "nothing was committed"; });

  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kConflict);
  EXPECT_EQ(database_->CurrentRevision(), 0u);
  EXPECT_FALSE(database_->Get("x/1")->has_value());
}

TEST_F(LeveldbRevisionTest, ConcurrentPutsEachGetTheirOwnRevision) {
  constexpr int kThreads = 8;
  constexpr int kPutsPerThread = 25;
  std::vector<std::thread> writers;
  for (int i = 0; i < kThreads; ++i) {
    writers.emplace_back([this, i] {
      for (int j = 0; j < kPutsPerThread; ++j) {
        const std::string name = "g" + std::to_string(i);
        if (j % 2 == 0) {
          DesiredRuntime runtime = FullDesired(name);
          if (auto stored = desired_->Get(name)) runtime.revision = stored->revision;
          EXPECT_TRUE(desired_->Put(runtime).has_value());
        } else {
          RuntimeStatusView status = FullStatus();
          if (auto stored = status_->Get(name)) status.revision = stored->revision;
          EXPECT_TRUE(status_->Put(name, status).has_value());
        }
      }
    });
  }
  for (std::thread& writer : writers) writer.join();

  constexpr uint64_t kPuts = kThreads * kPutsPerThread;
  EXPECT_EQ(desired_->CurrentRevision(), kPuts);
  EXPECT_EQ(StoredRevision(), std::to_string(kPuts));
  Reopen();
  EXPECT_EQ(status_->CurrentRevision(), kPuts);
}

TEST_F(LeveldbRevisionTest, ConcurrentRevisionedWritesGetDistinctRevisions) {
  constexpr int kThreads = 8;
  constexpr int kWritesPerThread = 25;
  std::vector<std::vector<uint64_t>> seen(kThreads);
  std::vector<std::thread> writers;
  for (int i = 0; i < kThreads; ++i) {
    writers.emplace_back([this, i, &seen] {
      uint64_t previous = 0;
      for (int j = 0; j < kWritesPerThread; ++j) {
        auto revision = database_->WriteRevisioned(
            Durability::kBuffered,
            [i](uint64_t, leveldb::WriteBatch& batch) -> Expected<void> {
              batch.Put("x/g" + std::to_string(i), "{}");
              return {};
            });
        ASSERT_TRUE(revision.has_value());
        EXPECT_GT(*revision, previous);
        previous = *revision;
        seen[i].push_back(*revision);
      }
    });
  }
  for (std::thread& writer : writers) writer.join();

  std::set<uint64_t> distinct;
  for (const auto& revisions : seen) {
    distinct.insert(revisions.begin(), revisions.end());
  }
  EXPECT_EQ(distinct.size(), size_t{kThreads * kWritesPerThread});
  EXPECT_EQ(*distinct.begin(), 1u);
  EXPECT_EQ(*distinct.rbegin(), uint64_t{kThreads * kWritesPerThread});
}

TEST_F(LeveldbRevisionTest, UnreadableStoredRevisionIsRefusedAtOpen) {
  ASSERT_TRUE(desired_->Put(FullDesired("a")).has_value());
  ASSERT_TRUE(database_->raw().Put({}, std::string(kRevisionKey), "12x").ok());
  Close();

  auto database = LeveldbDatabase::Open(temp_.store_dir());

  ASSERT_FALSE(database.has_value());
  EXPECT_EQ(database.error().code, ErrorCode::kInternal);
  EXPECT_THAT(database.error().message, HasSubstr("meta/revision"));
  EXPECT_THAT(database.error().message, HasSubstr(temp_.store_dir()));
  EXPECT_THAT(database.error().message, HasSubstr("refusing to start"));
}

}  // namespace
}  // namespace rtm
