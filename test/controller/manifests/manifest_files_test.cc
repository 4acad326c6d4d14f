// Which files are manifests, and the recursive listing of a directory.
#include "controller/manifests/manifest_files.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace rtm {
namespace {

namespace fs = std::filesystem;

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

struct NameCase {
  const char* name;
  bool is_manifest;
};

TEST(ManifestFilesTest, ManifestFileNames) {
  const NameCase cases[] = {
      {"lobby.yaml", true},
      {"lobby.yml", true},
      {"duel.json", true},
      {"dir/sub/lobby.yaml", true},
      {"lobby.v2.yaml", true},
      {"lobby.YAML", false},
      {"lobby.txt", false},
      {"lobby", false},
      {"yaml", false},
      {".yaml", false},
      {"", false},
      {".lobby.yaml", false},
      {"dir/.lobby.yaml", false},
      {".lobby.yaml.swp", false},
      {".lobby.yaml.swx", false},
      {"lobby.yaml.swp", false},
      {".#lobby.yaml", false},
      {"#lobby.yaml#", false},
      {"lobby.yaml~", false},
      {"lobby.yaml.tmp", false},
      {"lobby.yaml.bak", false},
      {"4913", false},
      {"#lobby.yaml", false},
      {"lobby.json.part", false},
  };
  for (const NameCase& c : cases) {
    EXPECT_EQ(IsManifestFileName(c.name), c.is_manifest) << c.name;
  }
}

class ManifestDirectoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "rtm_manifests_XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
  }
  void TearDown() override {
    std::error_code ignored;
    fs::permissions(root_ / "locked", fs::perms::owner_all, ignored);
    fs::remove_all(root_, ignored);
  }

  void Write(const std::string& relative) {
    const fs::path path = root_ / relative;
    fs::create_directories(path.parent_path());
    std::ofstream(path) << "# " << relative << "\n";
  }

  fs::path root_;
};

TEST_F(ManifestDirectoryTest, ListsManifestsRecursivelySortedAndRelative) {
  Write("zeta.yaml");
  Write("alpha.json");
  Write("games/eu/lobby.yml");
  Write("games/us.yaml");
  Write("games/README.md");
  Write("games/us.yaml~");
  Write("games/.us.yaml.swp");
  Write("games/#us.yaml#");
  Write(".git/objects/x.yaml");
  Write("games/.hidden/secret.yaml");
  Write("..2024_01_01/mounted.yaml");
  fs::create_directories(root_ / "empty");
  fs::create_symlink("alpha.json", root_ / "linked.json");
  fs::create_symlink("missing.yaml", root_ / "dangling.yaml");
  fs::create_directory_symlink("games", root_ / "games-link");
  fs::create_directories(root_ / "dir.yaml");

  Expected<std::vector<std::string>> files = ListManifestFiles(root_.string());
  ASSERT_TRUE(files.has_value()) << files.error().message;
  EXPECT_THAT(*files, ElementsAre("alpha.json", "games/eu/lobby.yml",
                                  "games/us.yaml", "linked.json", "zeta.yaml"));
}

TEST_F(ManifestDirectoryTest, TrailingSlashGivesTheSameRelativePaths) {
  Write("games/lobby.yaml");
  Expected<std::vector<std::string>> files =
      ListManifestFiles(root_.string() + "/");
  ASSERT_TRUE(files.has_value()) << files.error().message;
  EXPECT_THAT(*files, ElementsAre("games/lobby.yaml"));
}

TEST_F(ManifestDirectoryTest, AnEmptyDirectoryListsNothing) {
  Expected<std::vector<std::string>> files = ListManifestFiles(root_.string());
  ASSERT_TRUE(files.has_value());
  EXPECT_THAT(*files, IsEmpty());
}

TEST_F(ManifestDirectoryTest, AMissingDirectoryIsAnErrorNotAnEmptyList) {
  const std::string missing = (root_ / "gone").string();
  Expected<std::vector<std::string>> files = ListManifestFiles(missing);
  ASSERT_FALSE(files.has_value());
  EXPECT_EQ(files.error().code, ErrorCode::kServiceUnavailable);
  EXPECT_THAT(files.error().message, HasSubstr(missing));
}

TEST_F(ManifestDirectoryTest, AFileInsteadOfADirectoryIsAnError) {
  Write("lobby.yaml");
  const std::string file = (root_ / "lobby.yaml").string();
  Expected<std::vector<std::string>> files = ListManifestFiles(file);
  ASSERT_FALSE(files.has_value());
  EXPECT_EQ(files.error().code, ErrorCode::kServiceUnavailable);
  EXPECT_EQ(files.error().message,
            "manifest directory " + file + " is not a directory");
}

TEST_F(ManifestDirectoryTest, AnUnreadableSubdirectoryIsAnError) {
  if (geteuid() == 0) GTEST_SKIP() << "root reads every directory";
  Write("lobby.yaml");
  Write("locked/duel.yaml");
  fs::permissions(root_ / "locked", fs::perms::none);
  Expected<std::vector<std::string>> files = ListManifestFiles(root_.string());
  ASSERT_FALSE(files.has_value());
  EXPECT_EQ(files.error().code, ErrorCode::kServiceUnavailable);
  EXPECT_THAT(files.error().message, HasSubstr(root_.string()));
  EXPECT_THAT(files.error().message, HasSubstr("locked"));
}

}  // namespace
}  // namespace rtm
