// How manifest files become desired state (docs/contract.md §2), as a pure function of
// the stored objects and a scan of the manifests tree. The safety rules live
// here: an invalid file keeps what it last declared, a deleted document
// removes its runtime, duplicate names go to the path that sorts first.
#pragma once

#include <map>
#include <string>
#include <vector>

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
};

// Every stored desired object (tombstones included) by name.
using DesiredIndex = std::map<std::string, DesiredRuntime, std::less<>>;

// `stored` holds every stored object (tombstones included). A write bumps
// metadata.generation when the desired object changed (spec, labels,
// deletion); a change of source location or of manifest_error alone does
// not.
DesiredSyncResult SyncDesiredState(const DesiredIndex& stored,
                                   const ManifestScan& scan);

}  // namespace rtm
