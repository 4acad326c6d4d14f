#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <map>
#include <mutex>
#include <string>

#include "controller/manifests/manifest_parser.h"
#include "reconcile/desired_sync.h"
#include "reconcile/ports/secret_source.h"

namespace rtm {

// How ManifestScanner reads the tree.
struct ManifestScannerOptions {
  ManifestLimits limits;
  // Runs between reading the files and listing the tree again; lets a
  // test change the tree at that exact point. Null in production.
  std::function<void()> before_recheck;
  // Digests spec.secretEnv into every scan (reconcile/secret_digests.h),
  // so that a changed secret is seen even when no manifest changed. Null:
  // none (digests stay empty).
  SecretSource* secrets = nullptr;
};

// Scans the manifests tree into a ManifestScan. Files are re-read and
// re-parsed only when their size, mtime or inode changed, so a rescan of an
// unchanged tree costs one stat per file. A scan that found anything
// different from the last one lists and stats the tree again after reading
// it: when a file appeared, vanished or changed meanwhile (a checkout in
// progress), the scan says so (ManifestScan::changed_while_read).
// Thread-safe.
class ManifestScanner {
 public:
  using Options = ManifestScannerOptions;

  explicit ManifestScanner(std::string root, Options options = {});

  // An error when the root cannot be listed (missing, unreadable): the
  // caller must then change nothing.
  Expected<ManifestScan> Scan();

 private:
  struct FileStamp {
    uint64_t size = 0;
    int64_t mtime_ns = 0;
    uint64_t inode = 0;
    friend bool operator==(const FileStamp&, const FileStamp&) = default;
  };
  struct CachedFile {
    FileStamp stamp;
    ScannedFile scanned;
  };

  // Reads and parses one file; `stat_size` (its size when stat'ed) sizes
  // the read buffer.
  ScannedFile Load(const std::string& relative_path, uint64_t stat_size) const;
  // The stamp of `relative_path` now; nullopt when it cannot be stat'ed.
  std::optional<FileStamp> Stat(const std::string& relative_path) const;
  // Whether listing and stat'ing the tree now finds exactly `read`.
  bool Unchanged(const std::map<std::string, CachedFile>& read) const;

  const std::string root_;
  const Options options_;
  std::mutex mutex_;
  std::map<std::string, CachedFile> cache_;  // as the last scan read it
  bool last_changed_while_read_ = false;
};

}  // namespace rtm
