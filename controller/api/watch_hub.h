#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
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

// The change history behind `GET /v1/runtimes?watch=true&since=N` (the
// Kubernetes watch pattern): every change of a runtime object gets the next
// revision; the newest `capacity` events are retained. Thread-safe.
class WatchHub {
 public:
  WatchHub(uint64_t initial_revision, size_t capacity);

  // Records a change and wakes the watchers. `deleted`: the object is gone
  // for good (DELETED); else ADDED the first time a name is seen, MODIFIED
  // after.
  uint64_t Publish(const std::string& name, bool deleted,
                   std::string object_json);

  uint64_t revision() const;

  // The events after `since`, oldest first; nullopt when `since` is older
  // than the retained history (the client must relist) or in the future.
  std::optional<std::vector<WatchEvent>> Since(uint64_t since) const;

  // Blocks until an event after `since` exists or `timeout` passes.
  void WaitAfter(uint64_t since, Duration timeout) const;

  // Marks `name` as known (listed at start) so its next change is MODIFIED.
  void Know(const std::string& name);

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  const size_t capacity_;
  uint64_t revision_;
  std::deque<WatchEvent> events_;
  std::set<std::string> known_;
};

}  // namespace rtm
