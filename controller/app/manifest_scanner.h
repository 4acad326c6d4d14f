#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "controller/manifests/manifest_parser.h"
#include "reconcile/desired_sync.h"

namespace rtm {

// Scans the manifests tree into a ManifestScan. Files are re-read and
// re-parsed only when their size, mtime or inode changed, so a rescan of an
// unchanged tree costs one stat per file. Thread-safe.
class ManifestScanner {
 public:
  explicit ManifestScanner(std::string root, ManifestLimits limits = {});

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

  const std::string root_;
  const ManifestLimits limits_;
  std::mutex mutex_;
  std::map<std::string, CachedFile> cache_;
};

}  // namespace rtm
