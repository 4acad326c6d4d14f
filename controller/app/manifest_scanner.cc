#include "controller/app/manifest_scanner.h"

#include <sys/stat.h>

#include <cerrno>
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

ScannedFile ManifestScanner::Load(const std::string& relative_path) const {
  std::ifstream in(root_ + "/" + relative_path, std::ios::binary);
  if (!in) return Unreadable(relative_path, std::strerror(errno));
  // One byte past the limit is enough for the parser to report the size.
  std::string content(limits_.max_file_bytes + 1, '\0');
  in.read(content.data(), static_cast<std::streamsize>(content.size()));
  if (in.bad()) return Unreadable(relative_path, "read error");
  content.resize(static_cast<size_t>(in.gcount()));

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
    if (cached != cache_.end() && cached->second.stamp == stamp) {
      next.emplace(path, std::move(cached->second));
    } else {
      next.emplace(path, CachedFile{stamp, Load(path)});
    }
    scan.files.push_back(next.at(path).scanned);
  }
  cache_ = std::move(next);
  return scan;
}

}  // namespace rtm
