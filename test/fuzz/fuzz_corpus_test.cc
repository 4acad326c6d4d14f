// Every committed input of each fuzz target (test/fuzz/corpus/TARGET/: the
// seeds and the input of every finding fixed), replayed through the target
// in the ordinary sanitized build, so a fixed finding stays fixed without
// clang. A broken property aborts the test naming it and the input file.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <iterator>
#include <string>
#include <vector>

#include "test/fuzz/fuzz_targets.h"

namespace rtm::fuzz {
namespace {

struct Target {
  std::string name;  // the corpus folder
  void (*input)(std::string_view);
};

void PrintTo(const Target& target, std::ostream* out) { *out << target.name; }

class FuzzCorpusTest : public testing::TestWithParam<Target> {};

TEST_P(FuzzCorpusTest, EveryCommittedInputKeepsTheTargetsProperties) {
  const std::filesystem::path folder =
      std::filesystem::path(RTM_FUZZ_CORPUS_DIR) / GetParam().name;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  ASSERT_GE(files.size(), 3u) << "a corpus of at least a few seeds in " << folder;
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    const std::string bytes{std::istreambuf_iterator<char>(in), {}};
    std::fprintf(stderr, "replaying %s\n", file.c_str());
    GetParam().input(bytes);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Targets, FuzzCorpusTest,
    testing::Values(Target{"manifest", ManifestInput}, Target{"api_request", ApiRequestInput},
                    Target{"docker_wire", DockerWireInput},
                    Target{"store_codec", StoreCodecInput}),
    [](const testing::TestParamInfo<Target>& info) { return info.param.name; });

}  // namespace
}  // namespace rtm::fuzz
