#include "store/logs/file_log_archive.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "test/store/store_test_support.h"

namespace rtm {
namespace {

class FileLogArchiveTest : public ::testing::Test {
 protected:
  std::string Directory() const { return (dir_.path() / "previous-logs").string(); }

  TempDir dir_;
  FileLogArchive archive_{Directory()};
};

TEST_F(FileLogArchiveTest, KeepsTheLastLogsOfEachGame) {
  const ArchivedLogs first{"c1", At("2026-12-02T10:00:00.000Z"), "one\ntwo\n"};
  const ArchivedLogs second{"c2", At("2026-12-02T11:00:00.500Z"), "three\n\xff binary"};
  ASSERT_TRUE(archive_.Keep("lobby", first));
  ASSERT_TRUE(archive_.Keep("arena", first));
  ASSERT_TRUE(archive_.Keep("lobby", second));

  auto lobby = archive_.Previous("lobby");
  ASSERT_TRUE(lobby) << lobby.error().message;
  EXPECT_EQ(lobby->container_id, "c2");
  EXPECT_EQ(lobby->archived_at, second.archived_at);
  EXPECT_EQ(lobby->text, second.text) << "kept byte for byte";
  auto arena = archive_.Previous("arena");
  ASSERT_TRUE(arena) << arena.error().message;
  EXPECT_EQ(arena->text, "one\ntwo\n");
}

TEST_F(FileLogArchiveTest, NothingKeptIsNotFound) {
  auto none = archive_.Previous("lobby");
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(none.error().message, "no previous logs kept for game \"lobby\"");
}

TEST_F(FileLogArchiveTest, TheDirectoryIsPrivateAndNoTemporaryFileIsLeft) {
  ASSERT_TRUE(archive_.Keep("lobby", {"c1", {}, "x"}));
  struct stat info {};
  ASSERT_EQ(::stat(Directory().c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700u);
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(Directory())) {
    names.push_back(entry.path().filename().string());
  }
  EXPECT_EQ(names, std::vector<std::string>{"lobby.log"});
}

TEST_F(FileLogArchiveTest, MissingParentsAreCreatedPrivateAtTheFirstKeep) {
  // etcd mode: nothing else creates --data-dir.
  const std::string data_dir = (dir_.path() / "data" / "node-a").string();
  FileLogArchive nested(data_dir + "/previous-logs");
  ASSERT_FALSE(std::filesystem::exists(data_dir));

  ASSERT_TRUE(nested.Keep("lobby", {"c1", {}, "last words\n"}));

  EXPECT_EQ(nested.Previous("lobby")->text, "last words\n");
  for (const std::string& path : {(dir_.path() / "data").string(), data_dir}) {
    struct stat info {};
    ASSERT_EQ(::stat(path.c_str(), &info), 0) << path;
    EXPECT_EQ(info.st_mode & 0777, 0700u) << path;
  }
}

TEST_F(FileLogArchiveTest, ANameThatIsNotAGameIdIsRefused) {
  EXPECT_EQ(archive_.Keep("../etc", {"c1", {}, "x"}).error().code, ErrorCode::kInvalidRequest);
  EXPECT_EQ(archive_.Previous("../etc").error().code, ErrorCode::kInvalidRequest);
}

TEST_F(FileLogArchiveTest, AFileThatIsNotAnArchiveIsAnErrorNotAbsent) {
  ASSERT_TRUE(archive_.Keep("lobby", {"c1", {}, "x"}));
  std::ofstream(Directory() + "/lobby.log", std::ios::trunc) << "garbage\n";
  auto read = archive_.Previous("lobby");
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error().code, ErrorCode::kInternal);
}

TEST_F(FileLogArchiveTest, AnUnwritableDirectoryIsServiceUnavailable) {
  FileLogArchive nowhere("/proc/rtmanager-cannot-write-here");
  EXPECT_EQ(nowhere.Keep("lobby", {"c1", {}, "x"}).error().code,
            ErrorCode::kServiceUnavailable);
}

}  // namespace
}  // namespace rtm
