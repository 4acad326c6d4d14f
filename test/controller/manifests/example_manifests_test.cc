// The example manifests shipped in manifests/ are valid.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "controller/manifests/manifest_files.h"
#include "controller/manifests/manifest_parser.h"
#include "test/controller/manifests/manifest_test_support.h"

namespace rtm {
namespace {

using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

TEST(ExampleManifestsTest, EveryExampleManifestIsValid) {
  const std::string root = RTM_EXAMPLE_MANIFESTS_DIR;
  Expected<std::vector<std::string>> files = ListManifestFiles(root);
  ASSERT_TRUE(files.has_value()) << files.error().message;
  ASSERT_THAT(*files, ::testing::Not(IsEmpty()));
  std::vector<std::string> names;
  for (const std::string& file : *files) {
    ParsedManifestFile parsed =
        ParseManifest(file, ReadFile(root + "/" + file));
    EXPECT_THAT(parsed.problems, IsEmpty()) << file;
    EXPECT_THAT(parsed.runtimes, ::testing::Not(IsEmpty())) << file;
    for (const ParsedRuntime& runtime : parsed.runtimes) {
      names.push_back(runtime.name);
    }
  }
  EXPECT_THAT(names, ::testing::Contains("lobby-eu-1"));
  EXPECT_THAT(names, ::testing::Contains("duel-ap-1"));
}

}  // namespace
}  // namespace rtm
