#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <string_view>
#include <memory>
#include <mutex>

#include "reconcile/ports/change_feed.h"

namespace rtm {

// The retained history of a ChangeHistory, in bytes, unless the
// operator sets it (rtmanager run --watch-history-mib).
inline constexpr size_t kDefaultChangeHistoryBytes = size_t{16} << 20;

// The change history every store backend serves its ChangeFeed from. It
// lives in memory, bounded in bytes (each change counts the stored size of
// the halves it holds alone plus a fixed overhead; a half shared with an
// older change of the runtime is counted there; the newest change is
// always kept), and starts empty at the store's revision when the store
// opens: a reader resuming from an older revision after a restart is told
// history_lost and relists. One writer appends in commit order: the
// leveldb database under its write lock (store/leveldb/runtime_writes.h),
// the etcd backend's watch (store/etcd/etcd_change_feed.h). Thread-safe.
class ChangeHistory : public ChangeFeed {
 public:
  // `revision`: the store's revision at open.
  ChangeHistory(uint64_t revision, size_t max_bytes);

  Expected<uint64_t> Revision() override;
  Expected<ChangeBatch> ReadAfter(uint64_t after, size_t limit) override;
  void WaitAfter(uint64_t after, Duration timeout) override;
  void Wake() override;

  // Forgets every change at or below `revision` (etcd's compaction): a
  // read after an older revision answers history_lost.
  void Compact(uint64_t revision);

  // What the history holds now (for tests and diagnostics).
  size_t retained_changes() const;
  size_t retained_bytes() const;

  // Forgets everything and starts again, empty, at `revision` (the writer
  // relisted, e.g. after etcd compacted history it had not read): every
  // read after an older revision answers history_lost, and every wait
  // returns.
  void Reset(uint64_t revision);

  // For the writer, in revision order: the
  // change committed at change->revision (bytes: what it is accounted
  // for), then the store's new revision (every revisioned write, changes
  // or not).
  void Append(std::shared_ptr<const RuntimeChange> change, size_t bytes);
  void Committed(uint64_t revision);

  // The newest retained change of `name`, null when none is retained. Its
  // halves are the stored ones (every write of either half is appended
  // here under the database's write lock, which the caller holds).
  std::shared_ptr<const RuntimeChange> Latest(std::string_view name) const;

 private:
  struct Entry {
    std::shared_ptr<const RuntimeChange> change;
    size_t bytes = 0;
  };
  void DropOldest();  // under mutex_

  const size_t max_bytes_;
  mutable std::mutex mutex_;
  std::condition_variable appended_;
  std::deque<Entry> entries_;
  // The newest retained change of each name.
  std::map<std::string, std::shared_ptr<const RuntimeChange>, std::less<>>
      latest_;
  size_t bytes_ = 0;
  // Reads after a revision >= floor_ are complete.
  uint64_t floor_;
  uint64_t store_revision_;
  uint64_t last_change_revision_;
  uint64_t wakes_ = 0;  // Wake calls so far
};

}  // namespace rtm
