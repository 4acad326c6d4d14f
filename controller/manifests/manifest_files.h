// Which files of the watched directory are manifests (docs/contract.md §2).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "reconcile/domain/error.h"

namespace rtm {

// True for `*.yaml`, `*.yml` and `*.json` (case-sensitive) that are neither
// hidden (leading '.', which also covers vim's `.x.yaml.swp` and emacs'
// `.#x.yaml` locks) nor editor temp/backup files (`x.yaml~`, `#x.yaml#`,
// vim's `4913` probe, `*.swp`, `*.swx`, `*.tmp`...). Only the last path
// component is looked at.
bool IsManifestFileName(std::string_view filename);

// Every manifest file under `root`, recursively, as paths relative to root
// ('/'-separated), sorted bytewise. Hidden directories (e.g. `.git`,
// Kubernetes' `..data`) are not entered and directory symlinks not
// followed; file symlinks count when they resolve to a regular file.
// A missing, unreadable or non-directory root, or any subdirectory that
// cannot be read, is a kServiceUnavailable error naming the directory, never
// a partial or empty list: the caller must not mistake it for deletions.
Expected<std::vector<std::string>> ListManifestFiles(const std::string& root);

}  // namespace rtm
