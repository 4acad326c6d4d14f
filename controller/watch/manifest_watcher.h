// Change notification for the manifests tree (docs/contract.md §2): inotify on the root
// directory and every non-hidden subdirectory, driven by a Boost.Asio
// io_context. Trees delivered the way GitOps tools deliver them are
// followed too: a symlink created or renamed into a watched directory (the
// "..data" swap of a Kubernetes ConfigMap volume) is a change, and a
// symlink anywhere on the root's path (git-sync's "current" link) is
// watched from its parent directory: when it is re-pointed, the watcher
// drops the old tree's watches, watches the new tree and reports a change. It tells its owner *that* something may have changed, never
// what: the owner answers a callback with a full rescan (cheap, it caches by
// mtime). The owner also rescans periodically, so the watcher is an
// accelerator, not the source of truth: anything it might miss (watch limit
// reached, queue overflow, races with directory creation) ends up in a rescan.
#pragma once

// Boost 1.74's Asio uses std::exchange without <utility>.
// clang-format off
#include <utility>
// clang-format on

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "reconcile/domain/error.h"

namespace rtm {

// Threading: every member function, the destructor included, runs on the
// io_context's thread, or while the io_context is not running. `io` must
// outlive the watcher. Not copyable or movable (handlers refer to it).
class ManifestWatcher {
 public:
  using Duration = std::chrono::steady_clock::duration;

  struct Options {
    // Trailing debounce: on_change fires once `debounce` has passed without a
    // relevant event, and at the latest kMaxDelayFactor × debounce after the
    // first event of a burst (so an endless stream still gets through).
    Duration debounce = std::chrono::milliseconds(50);
    // Which file names count (e.g. IsManifestFileName from
    // controller/manifests/manifest_files.h). Only the last path component is
    // passed. Required: Start() refuses an empty one.
    std::function<bool(std::string_view)> is_manifest_file;
    // While the root is missing (or was deleted / moved away), how often the
    // watcher tries to watch it again.
    Duration root_retry = std::chrono::seconds(1);
    // Called (on the io_context thread) for a subdirectory that cannot be
    // watched — ENOSPC once fs.inotify.max_user_watches is reached — with
    // its path below the root and the errno: changes there are seen only by
    // a rescan. Optional.
    std::function<void(const std::string& dir, int error)> on_unwatched;
  };

  static constexpr int kMaxDelayFactor = 10;

  // `on_change` runs on the io_context thread. It may call Stop(), but must
  // not destroy the watcher.
  ManifestWatcher(boost::asio::io_context& io, std::string root,
                  Options options, std::function<void()> on_change);
  ~ManifestWatcher();  // Stop()

  ManifestWatcher(const ManifestWatcher&) = delete;
  ManifestWatcher& operator=(const ManifestWatcher&) = delete;

  // Opens the inotify instance and watches the root tree. No callback for
  // what is already there: the owner does its first scan itself. A missing
  // root (or
  // one that is not a directory) is not an error: the watcher retries every
  // `root_retry` and, once the root appears, watches it and reports a change.
  // (Chosen over watching the parent for the root's creation: a timer also
  // copes with a missing parent, a renamed-back root and watch errors, with a
  // single code path.) Errors (kServiceUnavailable): inotify_init1 fails
  // (EMFILE...), or the existing root cannot be watched for another reason
  // than ENOENT/ENOTDIR (EACCES, ENOSPC: fs.inotify.max_user_watches).
  // kInvalidRequest: already started, or no is_manifest_file.
  // Subdirectories that cannot be watched are skipped and reported to
  // options.on_unwatched (a rescan still covers them).
  Expected<void> Start();

  // Closes the inotify fd (dropping every watch) and cancels the timers; no
  // callback runs afterwards, not even a pending one. Idempotent. Start() may
  // be called again.
  void Stop();

  // For tests and diagnostics: how many directories are watched right now.
  size_t WatchedDirectoryCount() const { return dirs_by_wd_.size(); }

 private:
  // 0 or the errno of inotify_add_watch on the root itself. Also (re)watches
  // the parents of the symlinks on the root's path.
  int WatchRoot();
  // Watches the parent directory of every symlink on the root's path, for
  // that link's name (best effort: an ancestor that cannot be watched is
  // skipped and the periodic rescan covers it).
  void WatchLinkAncestors();
  void UnwatchLinkAncestors();
  // options.on_unwatched for `rel`, unless it is simply gone.
  void ReportUnwatched(const std::string& rel, int error);
  // A symlink on the root's path was re-pointed, removed or created: watch
  // the tree it leads to now, and report.
  void FollowRepointedRoot();
  // 0 or the errno of opening the inotify instance into inotify_.
  int OpenInotify();
  // Watches `root_/rel` and its non-hidden subdirectories (no symlinks).
  // Returns the wd of `rel` itself, or -errno.
  int WatchTree(const std::string& rel);
  // Drops the watches of `rel` and everything below it.
  void UnwatchTree(const std::string& rel);
  void UnwatchAll();
  // The root is gone (deleted, moved away, unmounted): report, then retry.
  void LoseRoot();

  void ReadEvents();
  void HandleEvent(int wd, uint32_t mask, std::string_view name);
  void ScheduleChange();
  void ArmDebounceTimer();
  void ArmRetryTimer();
  void Retry();
  std::string PathOf(const std::string& rel) const;

  const std::string root_;
  const Options options_;
  const std::function<void()> on_change_;

  boost::asio::posix::stream_descriptor inotify_;
  boost::asio::steady_timer debounce_timer_;
  boost::asio::steady_timer retry_timer_;
  std::vector<char> buffer_;

  // wd → directory relative to root_ ("" for the root, "a/b" below it).
  std::unordered_map<int, std::string> dirs_by_wd_;
  // wd of the parent of a symlink on the root's path → the link's name.
  std::unordered_map<int, std::string> link_ancestors_by_wd_;
  int root_wd_ = -1;

  bool change_pending_ = false;
  std::chrono::steady_clock::time_point burst_start_;
  std::chrono::steady_clock::time_point fire_at_;
  bool retry_armed_ = false;

  // Handlers hold a weak_ptr to this token and do nothing once it expired:
  // Stop() resets it, so handlers already queued (even completed ones that
  // cancel() cannot abort) never touch a stopped or destroyed watcher.
  std::shared_ptr<char> alive_;
};

}  // namespace rtm
