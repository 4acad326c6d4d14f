// Rescans on a timer, for manifests whose changes inotify does not report
// (`rtmanager run --manifest-poll INTERVAL`; docs/contract.md §2): network
// and FUSE filesystems deliver no event for a change made on another
// machine. A rescan that finds nothing changed costs a stat per file: no
// store write and no engine call (the desired-state writer compares).
#pragma once

// Boost 1.74's Asio uses std::exchange without <utility>.
// clang-format off
#include <utility>
// clang-format on

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace rtm {

// Same threading as ManifestWatcher: everything on the io_context's thread.
class ManifestPoller {
 public:
  using Duration = std::chrono::steady_clock::duration;

  // `on_tick` (the rescan request) runs every `interval` once started.
  ManifestPoller(boost::asio::io_context& io, Duration interval,
                 std::function<void()> on_tick);
  ~ManifestPoller();  // Stop()

  ManifestPoller(const ManifestPoller&) = delete;
  ManifestPoller& operator=(const ManifestPoller&) = delete;

  void Start();
  // No tick after it returns (a queued one is dropped). Idempotent.
  void Stop();

 private:
  void Arm();

  const Duration interval_;
  const std::function<void()> on_tick_;
  boost::asio::steady_timer timer_;
  std::shared_ptr<char> alive_;  // handlers do nothing once it expired
};

// The kind of filesystem `path` is on when inotify does not see changes
// made to it from elsewhere ("nfs", "cifs", "smb2", "fuse", "9p", "ceph",
// "afs"), else nullopt (also when `path` cannot be examined).
std::optional<std::string> InotifyBlindFilesystem(const std::string& path);

}  // namespace rtm
