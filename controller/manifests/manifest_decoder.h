// One manifest document (a format-neutral tree) → ParsedRuntime, with strict
// validation of the GameRuntime schema (docs/contract.md §2).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "controller/manifests/manifest_parser.h"
#include "controller/manifests/manifest_tree.h"

namespace rtm {

struct DecodedDocument {
  // metadata.name when it is a valid game id, even if other fields are not.
  std::optional<std::string> name;
  int name_line = 0;
  // Set only when the document has no problem (ValidateGameSpec included).
  std::optional<ParsedRuntime> runtime;
};

// Appends every problem of the document to `problems`, each naming `path`,
// the document index, the offending node's line and its field path.
// `allowed_host_paths`: the prefixes spec.volumes[].hostPath may be under
// (rtmanager run/validate --allow-host-path); none: no hostPath at all.
DecodedDocument DecodeDocument(std::string_view path,
                               const ManifestDocument& document,
                               std::vector<ManifestProblem>& problems,
                               const std::vector<std::string>& allowed_host_paths = {});

}  // namespace rtm
