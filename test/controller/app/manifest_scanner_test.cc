// The manifest scanner against a real directory: what it reads, what it
// keeps from one scan to the next, and files at and past the size limit.
#include "controller/app/manifest_scanner.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
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
  ManifestScanner scanner(root_.string(), limits);
  auto scan = scanner.Scan();
  ASSERT_TRUE(scan.has_value());
  ASSERT_EQ(scan->files.size(), 2u);
  EXPECT_TRUE(scan->files[0].problems.empty()) << scan->files[0].problems;
  EXPECT_EQ(scan->files[0].runtimes.size(), 1u);
  EXPECT_THAT(scan->files[1].problems, HasSubstr("file is 4097 bytes"));
  EXPECT_TRUE(scan->files[1].runtimes.empty());
}

TEST_F(ManifestScannerTest, MissingRootIsAnError) {
  ManifestScanner scanner((root_ / "absent").string());
  EXPECT_FALSE(scanner.Scan().has_value());
}

}  // namespace
}  // namespace rtm
