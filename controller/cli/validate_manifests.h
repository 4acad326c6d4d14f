// `rtmanager validate PATH...` (docs/contract.md §7): the offline check of manifest
// files for GitOps CI, with the controller's own parser and rules.
#pragma once

#include <string>
#include <vector>

#include "controller/manifests/manifest_parser.h"

namespace rtm {

struct ValidationReport {
  size_t files = 0;     // manifest files read
  size_t runtimes = 0;  // valid GameRuntime documents
  size_t budgets = 0;   // valid DisruptionBudget documents
  // Every problem, files in the order read and each file's by line;
  // Format() gives the printed line.
  std::vector<ManifestProblem> problems;
  // Paths that could not be read at all, e.g. "cannot read x: No such file
  // or directory".
  std::vector<std::string> unreadable;
  // Not errors: "path:line: spec.selector: selects no game in these
  // manifests".
  std::vector<std::string> warnings;

  bool ok() const { return problems.empty() && unreadable.empty(); }
};

// Validates every path in order: a file is parsed whatever its extension
// (an unsupported one is a problem); a directory contributes its manifest
// files (manifest_files.h: recursive, sorted, hidden and temp files
// skipped), named "<dir>/<relative path>"; a file named twice is read once.
// A name declared again in a later file is a problem at the later document:
// `path:line: metadata.name: duplicate name "x" (first declared at
// other:line)`, lines being where the documents start.
// Disruption budgets are checked across all files: a budget name declared
// again is a problem like a game's; so is a budget whose selector matches
// a game an earlier budget (in the order read) already selects
// (`spec.selector: overlaps budget "a" (a.yaml:1): both select "g1" and 2
// more games`). A budget that selects no game is a warning.
// `limits` as `rtmanager run` reads manifests (its --allow-host-path).
ValidationReport ValidateManifests(const std::vector<std::string>& paths,
                                   const ManifestLimits& limits = {});

// The lines `validate` prints: every problem, then "warning: ..." lines,
// then the summary "N manifests valid (M runtimes)" (", K disruption
// budgets" when there are any) when there is no problem. Unreadable paths
// are not included (they go to stderr).
std::string FormatValidationReport(const ValidationReport& report);

}  // namespace rtm
