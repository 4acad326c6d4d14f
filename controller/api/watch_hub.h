#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <limits>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "reconcile/domain/time.h"

namespace rtm {

struct WatchEvent {
  uint64_t revision = 0;
  std::string type;         // ADDED | MODIFIED | DELETED
  std::string object_json;  // the GameRuntime object
};

// The retained history of the WatchHub is bounded by both an event count and
// the bytes it holds (the objects' JSON plus a per-event overhead), so its
// memory does not grow with the number of declared runtimes.
inline constexpr size_t kDefaultWatchHistoryEvents = 100000;
inline constexpr size_t kDefaultWatchHistoryBytes = size_t{16} << 20;

// The change history behind `GET /v1/runtimes?watch=true&since=N` (the
// Kubernetes watch pattern): every change of a runtime object gets the next
// revision; the newest events are retained as long as they fit in
// `max_events` and `max_bytes` (the newest event is always kept). A `since`
// older than the retained history answers nullopt: the client relists.
// Thread-safe.
class WatchHub {
 public:
  WatchHub(uint64_t initial_revision, size_t max_events,
           size_t max_bytes = kDefaultWatchHistoryBytes);

  // Records a change and wakes the watchers. `deleted`: the object is gone
  // for good (DELETED); else ADDED the first time a name is seen, MODIFIED
  // after.
  uint64_t Publish(const std::string& name, bool deleted,
                   std::string object_json);

  uint64_t revision() const;

  // At most `limit` events after `since`, oldest first (the caller asks
  // again from the last one for the rest); nullopt when `since` is older
  // than the retained history (the client must relist) or in the future.
  std::optional<std::vector<WatchEvent>> Since(
      uint64_t since,
      size_t limit = std::numeric_limits<size_t>::max()) const;

  // Blocks until an event after `since` exists or `timeout` passes.
  void WaitAfter(uint64_t since, Duration timeout) const;

  // Marks `name` as known (listed at start) so its next change is MODIFIED.
  void Know(const std::string& name);

  // What the retained history holds now (for tests and diagnostics).
  size_t retained_events() const;
  size_t retained_bytes() const;

 private:
  // The bytes `event` is accounted for in the history.
  static size_t Footprint(const WatchEvent& event);

  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  const size_t max_events_;
  const size_t max_bytes_;
  uint64_t revision_;
  std::deque<WatchEvent> events_;
  size_t retained_bytes_ = 0;
  std::set<std::string> known_;
};

}  // namespace rtm
