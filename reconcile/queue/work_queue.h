#pragma once

#include <condition_variable>
#include <cstdint>
#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "reconcile/domain/time.h"
#include "reconcile/ports/clock.h"

namespace rtm {

// Per-key retry delays of WorkQueue::AddRateLimited: base * 2^failures,
// never more than cap.
struct BackoffPolicy {
  Duration base = std::chrono::milliseconds(100);
  Duration cap = std::chrono::minutes(5);
};

// A rate-limiting, delaying work queue of keys (game names), after client-go's
// workqueue.
//
// A key is either absent, waiting (with a ready time), processing (handed out
// by Get/TryGet and not yet Done), or processing and waiting at once (it was
// added again while being processed; such a "dirty" key is handed out again
// only after Done). Consequently:
//  - a waiting key is never queued twice; adding it again can only move its
//    ready time earlier;
//  - one key is never handed out to two callers at the same time;
//  - an Add made while a key is processing is never lost.
// Ready keys (ready time <= clock.Now()) are handed out in order of ready
// time, then of insertion.
//
// Time is read only from the injected clock. The queue has no thread of its
// own; a blocked Get sleeps on a condition variable until something changes
// or the earliest delayed key is due.
//
// Thread-safe. The clock must outlive the queue and be safe to call from any
// thread that uses the queue.
class WorkQueue {
 public:
  WorkQueue(Clock& clock, BackoffPolicy policy);

  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  // Makes key ready now. Ignored after ShutDown.
  void Add(std::string key);

  // Makes key ready at clock.Now() + delay, unless it is already waiting with
  // an earlier or equal ready time. delay <= 0 is the same as Add. Ignored
  // after ShutDown.
  void AddAfter(std::string key, Duration delay);

  // AddAfter(key, Backoff(Failures(key))), then counts one more failure of
  // key.
  void AddRateLimited(std::string key);

  // Resets the failure count of key (call after it was processed
  // successfully). Does not remove key from the queue.
  void Forget(std::string_view key);

  // Number of AddRateLimited calls for key since its last Forget.
  int Failures(std::string_view key) const;

  // The delay AddRateLimited uses after `failures` failures:
  // min(policy.base * 2^failures, policy.cap).
  Duration Backoff(int failures) const;

  // Blocks until a key is ready and not processing, marks it processing and
  // returns it. The caller must call Done(key) when finished with it.
  // After ShutDown, never blocks: returns a key that is ready now, otherwise
  // nullopt (delayed keys are then never handed out).
  std::optional<std::string> Get();

  // Like Get, but returns nullopt instead of blocking when no key is ready
  // now.
  std::optional<std::string> TryGet();

  // Ends the processing of key. If key was added again meanwhile, it is
  // handed out again once its ready time has come. No effect if key is not
  // processing.
  void Done(std::string_view key);

  // Wakes every blocked Get; from now on Add/AddAfter/AddRateLimited are
  // ignored and Get does not block.
  void ShutDown();
  bool IsShuttingDown() const;

  // The earliest ready time among waiting keys (including dirty keys still
  // processing), or nullopt when no key is waiting.
  std::optional<Timestamp> NextReadyAt() const;

  // Number of waiting keys, ready or delayed, including dirty keys still
  // processing.
  size_t Depth() const;

 private:
  struct Waiting {
    Timestamp ready_at;
    std::uint64_t sequence;
  };
  struct QueuedKey {
    Timestamp ready_at;
    std::uint64_t sequence;
    std::string key;
    auto operator<=>(const QueuedKey&) const = default;
  };
  using QueueIterator = std::set<QueuedKey>::const_iterator;

  void AddAtLocked(std::string key, Timestamp ready_at);
  QueueIterator FirstNotProcessingLocked() const;
  std::string TakeLocked(QueueIterator queued);

  Clock& clock_;
  const BackoffPolicy policy_;

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  bool shutting_down_ = false;
  std::uint64_t next_sequence_ = 0;
  std::map<std::string, Waiting, std::less<>> waiting_;
  std::set<QueuedKey> queue_;
  std::set<std::string, std::less<>> processing_;
  std::map<std::string, int, std::less<>> failures_;
};

}  // namespace rtm
