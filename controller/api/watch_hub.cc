#include "controller/api/watch_hub.h"

#include <algorithm>
#include <iterator>

namespace rtm {

WatchHub::WatchHub(uint64_t initial_revision, size_t max_events,
                   size_t max_bytes)
    : max_events_(std::max<size_t>(max_events, 1)),
      max_bytes_(max_bytes),
      revision_(initial_revision) {}

size_t WatchHub::Footprint(const WatchEvent& event) {
  // The deque slot plus the heap blocks of the strings that left SSO.
  size_t bytes = sizeof(WatchEvent);
  if (event.object_json.capacity() > 15) bytes += event.object_json.capacity() + 1;
  if (event.type.capacity() > 15) bytes += event.type.capacity() + 1;
  return bytes;
}

uint64_t WatchHub::Publish(const std::string& name, bool deleted,
                           std::string object_json) {
  // Serializers grow their output by doubling: keep only what is used.
  object_json.shrink_to_fit();
  std::lock_guard lock(mutex_);
  std::string type;
  if (deleted) {
    type = "DELETED";
    known_.erase(name);
  } else {
    type = known_.insert(name).second ? "ADDED" : "MODIFIED";
  }
  events_.push_back({++revision_, std::move(type), std::move(object_json)});
  retained_bytes_ += Footprint(events_.back());
  while (events_.size() > 1 &&
         (events_.size() > max_events_ || retained_bytes_ > max_bytes_)) {
    retained_bytes_ -= Footprint(events_.front());
    events_.pop_front();
  }
  changed_.notify_all();
  return revision_;
}

uint64_t WatchHub::revision() const {
  std::lock_guard lock(mutex_);
  return revision_;
}

std::optional<std::vector<WatchEvent>> WatchHub::Since(uint64_t since,
                                                       size_t limit) const {
  std::lock_guard lock(mutex_);
  if (since > revision_) return std::nullopt;
  const uint64_t oldest_kept =
      events_.empty() ? revision_ + 1 : events_.front().revision;
  if (since + 1 < oldest_kept && since != revision_) return std::nullopt;
  std::vector<WatchEvent> out;
  if (since == revision_) return out;
  // Revisions are consecutive in the history: index straight to `since + 1`.
  const size_t first = static_cast<size_t>(since + 1 - oldest_kept);
  const size_t count = std::min(limit, events_.size() - first);
  out.reserve(count);
  std::copy_n(events_.begin() + static_cast<std::ptrdiff_t>(first), count,
              std::back_inserter(out));
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

size_t WatchHub::retained_events() const {
  std::lock_guard lock(mutex_);
  return events_.size();
}

size_t WatchHub::retained_bytes() const {
  std::lock_guard lock(mutex_);
  return retained_bytes_;
}

}  // namespace rtm
