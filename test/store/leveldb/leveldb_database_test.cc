#include "store/leveldb/leveldb_database.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/leveldb/leveldb_runtime_record_store.h"
#include "test/store/leveldb/full_disk_env.h"
#include "test/store/store_test_support.h"

namespace rtm {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void WriteFile(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

// Name → contents of every data file of a store; leveldb's LOCK and its
// info logs (LOG, LOG.old: rewritten by every open attempt) are left out.
std::map<std::string, std::string> DataFiles(const std::string& dir) {
  std::map<std::string, std::string> files;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name == "LOCK" || name == "LOG" || name == "LOG.old") continue;
    files[name] = ReadFile(entry.path());
  }
  return files;
}

fs::path ManifestOf(const std::string& dir) {
  for (const fs::directory_entry& entry : fs::directory_iterator(dir)) {
    if (entry.path().filename().string().starts_with("MANIFEST-")) {
      return entry.path();
    }
  }
  ADD_FAILURE() << "no MANIFEST in " << dir;
  return {};
}

fs::path WriteAheadLogOf(const std::string& dir) {
  for (const fs::directory_entry& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() == ".log") return entry.path();
  }
  ADD_FAILURE() << "no write-ahead log in " << dir;
  return {};
}

class LeveldbDatabaseTest : public ::testing::Test {
 protected:
  // A store holding one record, closed again.
  void CreateStoreWithData() {
    auto database = LeveldbDatabase::Open(dir_);
    ASSERT_TRUE(database.has_value()) << database.error().message;
    UpsertBareRecord(**database, "lobby-eu-1");
  }

  void UpsertBareRecord(LeveldbDatabase& database, const std::string& id) {
    LeveldbRuntimeRecordStore records(database);
    RuntimeRecord record;
    record.game_id = id;
    record.spec.image = "galaxy/game:1";
    ASSERT_TRUE(records.Upsert(record).has_value());
  }

  TempDir temp_;
  std::string dir_ = temp_.store_dir();
};

TEST_F(LeveldbDatabaseTest, CreatesMissingDirectoryAndStore) {
  auto database = LeveldbDatabase::Open(dir_);

  ASSERT_TRUE(database.has_value()) << database.error().message;
  EXPECT_EQ((*database)->dir(), dir_);
  EXPECT_TRUE(fs::exists(fs::path(dir_) / "CURRENT"));
  EXPECT_EQ(fs::status(dir_).permissions() & fs::perms::mask, fs::perms::owner_all)
      << "a new data directory is the owner's only (0700)";
}

TEST_F(LeveldbDatabaseTest, ADirectoryOthersCanWriteIsRefusedAndLeftAsItIs) {
  CreateStoreWithData();
  for (const fs::perms mode : {fs::perms::owner_all | fs::perms::group_all,
                               fs::perms::owner_all | fs::perms::others_write |
                                   fs::perms::others_exec}) {
    fs::permissions(dir_, mode, fs::perm_options::replace);
    auto refused = LeveldbDatabase::Open(dir_);
    ASSERT_FALSE(refused.has_value());
    EXPECT_EQ(refused.error().code, ErrorCode::kInvalidRequest);
    EXPECT_THAT(refused.error().message, HasSubstr("writable by its group or others"));
    EXPECT_THAT(refused.error().message, HasSubstr("chmod go-w " + dir_));
    EXPECT_EQ(fs::status(dir_).permissions() & fs::perms::mask, mode) << "not changed";
  }
  fs::permissions(dir_, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                            fs::perms::others_read | fs::perms::others_exec,
                  fs::perm_options::replace);
  auto readable = LeveldbDatabase::Open(dir_);
  EXPECT_TRUE(readable.has_value()) << "0755: others may read, not write";
}

TEST_F(LeveldbDatabaseTest, KeepsDataAcrossReopen) {
  CreateStoreWithData();

  auto reopened = LeveldbDatabase::Open(dir_);

  ASSERT_TRUE(reopened.has_value()) << reopened.error().message;
  auto value = (*reopened)->Get("rec/lobby-eu-1");
  ASSERT_TRUE(value.has_value());
  EXPECT_TRUE(value->has_value());
}

TEST_F(LeveldbDatabaseTest, GetOfMissingKeyIsEmpty) {
  auto database = LeveldbDatabase::Open(dir_);
  ASSERT_TRUE(database.has_value());

  auto value = (*database)->Get("rec/nobody");

  ASSERT_TRUE(value.has_value());
  EXPECT_FALSE(value->has_value());
}

TEST_F(LeveldbDatabaseTest, PathThatIsAFileIsUnavailable) {
  const fs::path file = temp_.path() / "plain-file";
  WriteFile(file, "not a directory");

  auto database = LeveldbDatabase::Open(file.string());

  ASSERT_FALSE(database.has_value());
  EXPECT_EQ(database.error().code, ErrorCode::kServiceUnavailable);
  EXPECT_THAT(database.error().message, HasSubstr(file.string()));
}

TEST_F(LeveldbDatabaseTest, SecondOpenOfLockedStoreNamesPathAndLock) {
  auto first = LeveldbDatabase::Open(dir_);
  ASSERT_TRUE(first.has_value()) << first.error().message;

  auto second = LeveldbDatabase::Open(dir_);

  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().code, ErrorCode::kServiceUnavailable);
  EXPECT_THAT(second.error().message, HasSubstr("open store at " + dir_));
  EXPECT_THAT(second.error().message, HasSubstr("lock"));
  leveldb::WriteBatch batch;
  batch.Put("meta/probe", "still usable");
  EXPECT_TRUE((*first)->Write(batch, Durability::kSynced).has_value());
}

TEST_F(LeveldbDatabaseTest, StoreIsOpenableAgainOnceTheHolderCloses) {
  auto first = LeveldbDatabase::Open(dir_);
  ASSERT_TRUE(first.has_value());
  first->reset();

  auto second = LeveldbDatabase::Open(dir_);

  EXPECT_TRUE(second.has_value()) << second.error().message;
}

TEST_F(LeveldbDatabaseTest, GarbageCurrentIsCorruptAndLeftInPlace) {
  CreateStoreWithData();
  WriteFile(fs::path(dir_) / "CURRENT", "garbage");
  const auto before = DataFiles(dir_);

  auto database = LeveldbDatabase::Open(dir_);

  ASSERT_FALSE(database.has_value());
  EXPECT_EQ(database.error().code, ErrorCode::kInternal);
  EXPECT_THAT(database.error().message,
              HasSubstr("store at " + dir_ + " is corrupt: "));
  EXPECT_THAT(database.error().message, HasSubstr("CURRENT"));
  EXPECT_THAT(database.error().message, HasSubstr("refusing to start"));
  EXPECT_EQ(DataFiles(dir_), before);
  EXPECT_FALSE(LeveldbDatabase::Open(dir_).has_value());
  EXPECT_EQ(DataFiles(dir_), before);
}

TEST_F(LeveldbDatabaseTest, GarbageManifestIsCorruptAndLeftInPlace) {
  CreateStoreWithData();
  const fs::path manifest = ManifestOf(dir_);
  WriteFile(manifest, std::string(4096, '\x5a'));
  const auto before = DataFiles(dir_);

  auto database = LeveldbDatabase::Open(dir_);

  ASSERT_FALSE(database.has_value());
  EXPECT_EQ(database.error().code, ErrorCode::kInternal);
  EXPECT_THAT(database.error().message,
              HasSubstr("store at " + dir_ + " is corrupt: Corruption: "));
  EXPECT_THAT(database.error().message, HasSubstr("refusing to start"));
  EXPECT_EQ(DataFiles(dir_), before);
}

TEST_F(LeveldbDatabaseTest, TornLogTailOfACrashedWriterIsTolerated) {
  {
    auto database = LeveldbDatabase::Open(dir_);
    ASSERT_TRUE(database.has_value());
    UpsertBareRecord(**database, "complete");
    UpsertBareRecord(**database, "torn");
  }
  const fs::path log = WriteAheadLogOf(dir_);
  fs::resize_file(log, fs::file_size(log) - 10);

  auto database = LeveldbDatabase::Open(dir_);

  ASSERT_TRUE(database.has_value()) << database.error().message;
  auto complete = (*database)->Get("rec/complete");
  auto torn = (*database)->Get("rec/torn");
  ASSERT_TRUE(complete.has_value() && torn.has_value());
  EXPECT_TRUE(complete->has_value());
  EXPECT_FALSE(torn->has_value());
}

TEST_F(LeveldbDatabaseTest, GarbledLogRecordIsCorruptAndLeftInPlace) {
  CreateStoreWithData();
  {
    std::fstream log(WriteAheadLogOf(dir_),
                     std::ios::in | std::ios::out | std::ios::binary);
    log.seekp(20);
    log << "XXXXXXXX";
  }
  const auto before = DataFiles(dir_);

  auto database = LeveldbDatabase::Open(dir_);

  ASSERT_FALSE(database.has_value());
  EXPECT_EQ(database.error().code, ErrorCode::kInternal);
  EXPECT_THAT(database.error().message, HasSubstr("checksum mismatch"));
  EXPECT_EQ(DataFiles(dir_), before);
}

TEST_F(LeveldbDatabaseTest, MissingCurrentBesideDataIsRefusedNotReset) {
  CreateStoreWithData();
  fs::remove(fs::path(dir_) / "CURRENT");
  const auto before = DataFiles(dir_);
  ASSERT_FALSE(before.empty());

  auto database = LeveldbDatabase::Open(dir_);

  ASSERT_FALSE(database.has_value());
  EXPECT_EQ(database.error().code, ErrorCode::kInternal);
  EXPECT_THAT(database.error().message, HasSubstr(dir_));
  EXPECT_THAT(database.error().message, HasSubstr("no CURRENT file"));
  EXPECT_EQ(DataFiles(dir_), before);
  EXPECT_FALSE(fs::exists(fs::path(dir_) / "CURRENT"));
}

TEST_F(LeveldbDatabaseTest, NonEmptyForeignDirectoryIsRefused) {
  fs::create_directories(dir_);
  WriteFile(fs::path(dir_) / "notes.txt", "someone else's file");

  auto database = LeveldbDatabase::Open(dir_);

  ASSERT_FALSE(database.has_value());
  EXPECT_EQ(database.error().code, ErrorCode::kInternal);
  EXPECT_THAT(database.error().message, HasSubstr("notes.txt"));
  EXPECT_EQ(DataFiles(dir_).size(), 1u);
}

}  // namespace
}  // namespace rtm

namespace rtm {
namespace {

Expected<void> PutKey(LeveldbDatabase& database, const std::string& key) {
  leveldb::WriteBatch batch;
  batch.Put(key, "v");
  return database.Write(batch, Durability::kSynced);
}

TEST(LeveldbDatabaseFullDiskTest, AFailedWriteMakesItUnwritableUntilAWriteSucceeds) {
  TempDir temp;
  FullDiskEnv disk;
  auto database = LeveldbDatabase::Open(temp.store_dir(), LeveldbStoreOptions{.env = &disk});
  ASSERT_TRUE(database) << database.error().message;
  ASSERT_TRUE(PutKey(**database, "before"));
  EXPECT_TRUE((*database)->Writable());

  disk.SetFull(true);
  auto refused = PutKey(**database, "while-full");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kServiceUnavailable);
  auto writable = (*database)->Writable();
  ASSERT_FALSE(writable);
  EXPECT_EQ(writable.error().code, ErrorCode::kServiceUnavailable);
  EXPECT_THAT(writable.error().message, HasSubstr("the store takes no writes"));
  EXPECT_THAT(writable.error().message, HasSubstr(temp.store_dir()));
  EXPECT_THAT(writable.error().message, HasSubstr("No space left on device"));
  auto before = (*database)->Get("before");  // reads are served meanwhile
  ASSERT_TRUE(before) << before.error().message;
  EXPECT_EQ(*before, "v");

  disk.SetFull(false);
  ASSERT_TRUE(PutKey(**database, "after"));
  EXPECT_TRUE((*database)->Writable());
  database->reset();

  auto reopened = LeveldbDatabase::Open(temp.store_dir());
  ASSERT_TRUE(reopened) << reopened.error().message;
  EXPECT_EQ((*reopened)->Get("before").value_or(std::nullopt), "v");
  EXPECT_EQ((*reopened)->Get("after").value_or(std::nullopt), "v");
  EXPECT_EQ((*reopened)->Get("while-full").value_or("error"), std::nullopt);
}

}  // namespace
}  // namespace rtm
