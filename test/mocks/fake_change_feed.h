#pragma once

#include <algorithm>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "reconcile/ports/change_feed.h"

namespace rtm {

// A change feed the test writes to: Push commits a change at the next
// revision (or at the revision it carries, when higher) and wakes waiters;
// history before LoseHistoryUpTo is gone. Thread-safe.
class FakeChangeFeed : public ChangeFeed {
 public:
  uint64_t Push(RuntimeChange change) {
    std::lock_guard lock(mutex_);
    revision_ = std::max(revision_ + 1, change.revision);
    change.revision = revision_;
    changes_.push_back(std::make_shared<const RuntimeChange>(std::move(change)));
    changed_.notify_all();
    return revision_;
  }
  void LoseHistoryUpTo(uint64_t revision) {
    std::lock_guard lock(mutex_);
    floor_ = revision;
    std::erase_if(changes_, [&](const auto& change) {
      return change->revision <= revision;
    });
  }

  Expected<uint64_t> Revision() override {
    std::lock_guard lock(mutex_);
    return revision_;
  }
  Expected<ChangeBatch> ReadAfter(uint64_t after, size_t limit) override {
    std::lock_guard lock(mutex_);
    ChangeBatch batch;
    if (after < floor_ || after > revision_) {
      batch.history_lost = true;
      return batch;
    }
    for (const auto& change : changes_) {
      if (change->revision > after && batch.changes.size() < limit) {
        batch.changes.push_back(change);
      }
    }
    return batch;
  }
  void WaitAfter(uint64_t after, Duration timeout) override {
    std::unique_lock lock(mutex_);
    const uint64_t wakes = wakes_;
    changed_.wait_for(lock, timeout, [&] {
      return (!changes_.empty() && changes_.back()->revision > after) ||
             wakes_ != wakes;
    });
  }
  void Wake() override {
    std::lock_guard lock(mutex_);
    ++wakes_;
    changed_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  uint64_t revision_ = 0;
  uint64_t floor_ = 0;
  uint64_t wakes_ = 0;
  std::vector<std::shared_ptr<const RuntimeChange>> changes_;
};

}  // namespace rtm
