// Manifest decoding (controller/manifests/manifest_parser.h): any bytes,
// as a .yaml and as a .json file. ParseManifest never throws and bounds
// what a file costs; a document it accepts is one the controller can run.
#include <string>

#include "controller/manifests/manifest_parser.h"
#include "reconcile/domain/game_spec.h"
#include "test/fuzz/fuzz_targets.h"

namespace rtm::fuzz {

void ManifestInput(std::string_view bytes) {
  ManifestLimits limits;
  limits.max_nodes = 20000;  // the default's shape at a tenth of the cost
  limits.allowed_host_paths = {"/srv/games"};
  for (std::string_view path : {"fuzz.yaml", "fuzz.json"}) {
    const ParsedManifestFile parsed = ParseManifest(path, bytes, limits);
    bool file_level = false;
    for (const ManifestProblem& problem : parsed.problems) {
      Require(problem.path == path, "a problem names the file it is about");
      Require(!problem.message.empty(), "a problem says what is wrong");
      Require(problem.line >= 0, "a problem's line is not negative");
      file_level = file_level || problem.document_index < 0;
    }
    Require(!file_level || parsed.runtimes.empty(),
            "a file-level problem leaves no runtime");
    for (const ParsedRuntime& runtime : parsed.runtimes) {
      Require(IsValidGameId(runtime.name), "an accepted runtime's name is a DNS label");
      Require(!runtime.spec.image.empty(), "an accepted runtime has an image");
      Require(runtime.source.path == path, "an accepted runtime names its file");
    }
  }
}

}  // namespace rtm::fuzz

RTM_FUZZ_TARGET(rtm::fuzz::ManifestInput)
