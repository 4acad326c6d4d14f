#include "store/leveldb/leveldb_desired_state_store.h"

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/leveldb/leveldb_runtime_record_store.h"
#include "store/leveldb/leveldb_status_store.h"
#include "store/codec/record_codec.h"
#include "test/store/store_test_data.h"

namespace rtm {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class LeveldbDesiredStateStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  void Reopen() {
    store_.reset();
    database_.reset();
    auto database = LeveldbDatabase::Open(temp_.store_dir());
    ASSERT_TRUE(database.has_value()) << database.error().message;
    database_ = *std::move(database);
    store_ = std::make_unique<LeveldbDesiredStateStore>(*database_);
  }

  void PlantRaw(const std::string& key, const std::string& value) {
    ASSERT_TRUE(database_->raw().Put({}, key, value).ok());
  }

  std::vector<std::string> ListedNames() {
    auto runtimes = store_->List();
    EXPECT_TRUE(runtimes.has_value()) << runtimes.error().message;
    std::vector<std::string> names;
    if (runtimes) {
      for (const DesiredRuntime& runtime : *runtimes) {
        names.push_back(runtime.name);
      }
    }
    return names;
  }

  TempDir temp_;
  std::unique_ptr<LeveldbDatabase> database_;
  std::unique_ptr<LeveldbDesiredStateStore> store_;
};

TEST_F(LeveldbDesiredStateStoreTest, RoundTripsEveryField) {
  DesiredRuntime runtime = FullDesired("lobby-eu-1");
  ASSERT_TRUE(Track(runtime, store_->Put(runtime)));

  auto stored = store_->Get("lobby-eu-1");

  ASSERT_TRUE(stored.has_value()) << stored.error().message;
  EXPECT_EQ(*stored, runtime);
}

TEST_F(LeveldbDesiredStateStoreTest, PersistsAcrossCloseAndReopen) {
  DesiredRuntime runtime = FullDesired("lobby-eu-1");
  ASSERT_TRUE(Track(runtime, store_->Put(runtime)));

  Reopen();
  auto stored = store_->Get("lobby-eu-1");
  auto listed = store_->List();

  ASSERT_TRUE(stored.has_value()) << stored.error().message;
  EXPECT_EQ(*stored, runtime);
  ASSERT_TRUE(listed.has_value()) << listed.error().message;
  EXPECT_THAT(*listed, ElementsAre(runtime));
}

TEST_F(LeveldbDesiredStateStoreTest, PutReplacesTheObject) {
  DesiredRuntime runtime = FullDesired("lobby-eu-1");
  ASSERT_TRUE(Track(runtime, store_->Put(runtime)));
  runtime.deleted = false;
  runtime.manifest_error.clear();
  runtime.labels.clear();
  runtime.spec.health_check.reset();
  runtime.generation = 13;
  ASSERT_TRUE(Track(runtime, store_->Put(runtime)));

  auto stored = store_->Get("lobby-eu-1");

  ASSERT_TRUE(stored.has_value()) << stored.error().message;
  EXPECT_EQ(*stored, runtime);
  EXPECT_THAT(ListedNames(), ElementsAre("lobby-eu-1"));
}

TEST_F(LeveldbDesiredStateStoreTest, GetOfMissingNameIsNotFound) {
  ASSERT_TRUE(store_->Put(FullDesired("other")).has_value());

  auto stored = store_->Get("lobby-eu-1");

  ASSERT_FALSE(stored.has_value());
  EXPECT_EQ(stored.error().code, ErrorCode::kNotFound);
  EXPECT_THAT(stored.error().message, HasSubstr("lobby-eu-1"));
}

TEST_F(LeveldbDesiredStateStoreTest, ListIsOrderedByNameWithTombstones) {
  for (const char* name : {"b", "a0", "c-1", "a"}) {
    DesiredRuntime runtime = FullDesired(name);
    runtime.deleted = std::string(name) == "a0" || std::string(name) == "c-1";
    ASSERT_TRUE(Track(runtime, store_->Put(runtime)));
  }

  auto listed = store_->List();

  ASSERT_TRUE(listed.has_value()) << listed.error().message;
  ASSERT_EQ(listed->size(), 4u);
  EXPECT_EQ((*listed)[0].name, "a");
  EXPECT_FALSE((*listed)[0].deleted);
  EXPECT_EQ((*listed)[1].name, "a0");
  EXPECT_TRUE((*listed)[1].deleted);
  EXPECT_EQ((*listed)[2].name, "b");
  EXPECT_FALSE((*listed)[2].deleted);
  EXPECT_EQ((*listed)[3].name, "c-1");
  EXPECT_TRUE((*listed)[3].deleted);
}

TEST_F(LeveldbDesiredStateStoreTest, ListHoldsOnlyDesiredObjects) {
  ASSERT_TRUE(store_->Put(FullDesired("b")).has_value());
  LeveldbStatusStore statuses(*database_);
  ASSERT_TRUE(statuses.Put("a", FullStatus()).has_value());
  LeveldbRuntimeRecordStore records(*database_);
  ASSERT_TRUE(records.Upsert(FullRecord("a")).has_value());
  PlantRaw("desire", "not a desired object");
  PlantRaw("desired0", "not a desired object either");

  EXPECT_THAT(ListedNames(), ElementsAre("b"));
}

TEST_F(LeveldbDesiredStateStoreTest, ListOfEmptyStoreIsEmpty) {
  EXPECT_TRUE(ListedNames().empty());
}

TEST_F(LeveldbDesiredStateStoreTest, UnreadableStoredValueIsInternal) {
  ASSERT_TRUE(store_->Put(FullDesired("fine")).has_value());
  PlantRaw("desired/broken", "{\"metadata\": 3");

  auto stored = store_->Get("broken");
  auto listed = store_->List();

  ASSERT_FALSE(stored.has_value());
  EXPECT_EQ(stored.error().code, ErrorCode::kInternal);
  EXPECT_THAT(stored.error().message, HasSubstr("desired/broken"));
  ASSERT_FALSE(listed.has_value());
  EXPECT_EQ(listed.error().code, ErrorCode::kInternal);
  EXPECT_THAT(listed.error().message, HasSubstr("desired/broken"));
}

TEST_F(LeveldbDesiredStateStoreTest, WellFormedJsonOfWrongShapeIsInternal) {
  PlantRaw("desired/odd", R"({"metadata": {"name": "odd"}, "spec": {}})");

  auto stored = store_->Get("odd");

  ASSERT_FALSE(stored.has_value());
  EXPECT_EQ(stored.error().code, ErrorCode::kInternal);
  EXPECT_THAT(stored.error().message, HasSubstr("desired/odd"));
  EXPECT_THAT(stored.error().message, HasSubstr("metadata.labels"));
}

TEST_F(LeveldbDesiredStateStoreTest, ValueOfAnotherNameIsInternal) {
  PlantRaw("desired/here", EncodeDesiredRuntime(FullDesired("elsewhere")));

  auto stored = store_->Get("here");
  auto listed = store_->List();

  ASSERT_FALSE(stored.has_value());
  EXPECT_EQ(stored.error().code, ErrorCode::kInternal);
  EXPECT_THAT(stored.error().message, HasSubstr("desired/here"));
  EXPECT_THAT(stored.error().message, HasSubstr("elsewhere"));
  ASSERT_FALSE(listed.has_value());
  EXPECT_EQ(listed.error().code, ErrorCode::kInternal);
}

TEST_F(LeveldbDesiredStateStoreTest, PutWithoutNameIsInvalid) {
  auto written = store_->Put(DesiredRuntime{});

  ASSERT_FALSE(written.has_value());
  EXPECT_EQ(written.error().code, ErrorCode::kInvalidRequest);
  EXPECT_EQ(store_->CurrentRevision(), 0u);
}

TEST_F(LeveldbDesiredStateStoreTest, ConcurrentPutsOfDifferentNamesAllLand) {
  std::vector<std::thread> writers;
  for (int i = 0; i < 8; ++i) {
    writers.emplace_back([this, i] {
      for (int j = 0; j < 10; ++j) {
        const std::string name =
            "g" + std::to_string(i) + "-" + std::to_string(j);
        EXPECT_TRUE(store_->Put(FullDesired(name)).has_value());
      }
    });
  }
  for (std::thread& writer : writers) writer.join();

  EXPECT_EQ(ListedNames().size(), 80u);
}

}  // namespace
}  // namespace rtm
