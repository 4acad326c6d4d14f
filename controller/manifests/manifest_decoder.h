// One manifest document (a format-neutral tree) → a ParsedRuntime or a
// DisruptionBudget, with strict validation of the schema of its kind
// (docs/contract.md §2).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "controller/manifests/manifest_parser.h"
#include "controller/manifests/manifest_tree.h"

namespace rtm {

struct DecodedDocument {
  // kManifestKind or kBudgetKind (kManifestKind when the kind is invalid).
  std::string_view kind;
  // metadata.name when it is a valid DNS label, even if other fields are
  // not.
  std::optional<std::string> name;
  int name_line = 0;
  // Set only when the document has no problem (ValidateGameSpec included):
  // the one of its kind.
  std::optional<ParsedRuntime> runtime;
  std::optional<DisruptionBudget> budget;
};

// Appends every problem of the document to `problems`, each naming `path`,
// the document index, the offending node's line and its field path.
// `limits`: the prefixes spec.volumes[].hostPath may be under and the tz
// database spec.restartSchedule.timeZone is checked against.
DecodedDocument DecodeDocument(std::string_view path,
                               const ManifestDocument& document,
                               std::vector<ManifestProblem>& problems,
                               const ManifestLimits& limits = {});

}  // namespace rtm
