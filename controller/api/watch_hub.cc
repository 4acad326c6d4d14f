#include "controller/api/watch_hub.h"

namespace rtm {

WatchHub::WatchHub(uint64_t initial_revision, size_t capacity)
    : capacity_(capacity), revision_(initial_revision) {}

uint64_t WatchHub::Publish(const std::string& name, bool deleted,
                           std::string object_json) {
  std::lock_guard lock(mutex_);
  std::string type;
  if (deleted) {
    type = "DELETED";
    known_.erase(name);
  } else {
    type = known_.insert(name).second ? "ADDED" : "MODIFIED";
  }
  events_.push_back({++revision_, std::move(type), std::move(object_json)});
  if (events_.size() > capacity_) events_.pop_front();
  changed_.notify_all();
  return revision_;
}

uint64_t WatchHub::revision() const {
  std::lock_guard lock(mutex_);
  return revision_;
}

std::optional<std::vector<WatchEvent>> WatchHub::Since(uint64_t since) const {
  std::lock_guard lock(mutex_);
  if (since > revision_) return std::nullopt;
  const uint64_t oldest_kept =
      events_.empty() ? revision_ + 1 : events_.front().revision;
  if (since + 1 < oldest_kept && since != revision_) return std::nullopt;
  std::vector<WatchEvent> out;
  for (const WatchEvent& event : events_) {
    if (event.revision > since) out.push_back(event);
  }
  return out;
}

void WatchHub::WaitAfter(uint64_t since, Duration timeout) const {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, timeout, [&] { return revision_ > since; });
}

void WatchHub::Know(const std::string& name) {
  std::lock_guard lock(mutex_);
  known_.insert(name);
}

}  // namespace rtm
