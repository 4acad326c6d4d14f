#include "store/leveldb/leveldb_runtime_record_store.h"

#include <memory>
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

class LeveldbRuntimeRecordStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  void Reopen() {
    store_.reset();
    database_.reset();
    auto database = LeveldbDatabase::Open(temp_.store_dir());
    ASSERT_TRUE(database.has_value()) << database.error().message;
    database_ = *std::move(database);
    store_ = std::make_unique<LeveldbRuntimeRecordStore>(*database_);
  }

  void PlantRaw(const std::string& key, const std::string& value) {
    ASSERT_TRUE(database_->raw().Put({}, key, value).ok());
  }

  std::vector<std::string> ListedIds() {
    auto records = store_->List();
    EXPECT_TRUE(records.has_value()) << records.error().message;
    std::vector<std::string> ids;
    if (records) {
      for (const RuntimeRecord& record : *records) ids.push_back(record.game_id);
    }
    return ids;
  }

  TempDir temp_;
  std::unique_ptr<LeveldbDatabase> database_;
  std::unique_ptr<LeveldbRuntimeRecordStore> store_;
};

TEST_F(LeveldbRuntimeRecordStoreTest, RoundTripsEveryField) {
  RuntimeRecord record = FullRecord("lobby-eu-1");
  ASSERT_TRUE(Track(record, store_->Upsert(record)));

  auto stored = store_->Get("lobby-eu-1");

  ASSERT_TRUE(stored.has_value()) << stored.error().message;
  EXPECT_EQ(*stored, record);
}

TEST_F(LeveldbRuntimeRecordStoreTest, PersistsAcrossCloseAndReopen) {
  RuntimeRecord record = FullRecord("lobby-eu-1");
  ASSERT_TRUE(Track(record, store_->Upsert(record)));

  Reopen();
  auto stored = store_->Get("lobby-eu-1");

  ASSERT_TRUE(stored.has_value()) << stored.error().message;
  EXPECT_EQ(*stored, record);
}

TEST_F(LeveldbRuntimeRecordStoreTest, UpsertReplacesTheRecord) {
  RuntimeRecord record = FullRecord("lobby-eu-1");
  ASSERT_TRUE(Track(record, store_->Upsert(record)));
  record.status = RuntimeStatus::kRemoved;
  record.current_container_id.clear();
  record.spec.health_check.reset();
  record.generation = 13;
  ASSERT_TRUE(Track(record, store_->Upsert(record)));

  auto stored = store_->Get("lobby-eu-1");

  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(*stored, record);
  EXPECT_THAT(ListedIds(), ElementsAre("lobby-eu-1"));
}

TEST_F(LeveldbRuntimeRecordStoreTest, GetOfMissingGameIsNotFound) {
  ASSERT_TRUE(store_->Upsert(FullRecord("other")).has_value());

  auto stored = store_->Get("lobby-eu-1");

  ASSERT_FALSE(stored.has_value());
  EXPECT_EQ(stored.error().code, ErrorCode::kNotFound);
  EXPECT_THAT(stored.error().message, HasSubstr("lobby-eu-1"));
}

TEST_F(LeveldbRuntimeRecordStoreTest, ListIsOrderedByGameIdAndOnlyRecords) {
  for (const char* id : {"b", "a0", "c-1", "a"}) {
    ASSERT_TRUE(store_->Upsert(FullRecord(id)).has_value());
  }
  PlantRaw("lease/a", R"({"token":"t","expiresAtUnixMs":1})");
  PlantRaw("re", "not a record");
  PlantRaw("rec0", "not a record either");

  EXPECT_THAT(ListedIds(), ElementsAre("a", "a0", "b", "c-1"));
}

TEST_F(LeveldbRuntimeRecordStoreTest, ListOfEmptyStoreIsEmpty) {
  EXPECT_TRUE(ListedIds().empty());
}

TEST_F(LeveldbRuntimeRecordStoreTest, UnreadableStoredValueIsInternal) {
  ASSERT_TRUE(store_->Upsert(FullRecord("fine")).has_value());
  PlantRaw("rec/broken", "{\"gameId\": 3");

  auto stored = store_->Get("broken");
  auto listed = store_->List();

  ASSERT_FALSE(stored.has_value());
  EXPECT_EQ(stored.error().code, ErrorCode::kInternal);
  EXPECT_THAT(stored.error().message, HasSubstr("rec/broken"));
  ASSERT_FALSE(listed.has_value());
  EXPECT_EQ(listed.error().code, ErrorCode::kInternal);
  EXPECT_THAT(listed.error().message, HasSubstr("rec/broken"));
}

TEST_F(LeveldbRuntimeRecordStoreTest, WellFormedJsonOfWrongShapeIsInternal) {
  PlantRaw("rec/odd", R"({"gameId": "odd", "status": "sleeping"})");

  auto stored = store_->Get("odd");

  ASSERT_FALSE(stored.has_value());
  EXPECT_EQ(stored.error().code, ErrorCode::kInternal);
  EXPECT_THAT(stored.error().message, HasSubstr("rec/odd"));
  EXPECT_THAT(stored.error().message, HasSubstr("status"));
}

TEST_F(LeveldbRuntimeRecordStoreTest, UpsertWithoutGameIdIsInvalid) {
  auto written = store_->Upsert(RuntimeRecord{});

  ASSERT_FALSE(written.has_value());
  EXPECT_EQ(written.error().code, ErrorCode::kInvalidRequest);
}

TEST_F(LeveldbRuntimeRecordStoreTest, ConcurrentUpsertsOfDifferentGamesAllLand) {
  std::vector<std::thread> writers;
  for (int i = 0; i < 8; ++i) {
    writers.emplace_back([this, i] {
      for (int j = 0; j < 10; ++j) {
        const std::string id =
            "g" + std::to_string(i) + "-" + std::to_string(j);
        EXPECT_TRUE(store_->Upsert(FullRecord(id)).has_value());
      }
    });
  }
  for (std::thread& writer : writers) writer.join();

  EXPECT_EQ(ListedIds().size(), 80u);
}

}  // namespace
}  // namespace rtm
