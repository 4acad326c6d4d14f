#include "reconcile/queue/work_queue.h"

#include <algorithm>
#include <limits>
#include <utility>

namespace rtm {
namespace {

// Bounds one condition-variable wait, so that a far-off ready time cannot
// overflow the standard library's deadline arithmetic.
constexpr Duration kLongestWait = std::chrono::hours(1);

Timestamp SaturatingAdd(Timestamp at, Duration delay) {
  if (delay <= Duration::zero()) return at;
  if (delay > Timestamp::max() - at) return Timestamp::max();
  return at + delay;
}

}  // namespace

WorkQueue::WorkQueue(Clock& clock, BackoffPolicy policy)
    : clock_(clock), policy_(policy) {}

void WorkQueue::Add(std::string key) {
  std::lock_guard lock(mutex_);
  AddAtLocked(std::move(key), clock_.Now());
}

void WorkQueue::AddAfter(std::string key, Duration delay) {
  std::lock_guard lock(mutex_);
  AddAtLocked(std::move(key), SaturatingAdd(clock_.Now(), delay));
}

void WorkQueue::AddRateLimited(std::string key) {
  std::lock_guard lock(mutex_);
  int& failures = failures_.try_emplace(key, 0).first->second;
  const Duration delay = Backoff(failures);
  if (failures < std::numeric_limits<int>::max()) ++failures;
  AddAtLocked(std::move(key), SaturatingAdd(clock_.Now(), delay));
}

void WorkQueue::Forget(std::string_view key) {
  std::lock_guard lock(mutex_);
  if (auto found = failures_.find(key); found != failures_.end()) {
    failures_.erase(found);
  }
}

int WorkQueue::Failures(std::string_view key) const {
  std::lock_guard lock(mutex_);
  auto found = failures_.find(key);
  return found == failures_.end() ? 0 : found->second;
}

Duration WorkQueue::Backoff(int failures) const {
  const Duration::rep base = policy_.base.count();
  const Duration::rep cap = policy_.cap.count();
  if (base <= 0) return Duration::zero();
  if (failures <= 0) return Duration(std::min(base, cap));
  constexpr int kMaxShift = std::numeric_limits<Duration::rep>::digits - 1;
  if (failures > kMaxShift || base > (cap >> failures)) return policy_.cap;
  return Duration(base << failures);
}

std::optional<std::string> WorkQueue::Get() {
  std::unique_lock lock(mutex_);
  while (true) {
    const Timestamp now = clock_.Now();
    const QueueIterator next = FirstNotProcessingLocked();
    if (next != queue_.end() && next->ready_at <= now) return TakeLocked(next);
    if (shutting_down_) return std::nullopt;
    if (next == queue_.end()) {
      changed_.wait(lock);
    } else {
      changed_.wait_for(lock, std::min(next->ready_at - now, kLongestWait));
    }
  }
}

std::optional<std::string> WorkQueue::TryGet() {
  std::lock_guard lock(mutex_);
  const QueueIterator next = FirstNotProcessingLocked();
  if (next == queue_.end() || next->ready_at > clock_.Now()) {
    return std::nullopt;
  }
  return TakeLocked(next);
}

void WorkQueue::Done(std::string_view key) {
  std::lock_guard lock(mutex_);
  auto processing = processing_.find(key);
  if (processing == processing_.end()) return;
  processing_.erase(processing);
  if (waiting_.contains(key)) changed_.notify_all();
}

void WorkQueue::ShutDown() {
  std::lock_guard lock(mutex_);
  shutting_down_ = true;
  changed_.notify_all();
}

bool WorkQueue::IsShuttingDown() const {
  std::lock_guard lock(mutex_);
  return shutting_down_;
}

std::optional<Timestamp> WorkQueue::NextReadyAt() const {
  std::lock_guard lock(mutex_);
  if (queue_.empty()) return std::nullopt;
  return queue_.begin()->ready_at;
}

size_t WorkQueue::Depth() const {
  std::lock_guard lock(mutex_);
  return waiting_.size();
}

void WorkQueue::AddAtLocked(std::string key, Timestamp ready_at) {
  if (shutting_down_) return;
  auto found = waiting_.find(key);
  if (found != waiting_.end()) {
    Waiting& waiting = found->second;
    if (waiting.ready_at <= ready_at) return;
    auto queued = queue_.find(QueuedKey{waiting.ready_at, waiting.sequence, key});
    auto node = queue_.extract(queued);
    waiting = Waiting{ready_at, next_sequence_++};
    node.value().ready_at = waiting.ready_at;
    node.value().sequence = waiting.sequence;
    queue_.insert(std::move(node));
  } else {
    const Waiting waiting{ready_at, next_sequence_++};
    queue_.insert(QueuedKey{waiting.ready_at, waiting.sequence, key});
    waiting_.emplace(std::move(key), waiting);
  }
  changed_.notify_all();
}

WorkQueue::QueueIterator WorkQueue::FirstNotProcessingLocked() const {
  auto queued = queue_.begin();
  while (queued != queue_.end() && processing_.contains(queued->key)) {
    ++queued;
  }
  return queued;
}

std::string WorkQueue::TakeLocked(QueueIterator queued) {
  std::string key = std::move(queue_.extract(queued).value().key);
  waiting_.erase(key);
  processing_.insert(key);
  return key;
}

}  // namespace rtm
