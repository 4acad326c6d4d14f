#include "store/leveldb/leveldb_status_store.h"

#include <memory>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test/store/store_test_data.h"

namespace rtm {
namespace {

using ::testing::HasSubstr;

class LeveldbStatusStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  void Reopen() {
    store_.reset();
    database_.reset();
    auto database = LeveldbDatabase::Open(temp_.store_dir());
    ASSERT_TRUE(database.has_value()) << database.error().message;
    database_ = *std::move(database);
    store_ = std::make_unique<LeveldbStatusStore>(*database_);
  }

  void PlantRaw(const std::string& key, const std::string& value) {
    ASSERT_TRUE(database_->raw().Put({}, key, value).ok());
  }

  TempDir temp_;
  std::unique_ptr<LeveldbDatabase> database_;
  std::unique_ptr<LeveldbStatusStore> store_;
};

TEST_F(LeveldbStatusStoreTest, RoundTripsEveryField) {
  RuntimeStatusView status = FullStatus();
  ASSERT_TRUE(Track(status, store_->Put("lobby-eu-1", status)));

  auto stored = store_->Get("lobby-eu-1");

  ASSERT_TRUE(stored.has_value()) << stored.error().message;
  EXPECT_EQ(*stored, status);
}

TEST_F(LeveldbStatusStoreTest, RoundTripsDefaults) {
  RuntimeStatusView defaults;
  ASSERT_TRUE(Track(defaults, store_->Put("lobby-eu-1", defaults)));

  auto stored = store_->Get("lobby-eu-1");

  ASSERT_TRUE(stored.has_value()) << stored.error().message;
  EXPECT_EQ(*stored, defaults);
}

TEST_F(LeveldbStatusStoreTest, PersistsAcrossCloseAndReopen) {
  RuntimeStatusView status = FullStatus();
  ASSERT_TRUE(Track(status, store_->Put("lobby-eu-1", status)));

  Reopen();
  auto stored = store_->Get("lobby-eu-1");

  ASSERT_TRUE(stored.has_value()) << stored.error().message;
  EXPECT_EQ(*stored, status);
}

TEST_F(LeveldbStatusStoreTest, PutReplacesTheStatus) {
  RuntimeStatusView status = FullStatus();
  ASSERT_TRUE(Track(status, store_->Put("lobby-eu-1", status)));
  status.phase = Phase::kRunning;
  status.last_error.reset();
  status.conditions.pop_back();
  ASSERT_TRUE(Track(status, store_->Put("lobby-eu-1", status)));

  auto stored = store_->Get("lobby-eu-1");

  ASSERT_TRUE(stored.has_value()) << stored.error().message;
  EXPECT_EQ(*stored, status);
}

TEST_F(LeveldbStatusStoreTest, StatusesOfDifferentNamesAreSeparate) {
  RuntimeStatusView other = FullStatus();
  other.phase = Phase::kStopped;
  ASSERT_TRUE(store_->Put("a", FullStatus()).has_value());
  ASSERT_TRUE(store_->Put("a0", other).has_value());

  auto a = store_->Get("a");
  auto a0 = store_->Get("a0");

  ASSERT_TRUE(a.has_value() && a0.has_value());
  EXPECT_EQ(a->phase, Phase::kFailed);
  EXPECT_EQ(a0->phase, Phase::kStopped);
}

TEST_F(LeveldbStatusStoreTest, GetBeforeFirstPutIsNotFound) {
  ASSERT_TRUE(store_->Put("other", FullStatus()).has_value());

  auto stored = store_->Get("lobby-eu-1");

  ASSERT_FALSE(stored.has_value());
  EXPECT_EQ(stored.error().code, ErrorCode::kNotFound);
  EXPECT_THAT(stored.error().message, HasSubstr("lobby-eu-1"));
}

TEST_F(LeveldbStatusStoreTest, UnreadableStoredValueIsInternal) {
  PlantRaw("status/broken", "{\"phase\": ");

  auto stored = store_->Get("broken");

  ASSERT_FALSE(stored.has_value());
  EXPECT_EQ(stored.error().code, ErrorCode::kInternal);
  EXPECT_THAT(stored.error().message, HasSubstr("status/broken"));
  EXPECT_THAT(stored.error().message, HasSubstr("not valid JSON"));
}

TEST_F(LeveldbStatusStoreTest, WellFormedJsonOfWrongShapeIsInternal) {
  PlantRaw("status/odd", R"({"phase": "Sleeping"})");

  auto stored = store_->Get("odd");

  ASSERT_FALSE(stored.has_value());
  EXPECT_EQ(stored.error().code, ErrorCode::kInternal);
  EXPECT_THAT(stored.error().message, HasSubstr("status/odd"));
  EXPECT_THAT(stored.error().message, HasSubstr("phase"));
}

TEST_F(LeveldbStatusStoreTest, PutWithoutNameIsInvalid) {
  auto written = store_->Put("", FullStatus());

  ASSERT_FALSE(written.has_value());
  EXPECT_EQ(written.error().code, ErrorCode::kInvalidRequest);
  EXPECT_EQ(store_->CurrentRevision(), 0u);
}

}  // namespace
}  // namespace rtm
