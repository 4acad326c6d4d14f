#include "controller/app/manifest_scanner.h"

#include <sys/stat.h>

#include <cerrno>
#include <algorithm>
#include <cstring>
#include <fstream>

#include "controller/manifests/manifest_files.h"

namespace rtm {
namespace {

ScannedFile Unreadable(const std::string& path, const std::string& why) {
  return ScannedFile{path, path + ":0: cannot read: " + why, {}};
}

}  // namespace

ManifestScanner::ManifestScanner(std::string root, ManifestLimits limits)
    : root_(std::move(root)), limits_(limits) {}

ScannedFile ManifestScanner::Load(const std::string& relative_path,
                                  uint64_t stat_size) const {
  std::ifstream in(root_ + "/" + relative_path, std::ios::binary);
  if (!in) return Unreadable(relative_path, std::strerror(errno));
  // One byte past the limit is enough for the parser to report the size.
  // Sized by the stat, not by the limit: a buffer of the limit per file is
  // a megabyte written and dropped for every manifest. The file may have
  // grown since the stat: read on until the limit.
  const size_t cap = limits_.max_file_bytes + 1;
  std::string content;
  content.resize(static_cast<size_t>(std::min<uint64_t>(stat_size + 1, cap)));
  size_t filled = 0;
  while (true) {
    in.read(content.data() + filled,
            static_cast<std::streamsize>(content.size() - filled));
    if (in.bad()) return Unreadable(relative_path, "read error");
    filled += static_cast<size_t>(in.gcount());
    if (filled < content.size() || content.size() == cap) break;
    content.resize(std::min(cap, content.size() * 2));
  }
  content.resize(filled);

  ParsedManifestFile parsed = ParseManifest(relative_path, content, limits_);
  ScannedFile scanned{relative_path, {}, {}};
  for (const ManifestProblem& problem : parsed.problems) {
    if (!scanned.problems.empty()) scanned.problems += '\n';
    scanned.problems += problem.Format();
  }
  if (scanned.problems.empty()) {
    scanned.runtimes = std::move(parsed.runtimes);
  }
  return scanned;
}

Expected<ManifestScan> ManifestScanner::Scan() {
  Expected<std::vector<std::string>> paths = ListManifestFiles(root_);
  if (!paths) return std::unexpected(paths.error());

  std::lock_guard lock(mutex_);
  std::map<std::string, CachedFile> next;
  ManifestScan scan;
  for (const std::string& path : *paths) {
    struct stat info {};
    if (::stat((root_ + "/" + path).c_str(), &info) != 0) {
      // Vanished between listing and stat: the next scan sees it gone.
      continue;
    }
    const FileStamp stamp{static_cast<uint64_t>(info.st_size),
                          static_cast<int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 +
                              info.st_mtim.tv_nsec,
                          static_cast<uint64_t>(info.st_ino)};
    auto cached = cache_.find(path);
    auto kept = cached != cache_.end() && cached->second.stamp == stamp
                    ? next.emplace_hint(next.end(), path, std::move(cached->second))
                    : next.emplace_hint(next.end(), path,
                                        CachedFile{stamp, Load(path, stamp.size)});
    scan.files.push_back(kept->second.scanned);
  }
  cache_ = std::move(next);
  return scan;
}

}  // namespace rtm
