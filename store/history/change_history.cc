#include "store/history/change_history.h"

#include <algorithm>
#include <utility>

namespace rtm {

ChangeHistory::ChangeHistory(uint64_t revision, size_t max_bytes)
    : max_bytes_(max_bytes),
      floor_(revision),
      store_revision_(revision),
      last_change_revision_(revision) {}

Expected<uint64_t> ChangeHistory::Revision() {
  std::lock_guard lock(mutex_);
  return store_revision_;
}

Expected<ChangeBatch> ChangeHistory::ReadAfter(uint64_t after,
                                                   size_t limit) {
  std::lock_guard lock(mutex_);
  ChangeBatch batch;
  if (after < floor_ || after > store_revision_) {
    batch.history_lost = true;
    return batch;
  }
  auto first = std::upper_bound(
      entries_.begin(), entries_.end(), after,
      [](uint64_t revision, const Entry& entry) {
        return revision < entry.change->revision;
      });
  const size_t available = static_cast<size_t>(entries_.end() - first);
  batch.changes.reserve(std::min(limit, available));
  for (auto it = first; it != entries_.end() && batch.changes.size() < limit;
       ++it) {
    batch.changes.push_back(it->change);
  }
  return batch;
}

void ChangeHistory::WaitAfter(uint64_t after, Duration timeout) {
  std::unique_lock lock(mutex_);
  const uint64_t wakes = wakes_;
  appended_.wait_for(lock, timeout, [&] {
    return last_change_revision_ > after || wakes_ != wakes;
  });
}

void ChangeHistory::Wake() {
  {
    std::lock_guard lock(mutex_);
    ++wakes_;
  }
  appended_.notify_all();
}

void ChangeHistory::Compact(uint64_t revision) {
  std::lock_guard lock(mutex_);
  while (!entries_.empty() && entries_.front().change->revision <= revision) {
    DropOldest();
  }
  floor_ = std::max(floor_, std::min(revision, store_revision_));
}

size_t ChangeHistory::retained_changes() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

size_t ChangeHistory::retained_bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

void ChangeHistory::Append(std::shared_ptr<const RuntimeChange> change,
                               size_t bytes) {
  {
    std::lock_guard lock(mutex_);
    last_change_revision_ = change->revision;
    store_revision_ = std::max(store_revision_, change->revision);
    latest_.insert_or_assign(change->name, change);
    entries_.push_back({std::move(change), bytes});
    bytes_ += bytes;
    while (bytes_ > max_bytes_ && entries_.size() > 1) DropOldest();
  }
  appended_.notify_all();
}

void ChangeHistory::Reset(uint64_t revision) {
  {
    std::lock_guard lock(mutex_);
    entries_.clear();
    latest_.clear();
    bytes_ = 0;
    floor_ = revision;
    store_revision_ = revision;
    last_change_revision_ = revision;
    ++wakes_;
  }
  appended_.notify_all();
}

void ChangeHistory::Committed(uint64_t revision) {
  std::lock_guard lock(mutex_);
  store_revision_ = std::max(store_revision_, revision);
}

std::shared_ptr<const RuntimeChange> ChangeHistory::Latest(
    std::string_view name) const {
  std::lock_guard lock(mutex_);
  auto found = latest_.find(name);
  return found == latest_.end() ? nullptr : found->second;
}

void ChangeHistory::DropOldest() {
  const RuntimeChange& oldest = *entries_.front().change;
  floor_ = std::max(floor_, oldest.revision);
  if (auto latest = latest_.find(oldest.name);
      latest != latest_.end() && latest->second.get() == &oldest) {
    latest_.erase(latest);
  }
  bytes_ -= entries_.front().bytes;
  entries_.pop_front();
}

}  // namespace rtm
