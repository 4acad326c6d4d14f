#include "store/etcd/etcd_watch_loop.h"

#include <algorithm>
#include <utility>

namespace rtm {
namespace {

// How long one watch read waits before it is started again (Stop
// interrupts it sooner).
constexpr Duration kWatchReadSlice = std::chrono::seconds(30);

Deadline SteadyIn(Duration duration) {
  return std::chrono::steady_clock::now() +
         std::chrono::duration_cast<std::chrono::steady_clock::duration>(
             duration);
}

}  // namespace

Expected<std::unique_ptr<EtcdWatchLoop>> EtcdWatchLoop::Start(
    etcd::Client& client, std::string prefix, Handler handler,
    EtcdWatchLoopOptions options) {
  std::unique_ptr<EtcdWatchLoop> loop(new EtcdWatchLoop(
      client, std::move(prefix), std::move(handler), options));
  if (auto listed = loop->List(/*relist=*/false); !listed) {
    return std::unexpected(listed.error());
  }
  loop->thread_ = std::thread([raw = loop.get()] { raw->Run(); });
  return loop;
}

EtcdWatchLoop::EtcdWatchLoop(etcd::Client& client, std::string prefix,
                             Handler handler, EtcdWatchLoopOptions options)
    : client_(client),
      prefix_(std::move(prefix)),
      handler_(std::move(handler)),
      options_(options) {}

EtcdWatchLoop::~EtcdWatchLoop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    if (active_watch_ != nullptr) active_watch_->Interrupt();
  }
  stop_signal_.notify_all();
  if (thread_.joinable()) thread_.join();
}

uint64_t EtcdWatchLoop::relists() const {
  std::lock_guard lock(mutex_);
  return relists_;
}

Expected<void> EtcdWatchLoop::List(bool relist) {
  etcd::RangeRequest request;
  request.key = prefix_;
  request.range_end = etcd::PrefixEnd(prefix_);
  auto listed = client_.Range(request);
  if (!listed) return std::unexpected(listed.error());
  next_revision_ = listed->revision + 1;
  handler_.on_list(listed->revision, std::move(listed->kvs), relist);
  if (relist) {
    std::lock_guard lock(mutex_);
    ++relists_;
  }
  return {};
}

bool EtcdWatchLoop::Pause(Duration delay) {
  std::unique_lock lock(mutex_);
  stop_signal_.wait_for(lock, delay, [&] { return stopping_; });
  return !stopping_;
}

void EtcdWatchLoop::Run() {
  Duration retry = options_.retry_initial;
  bool relist = false;
  auto back_off = [&] {
    const bool go_on = Pause(retry);
    retry = std::min(retry * 2, options_.retry_max);
    return go_on;
  };
  while (true) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
    }
    if (relist) {
      if (!List(/*relist=*/true)) {
        if (!back_off()) return;
        continue;
      }
      relist = false;
    }
    etcd::WatchRequest request;
    request.key = prefix_;
    request.range_end = etcd::PrefixEnd(prefix_);
    request.start_revision = next_revision_;
    request.progress_notify = true;
    auto watch = client_.Watch(request);
    if (!watch) {
      if (watch.error().code == ErrorCode::kConflict) {  // compacted
        relist = true;
        continue;
      }
      if (!back_off()) return;
      continue;
    }
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      active_watch_ = watch->get();
    }
    retry = options_.retry_initial;
    while (true) {
      auto message = (*watch)->Next(SteadyIn(kWatchReadSlice));
      if (!message) break;  // broken: resume from next_revision_
      if (!message->has_value()) continue;
      const etcd::WatchResponse& response = **message;
      if (response.canceled) {
        relist = response.compact_revision != 0;
        break;
      }
      if (response.created) continue;
      // Events come in revision order; a message without events (progress)
      // says that everything up to its header revision was delivered.
      int64_t delivered = response.revision;
      if (!response.events.empty()) {
        delivered = 0;
        for (const etcd::WatchEvent& event : response.events) {
          delivered = std::max(delivered, event.kv.mod_revision);
        }
      }
      handler_.on_events(response.events, delivered);
      next_revision_ = std::max(next_revision_, delivered + 1);
    }
    {
      std::lock_guard lock(mutex_);
      active_watch_ = nullptr;
      if (stopping_) return;
    }
    if (!relist && !back_off()) return;
  }
}

}  // namespace rtm
