#include "controller/app/manifest_scanner.h"

#include "reconcile/secret_digests.h"

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

ManifestScanner::ManifestScanner(std::string root, Options options)
    : root_(std::move(root)), options_(std::move(options)) {}

ScannedFile ManifestScanner::Load(const std::string& relative_path,
                                  uint64_t stat_size) const {
  std::ifstream in(root_ + "/" + relative_path, std::ios::binary);
  if (!in) return Unreadable(relative_path, std::strerror(errno));
  // One byte past the limit is enough for the parser to report the size.
  // Sized by the stat, not by the limit: a buffer of the limit per file is
  // a megabyte written and dropped for every manifest. The file may have
  // grown since the stat: read on until the limit.
  const size_t cap = options_.limits.max_file_bytes + 1;
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

  ParsedManifestFile parsed = ParseManifest(relative_path, content, options_.limits);
  ScannedFile scanned{relative_path, {}, {}};
  for (const ManifestProblem& problem : parsed.problems) {
    if (!scanned.problems.empty()) scanned.problems += '\n';
    scanned.problems += problem.Format();
  }
  if (scanned.problems.empty()) {
    scanned.runtimes = std::move(parsed.runtimes);
    scanned.budgets = std::move(parsed.budgets);
  }
  return scanned;
}

std::optional<ManifestScanner::FileStamp> ManifestScanner::Stat(
    const std::string& relative_path) const {
  struct stat info {};
  if (::stat((root_ + "/" + relative_path).c_str(), &info) != 0) {
    return std::nullopt;
  }
  return FileStamp{static_cast<uint64_t>(info.st_size),
                   static_cast<int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 +
                       info.st_mtim.tv_nsec,
                   static_cast<uint64_t>(info.st_ino)};
}

bool ManifestScanner::Unchanged(
    const std::map<std::string, CachedFile>& read) const {
  Expected<std::vector<std::string>> paths = ListManifestFiles(root_);
  if (!paths) return false;
  size_t present = 0;
  for (const std::string& path : *paths) {
    auto found = read.find(path);
    std::optional<FileStamp> stamp = Stat(path);
    if (!stamp) continue;  // vanished again: as absent as it was
    if (found == read.end() || found->second.stamp != *stamp) return false;
    ++present;
  }
  return present == read.size();
}

Expected<ManifestScan> ManifestScanner::Scan() {
  Expected<std::vector<std::string>> paths = ListManifestFiles(root_);
  if (!paths) return std::unexpected(paths.error());

  std::lock_guard lock(mutex_);
  std::map<std::string, CachedFile> next;
  ManifestScan scan;
  bool differs = false;
  for (const std::string& path : *paths) {
    std::optional<FileStamp> stamp = Stat(path);
    // Vanished between listing and stat: the next scan sees it gone.
    if (!stamp) continue;
    auto cached = cache_.find(path);
    const bool hit = cached != cache_.end() && cached->second.stamp == *stamp;
    differs = differs || !hit;
    auto kept = hit ? next.emplace_hint(next.end(), path, std::move(cached->second))
                    : next.emplace_hint(next.end(), path,
                                        CachedFile{*stamp, Load(path, stamp->size)});
    scan.files.push_back(kept->second.scanned);
  }
  differs = differs || next.size() != cache_.size();
  // A scan equal to the last settled one decides nothing new; any other
  // (a different one, or one after a torn one) needs the proof that the
  // tree held still while it was read.
  if (differs || last_changed_while_read_) {
    if (options_.before_recheck) options_.before_recheck();
    scan.changed_while_read = !Unchanged(next);
  }
  last_changed_while_read_ = scan.changed_while_read;
  cache_ = std::move(next);
  if (options_.secrets != nullptr) StampSecretDigests(scan, *options_.secrets);
  return scan;
}

}  // namespace rtm
