// How manifest files become desired state (docs/contract.md §2), as a pure function of
// the stored objects and a scan of the manifests tree. The safety rules live
// here: an invalid file keeps what it last declared, a deleted document
// removes its runtime, duplicate names go to the path that sorts first.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "reconcile/domain/disruption_budget.h"
#include "reconcile/domain/game_runtime.h"

namespace rtm {

struct DeclaredRuntime {
  std::string name;
  std::map<std::string, std::string> labels;
  GameSpec spec;
  ManifestSource source;

  friend bool operator==(const DeclaredRuntime&, const DeclaredRuntime&) = default;
};

// One manifest file as the scan found it.
struct ScannedFile {
  std::string path;  // relative to the watched directory
  // Empty when the file parsed and validated; else every problem, one per
  // line ("path:line: field: message"). An invalid file declares nothing new
  // and changes nothing it declared before.
  std::string problems;
  std::vector<DeclaredRuntime> runtimes;  // when valid
  std::vector<DisruptionBudget> budgets;  // when valid
};

// A complete scan of the watched tree: every manifest file, sorted by path.
// Only build one when the directory could be listed: an unreadable or
// vanished tree is no evidence that anything was deleted.
struct ManifestScan {
  std::vector<ScannedFile> files;
  // True when the tree was seen changing while it was read (a checkout in
  // progress): the files may mix two states of the tree, so nothing may be
  // decided from them; a scan once the tree is quiet will tell.
  bool changed_while_read = false;
};

struct DesiredSyncResult {
  // Objects to store (changed, new or newly deleted); their names are the
  // ones to reconcile.
  std::vector<DesiredRuntime> writes;
  // Names declared twice: "name: declared in b.yaml:4 and a.yaml:1; a.yaml wins".
  std::vector<std::string> conflicts;
  // Disruption budgets that overlap, share a name or select no game
  // (docs/contract.md §2 "Disruption budgets"), e.g. "game-1: selected by
  // disruption budgets a (a.yaml:1) and b (b.yaml:1); a applies".
  std::vector<std::string> budget_problems;
};

// Every stored desired object (tombstones included) by name.
using DesiredIndex = std::map<std::string, DesiredRuntime, std::less<>>;

// `stored` holds every stored object (tombstones included). A write bumps
// metadata.generation when the desired object changed (spec, labels,
// deletion); a change of source location, of manifest_error or of the
// stamped disruption budget alone does not.
//
// Disruption budgets: each live object is stamped with the terms of the
// first budget (in path order) whose selector matches its labels, none when
// no budget does. A budget name declared twice keeps its first
// declaration. An object stamped by a budget of a now invalid file keeps
// that stamp: a broken file loosens no budget.
DesiredSyncResult SyncDesiredState(const DesiredIndex& stored,
                                   const ManifestScan& scan);

}  // namespace rtm
