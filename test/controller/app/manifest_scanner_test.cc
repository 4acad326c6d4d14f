// The manifest scanner against a real directory: what it reads, what it
// keeps from one scan to the next, and files at and past the size limit.
#include "controller/app/manifest_scanner.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <fstream>

namespace rtm {
namespace {

using ::testing::HasSubstr;

std::string Manifest(const std::string& name, const std::string& image) {
  return "apiVersion: rtmanager.galaxy/v1\n"
         "kind: GameRuntime\n"
         "metadata:\n"
         "  name: " + name + "\n"
         "spec:\n"
         "  image: " + image + "\n";
}

class ManifestScannerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "rtm_scanner_XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  void Write(const std::string& relative, const std::string& content) {
    const std::filesystem::path path = root_ / relative;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
  }

  std::filesystem::path root_;
};

TEST_F(ManifestScannerTest, ReadsEveryFileOfTheTreeSortedByPath) {
  Write("b/two.yaml", Manifest("two", "img:2"));
  Write("a/one.yaml", Manifest("one", "img:1"));
  ManifestScanner scanner(root_.string());
  auto scan = scanner.Scan();
  ASSERT_TRUE(scan.has_value());
  ASSERT_EQ(scan->files.size(), 2u);
  EXPECT_EQ(scan->files[0].path, "a/one.yaml");
  ASSERT_EQ(scan->files[0].runtimes.size(), 1u);
  EXPECT_EQ(scan->files[0].runtimes[0].name, "one");
  EXPECT_EQ(scan->files[1].runtimes[0].spec.image, "img:2");
  EXPECT_TRUE(scan->files[1].problems.empty());
}

TEST_F(ManifestScannerTest, RescanSeesChangedAndRemovedFiles) {
  Write("one.yaml", Manifest("one", "img:1"));
  Write("two.yaml", Manifest("two", "img:2"));
  ManifestScanner scanner(root_.string());
  ASSERT_TRUE(scanner.Scan().has_value());
  // A longer file: its size differs from the cached stamp.
  Write("one.yaml", Manifest("one", "registry.example/img:10"));
  std::filesystem::remove(root_ / "two.yaml");
  auto scan = scanner.Scan();
  ASSERT_TRUE(scan.has_value());
  ASSERT_EQ(scan->files.size(), 1u);
  EXPECT_EQ(scan->files[0].runtimes[0].spec.image, "registry.example/img:10");
  auto again = scanner.Scan();
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->files[0].runtimes, scan->files[0].runtimes);
}

TEST_F(ManifestScannerTest, FileAtTheLimitParsesAndOnePastIsTooLarge) {
  const std::string manifest = Manifest("one", "img:1");
  ManifestLimits limits;
  limits.max_file_bytes = 4096;
  // Comments pad the files to exactly the limit and one byte past it.
  const std::string at_limit =
      manifest + "#" + std::string(limits.max_file_bytes - manifest.size() - 2, 'x') + "\n";
  ASSERT_EQ(at_limit.size(), limits.max_file_bytes);
  Write("at.yaml", at_limit);
  Write("past.yaml", at_limit + "\n");
  ManifestScanner scanner(root_.string(), {.limits = limits});
  auto scan = scanner.Scan();
  ASSERT_TRUE(scan.has_value());
  ASSERT_EQ(scan->files.size(), 2u);
  EXPECT_TRUE(scan->files[0].problems.empty()) << scan->files[0].problems;
  EXPECT_EQ(scan->files[0].runtimes.size(), 1u);
  EXPECT_THAT(scan->files[1].problems, HasSubstr("file is 4097 bytes"));
  EXPECT_TRUE(scan->files[1].runtimes.empty());
}

TEST_F(ManifestScannerTest, AScanOfAStillTreeSaysItHeldStill) {
  Write("one.yaml", Manifest("one", "img:1"));
  int rechecks = 0;
  ManifestScanner scanner(root_.string(),
                          {.before_recheck = [&] { ++rechecks; }});
  auto first = scanner.Scan();
  ASSERT_TRUE(first.has_value());
  EXPECT_FALSE(first->changed_while_read);
  EXPECT_EQ(rechecks, 1) << "a scan that read something new proves it";
  auto unchanged = scanner.Scan();
  ASSERT_TRUE(unchanged.has_value());
  EXPECT_FALSE(unchanged->changed_while_read);
  EXPECT_EQ(rechecks, 1) << "an unchanged tree costs no second listing";
}

// A checkout in progress: files written or removed after the scan read the
// tree and before it finished make the scan say so, until a scan reads the
// tree holding still.
TEST_F(ManifestScannerTest, ATreeChangedWhileReadIsReportedUntilItHoldsStill) {
  Write("one.yaml", Manifest("one", "img:1"));
  Write("two.yaml", Manifest("two", "img:1"));
  std::function<void()> meanwhile;
  ManifestScanner scanner(root_.string(), {.before_recheck = [&] {
                                             if (meanwhile) meanwhile();
                                             meanwhile = nullptr;
                                           }});
  ASSERT_TRUE(scanner.Scan().has_value());

  Write("one.yaml", Manifest("one", "registry.example/img:2"));
  meanwhile = [&] { Write("three.yaml", Manifest("three", "img:1")); };
  auto created = scanner.Scan();
  ASSERT_TRUE(created.has_value());
  EXPECT_TRUE(created->changed_while_read) << "a file appeared meanwhile";

  meanwhile = [&] { std::filesystem::remove(root_ / "two.yaml"); };
  auto removed = scanner.Scan();
  ASSERT_TRUE(removed.has_value());
  EXPECT_TRUE(removed->changed_while_read) << "a file vanished meanwhile";

  meanwhile = [&] { Write("one.yaml", Manifest("one", "registry.example/img:33")); };
  auto rewritten = scanner.Scan();
  ASSERT_TRUE(rewritten.has_value());
  EXPECT_TRUE(rewritten->changed_while_read) << "a file was rewritten meanwhile";

  auto still = scanner.Scan();
  ASSERT_TRUE(still.has_value());
  EXPECT_FALSE(still->changed_while_read);
  ASSERT_EQ(still->files.size(), 2u);
  EXPECT_EQ(still->files[0].runtimes[0].spec.image, "registry.example/img:33");
  EXPECT_EQ(still->files[1].path, "three.yaml");
}

// A scan that reads every file as the torn scan before it cached them still
// proves the tree held still: the torn scan's files were never decided on.
TEST_F(ManifestScannerTest, AScanAfterATornOneIsCheckedEvenWhenNothingIsNew) {
  Write("one.yaml", Manifest("one", "img:1"));
  int rechecks = 0;
  std::function<void()> meanwhile;
  ManifestScanner scanner(root_.string(), {.before_recheck = [&] {
                                             ++rechecks;
                                             if (meanwhile) meanwhile();
                                             meanwhile = nullptr;
                                           }});
  Write("two.yaml", Manifest("two", "img:1"));
  meanwhile = [&] { Write("three.yaml", Manifest("three", "img:1")); };
  auto torn = scanner.Scan();
  ASSERT_TRUE(torn.has_value());
  ASSERT_TRUE(torn->changed_while_read);
  std::filesystem::remove(root_ / "three.yaml");

  auto again = scanner.Scan();
  ASSERT_TRUE(again.has_value());
  EXPECT_FALSE(again->changed_while_read);
  EXPECT_EQ(rechecks, 2);
  EXPECT_EQ(again->files.size(), 2u);
}

TEST_F(ManifestScannerTest, MissingRootIsAnError) {
  ManifestScanner scanner((root_ / "absent").string());
  EXPECT_FALSE(scanner.Scan().has_value());
}

}  // namespace
}  // namespace rtm
