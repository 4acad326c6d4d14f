#include "controller/watch/manifest_watcher.h"

// Boost 1.74's Asio uses std::exchange without <utility>.
// clang-format off
#include <utility>
// clang-format on

#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace rtm {
namespace {

namespace asio = boost::asio;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;

// Everything that can change which manifest files exist or what they hold.
// IN_MODIFY is left out on purpose: a write ends in IN_CLOSE_WRITE, and
// reacting to each chunk would only lengthen bursts.
constexpr uint32_t kDirectoryMask =
    IN_CREATE | IN_DELETE | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO |
    IN_DELETE_SELF | IN_MOVE_SELF | IN_ATTRIB | IN_ONLYDIR;

// Enough for many events per read; one event is at most
// sizeof(inotify_event) + NAME_MAX + 1 bytes.
constexpr size_t kReadBufferBytes = 64 * 1024;

// Hidden entries (".git", vim's ".x.yaml.swp", Kubernetes' "..data") are
// never manifests and hidden directories are never entered, as in
// ListManifestFiles.
bool IsHidden(std::string_view name) { return name.starts_with('.'); }

// What changes the name `name` in a directory: the events the parent of a
// symlink on the root's path is watched for.
constexpr uint32_t kLinkAncestorMask =
    IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_ONLYDIR;

bool IsSymlink(const std::string& path) {
  struct stat info {};
  return ::lstat(path.c_str(), &info) == 0 && S_ISLNK(info.st_mode);
}

std::string ErrnoText(int err) {
  return std::error_code(err, std::generic_category()).message();
}

}  // namespace

ManifestWatcher::ManifestWatcher(asio::io_context& io, std::string root,
                                 Options options,
                                 std::function<void()> on_change)
    : root_(std::move(root)),
      options_(std::move(options)),
      on_change_(std::move(on_change)),
      inotify_(io),
      debounce_timer_(io),
      retry_timer_(io),
      buffer_(kReadBufferBytes) {}

ManifestWatcher::~ManifestWatcher() { Stop(); }

Expected<void> ManifestWatcher::Start() {
  if (alive_)
    return Fail(ErrorCode::kInvalidRequest, "manifest watcher already started");
  if (!options_.is_manifest_file) {
    return Fail(ErrorCode::kInvalidRequest,
                "manifest watcher needs an is_manifest_file filter");
  }
  if (int err = OpenInotify(); err != 0) {
    return Fail(ErrorCode::kServiceUnavailable,
                "inotify_init1: " + ErrnoText(err));
  }
  alive_ = std::make_shared<char>();
  const int err = WatchRoot();
  if (err == ENOENT || err == ENOTDIR) {
    ArmRetryTimer();  // not there yet: wait for it
  } else if (err != 0) {
    Stop();
    return Fail(
        ErrorCode::kServiceUnavailable,
        "cannot watch manifest directory " + root_ + ": " + ErrnoText(err));
  }
  ReadEvents();
  return {};
}

void ManifestWatcher::Stop() {
  alive_.reset();
  error_code ignored;
  debounce_timer_.cancel(ignored);
  retry_timer_.cancel(ignored);
  inotify_.close(ignored);  // closing the fd drops every watch with it
  dirs_by_wd_.clear();
  link_ancestors_by_wd_.clear();
  root_wd_ = -1;
  change_pending_ = false;
  retry_armed_ = false;
}

int ManifestWatcher::OpenInotify() {
  const int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) return errno;
  error_code ec;
  inotify_.assign(fd, ec);
  if (ec) {
    ::close(fd);
    return ec.value() != 0 ? ec.value() : EIO;
  }
  return 0;
}

std::string ManifestWatcher::PathOf(const std::string& rel) const {
  return rel.empty() ? root_ : root_ + "/" + rel;
}

int ManifestWatcher::WatchRoot() {
  WatchLinkAncestors();
  const int wd = WatchTree("");
  if (wd < 0) return -wd;
  root_wd_ = wd;
  return 0;
}

void ManifestWatcher::WatchLinkAncestors() {
  UnwatchLinkAncestors();
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path root = fs::absolute(root_, ec).lexically_normal();
  if (ec) return;
  fs::path prefix;
  for (const fs::path& part : root) {
    prefix /= part;
    if (!prefix.has_parent_path() || prefix == prefix.root_path()) continue;
    if (!IsSymlink(prefix.string())) continue;
    const int wd = inotify_add_watch(inotify_.native_handle(),
                                     prefix.parent_path().c_str(),
                                     kLinkAncestorMask);
    if (wd >= 0) link_ancestors_by_wd_[wd] = prefix.filename().string();
  }
}

void ManifestWatcher::UnwatchLinkAncestors() {
  for (const auto& [wd, name] : link_ancestors_by_wd_) {
    // A wd shared with the tree (an ancestor inside it: cannot be, as the
    // root is below every ancestor) would be kept.
    if (!dirs_by_wd_.contains(wd)) inotify_rm_watch(inotify_.native_handle(), wd);
  }
  link_ancestors_by_wd_.clear();
}

void ManifestWatcher::FollowRepointedRoot() {
  // The old tree's watches go first, so that its deletion (git-sync
  // removes the old worktree after the flip) is not read as the root's.
  UnwatchAll();
  if (WatchRoot() != 0) ArmRetryTimer();
  ScheduleChange();
}

int ManifestWatcher::WatchTree(const std::string& rel) {
  // The root may be a symlink to a directory; below it, directory symlinks
  // are not followed (as in ListManifestFiles).
  const uint32_t mask = kDirectoryMask | (rel.empty() ? 0 : IN_DONT_FOLLOW);
  const int wd =
      inotify_add_watch(inotify_.native_handle(), PathOf(rel).c_str(), mask);
  if (wd < 0) return -errno;
  // Watching an inode already watched returns its wd: the path is updated.
  dirs_by_wd_[wd] = rel;

  // Subdirectories created from here on are reported to this new watch;
  // those that already exist are walked now. Whatever is created in between
  // is picked up by the rescan the caller does after the change we report.
  namespace fs = std::filesystem;
  std::error_code ec;
  for (fs::directory_iterator it(PathOf(rel), ec), end; !ec && it != end;
       it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (IsHidden(name)) continue;
    std::error_code status_ec;
    if (it->symlink_status(status_ec).type() != fs::file_type::directory)
      continue;
    const std::string child = rel.empty() ? name : rel + "/" + name;
    if (const int child_wd = WatchTree(child); child_wd < 0) ReportUnwatched(child, -child_wd);
  }
  return wd;
}

void ManifestWatcher::ReportUnwatched(const std::string& rel, int error) {
  // A directory deleted before it could be watched is no loss.
  if (error == ENOENT || error == ENOTDIR) return;
  if (options_.on_unwatched) options_.on_unwatched(rel, error);
}

void ManifestWatcher::UnwatchTree(const std::string& rel) {
  const std::string prefix = rel + "/";
  for (auto it = dirs_by_wd_.begin(); it != dirs_by_wd_.end();) {
    if (it->second == rel || it->second.starts_with(prefix)) {
      // EINVAL when the kernel already dropped it (directory deleted): fine.
      inotify_rm_watch(inotify_.native_handle(), it->first);
      it = dirs_by_wd_.erase(it);
    } else {
      ++it;
    }
  }
}

void ManifestWatcher::UnwatchAll() {
  for (const auto& [wd, rel] : dirs_by_wd_)
    inotify_rm_watch(inotify_.native_handle(), wd);
  dirs_by_wd_.clear();
  root_wd_ = -1;
}

void ManifestWatcher::LoseRoot() {
  // Also drops the watches of a root moved away as a whole, which keep
  // reporting from its new place. Events still queued for these wds are
  // ignored: they are no longer in the map.
  UnwatchAll();
  ScheduleChange();
  ArmRetryTimer();
}

void ManifestWatcher::ReadEvents() {
  inotify_.async_read_some(
      asio::buffer(buffer_), [this, alive = std::weak_ptr<char>(alive_)](
                                 const error_code& ec, size_t size) {
        if (alive.expired() || ec == asio::error::operation_aborted) return;
        if (ec) {
          // The inotify fd broke (never seen in practice): start over with a
          // fresh one from the retry timer, and have the owner rescan.
          error_code ignored;
          inotify_.close(ignored);
          dirs_by_wd_.clear();
          link_ancestors_by_wd_.clear();
          root_wd_ = -1;
          ScheduleChange();
          ArmRetryTimer();
          return;
        }
        // The kernel returns whole events only; names are NUL-padded.
        size_t offset = 0;
        while (offset + sizeof(inotify_event) <= size) {
          inotify_event event;
          std::memcpy(&event, buffer_.data() + offset, sizeof event);
          const char* name = buffer_.data() + offset + sizeof event;
          HandleEvent(event.wd, event.mask,
                      std::string_view(name, strnlen(name, event.len)));
          offset += sizeof event + event.len;
        }
        ReadEvents();
      });
}

void ManifestWatcher::HandleEvent(int wd, uint32_t mask,
                                  std::string_view name) {
  if (mask & IN_Q_OVERFLOW) {
    // Events were lost, maybe directory creations too: rebuild every watch
    // (re-adding an existing one returns its wd) and have the owner rescan.
    UnwatchAll();
    if (WatchRoot() != 0) ArmRetryTimer();
    ScheduleChange();
    return;
  }
  if (auto link = link_ancestors_by_wd_.find(wd);
      link != link_ancestors_by_wd_.end() && !dirs_by_wd_.contains(wd)) {
    if (name == link->second) FollowRepointedRoot();
    return;
  }
  const auto it = dirs_by_wd_.find(wd);
  if (it == dirs_by_wd_.end()) return;  // a watch dropped since
  if (wd == root_wd_ &&
      (mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_UNMOUNT | IN_IGNORED))) {
    LoseRoot();
    return;
  }
  if (mask & IN_IGNORED) {  // a subdirectory went away; its parent said so
    dirs_by_wd_.erase(it);
    return;
  }
  if (name.empty()) {
    // About the watched directory itself: a chmod may make it unreadable; an
    // unmount changes its contents. A subdirectory's DELETE_SELF/MOVE_SELF
    // is reported by its parent too, with the name.
    if (mask & (IN_ATTRIB | IN_UNMOUNT)) ScheduleChange();
    return;
  }
  // A symlink created or renamed into place, hidden or not: the "..data"
  // swap of a ConfigMap volume re-points every manifest at once.
  if ((mask & (IN_CREATE | IN_MOVED_TO)) && !(mask & IN_ISDIR) &&
      IsSymlink(PathOf(it->second.empty()
                           ? std::string(name)
                           : it->second + "/" + std::string(name)))) {
    ScheduleChange();
    return;
  }
  if (IsHidden(name)) return;
  if (mask & IN_ISDIR) {
    const std::string rel = it->second.empty()
                                ? std::string(name)
                                : it->second + "/" + std::string(name);
    if (mask & (IN_CREATE | IN_MOVED_TO)) {
      if (const int wd = WatchTree(rel); wd < 0) ReportUnwatched(rel, -wd);
    } else if (mask & (IN_DELETE | IN_MOVED_FROM)) {
      UnwatchTree(rel);
    }
    ScheduleChange();
    return;
  }
  if (options_.is_manifest_file(name)) ScheduleChange();
}

void ManifestWatcher::ScheduleChange() {
  const auto now = Clock::now();
  if (!change_pending_) {
    change_pending_ = true;
    burst_start_ = now;
    fire_at_ = now + options_.debounce;
    ArmDebounceTimer();
    return;
  }
  // Only moves the target: the one pending wait re-arms itself when it
  // wakes up early (no cancel, so no race with an already-queued handler).
  fire_at_ = std::min(now + options_.debounce,
                      burst_start_ + kMaxDelayFactor * options_.debounce);
}

void ManifestWatcher::ArmDebounceTimer() {
  debounce_timer_.expires_at(fire_at_);
  debounce_timer_.async_wait(
      [this, alive = std::weak_ptr<char>(alive_)](const error_code& ec) {
        if (alive.expired() || ec == asio::error::operation_aborted) return;
        if (Clock::now() < fire_at_) {
          ArmDebounceTimer();
          return;
        }
        change_pending_ = false;
        on_change_();  // last: it may Stop() the watcher
      });
}

void ManifestWatcher::ArmRetryTimer() {
  if (retry_armed_) return;
  retry_armed_ = true;
  retry_timer_.expires_after(options_.root_retry);
  retry_timer_.async_wait(
      [this, alive = std::weak_ptr<char>(alive_)](const error_code& ec) {
        if (alive.expired() || ec == asio::error::operation_aborted) return;
        retry_armed_ = false;
        Retry();
      });
}

void ManifestWatcher::Retry() {
  if (!inotify_.is_open()) {
    if (OpenInotify() != 0) {
      ArmRetryTimer();
      return;
    }
    ReadEvents();
  }
  if (root_wd_ >= 0) return;
  if (WatchRoot() == 0) {
    ScheduleChange();  // the root (re)appeared, maybe full of manifests
  } else {
    ArmRetryTimer();
  }
}

}  // namespace rtm
