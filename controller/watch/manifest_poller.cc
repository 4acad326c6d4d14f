#include "controller/watch/manifest_poller.h"

#include <sys/vfs.h>

#include <cstdint>

namespace rtm {

ManifestPoller::ManifestPoller(boost::asio::io_context& io, Duration interval,
                               std::function<void()> on_tick)
    : interval_(interval), on_tick_(std::move(on_tick)), timer_(io) {}

ManifestPoller::~ManifestPoller() { Stop(); }

void ManifestPoller::Start() {
  if (alive_) return;
  alive_ = std::make_shared<char>();
  Arm();
}

void ManifestPoller::Stop() {
  alive_.reset();
  boost::system::error_code ignored;
  timer_.cancel(ignored);
}

void ManifestPoller::Arm() {
  timer_.expires_after(interval_);
  timer_.async_wait([this, alive = std::weak_ptr<char>(alive_)](
                        const boost::system::error_code& error) {
    if (alive.expired() || error) return;
    on_tick_();
    if (!alive.expired()) Arm();
  });
}

std::optional<std::string> InotifyBlindFilesystem(const std::string& path) {
  struct statfs info {};
  if (::statfs(path.c_str(), &info) != 0) return std::nullopt;
  // Magic numbers from statfs(2) / linux/magic.h.
  switch (static_cast<uint32_t>(info.f_type)) {
    case 0x6969:
      return "nfs";
    case 0xFF534D42:
      return "cifs";
    case 0xFE534D42:
      return "smb2";
    case 0x517B:
      return "smb";
    case 0x65735546:
      return "fuse";
    case 0x01021997:
      return "9p";
    case 0x00C36400:
      return "ceph";
    case 0x5346414F:
      return "afs";
    default:
      return std::nullopt;
  }
}

}  // namespace rtm
