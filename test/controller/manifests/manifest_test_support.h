// Shared helpers of the manifest tests: readable failure output and a valid
// manifest to vary.
#pragma once

#include <ostream>
#include <string>
#include <string_view>

#include "controller/manifests/manifest_parser.h"

namespace rtm {

inline void PrintTo(const ManifestProblem& problem, std::ostream* out) {
  *out << "[doc " << problem.document_index << "] " << problem.Format();
}

inline void PrintTo(const ParsedRuntime& runtime, std::ostream* out) {
  *out << runtime.name << " from " << runtime.source.path << " doc "
       << runtime.source.document_index << " line " << runtime.source.line;
}

namespace manifest_test {

inline constexpr std::string_view kPath = "games/lobby.yaml";

// Lines 1-6; a test appends spec fields from line 7 on.
inline constexpr std::string_view kMinimalYaml =
    "apiVersion: rtmanager.galaxy/v1\n"
    "kind: GameRuntime\n"
    "metadata:\n"
    "  name: lobby-eu-1\n"
    "spec:\n"
    "  image: galaxy/game:1\n";

inline std::string WithSpec(std::string_view spec_lines) {
  return std::string(kMinimalYaml) + std::string(spec_lines);
}

inline ManifestProblem Problem(int line, std::string field, std::string message,
                               int document_index = 0,
                               std::string path = std::string(kPath)) {
  return ManifestProblem{.path = std::move(path),
                         .document_index = document_index,
                         .line = line,
                         .field = std::move(field),
                         .message = std::move(message)};
}

inline ParsedManifestFile Parse(std::string_view content,
                                std::string_view path = kPath) {
  return ParseManifest(path, content);
}

}  // namespace manifest_test
}  // namespace rtm
