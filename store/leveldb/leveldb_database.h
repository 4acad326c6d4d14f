#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include <leveldb/db.h>
#include <leveldb/iterator.h>
#include <leveldb/status.h>
#include <leveldb/write_batch.h>

#include "reconcile/domain/error.h"

namespace rtm {

inline leveldb::Slice ToSlice(std::string_view bytes) {
  return leveldb::Slice(bytes.data(), bytes.size());
}
inline std::string_view ToView(const leveldb::Slice& bytes) {
  return std::string_view(bytes.data(), bytes.size());
}

// How long a write must survive: kSynced is fsynced before the call returns
// (survives a power loss); kBuffered survives a crash of this process only.
enum class Durability { kSynced, kBuffered };

// The one leveldb database of a controller, under a directory, shared by the
// store adapters (which hold a reference to it and must not outlive it).
// leveldb's LOCK file lets one process at a time open a directory. A damaged
// store is never repaired, reset or recreated: Open fails and leaves every
// file where it is for the operator. Safe to use from several threads.
class LeveldbDatabase {
 public:
  // Opens the store under `dir`, creating the directory and a new empty
  // store when the directory is missing or empty. Errors name the directory
  // and carry leveldb's status text:
  //   held by another process (or opened twice) → kServiceUnavailable;
  //   directory not creatable / not readable     → kServiceUnavailable;
  //   corrupt, or a non-empty directory without a store, or an unreadable
  //   meta/revision                                → kInternal.
  static Expected<std::unique_ptr<LeveldbDatabase>> Open(
      const std::string& dir);

  LeveldbDatabase(const LeveldbDatabase&) = delete;
  LeveldbDatabase& operator=(const LeveldbDatabase&) = delete;

  const std::string& dir() const { return dir_; }

  // The value under `key`, nullopt when there is none. Checksums verified.
  Expected<std::optional<std::string>> Get(std::string_view key);

  // Applies every update of `batch` atomically.
  Expected<void> Write(leveldb::WriteBatch& batch, Durability durability);

  // The store-wide revision (for the watch of DESIGN §6): a counter that
  // every WriteRevisioned advances, persisted as meta/revision in the same
  // batch as the data it versions, so a value and its revision land
  // together or not at all. Revisions strictly increase, survive reopen and
  // are never reused by this process; they may have gaps (a failed write
  // consumes its number). A revision written only by kBuffered batches can
  // be lost to an OS crash or power loss (not to a crash of this process)
  // and then be handed out again after the restart: a watcher resuming
  // from a revision above CurrentRevision() must relist.
  //
  // The highest revision whose write succeeded (0 for a new store).
  uint64_t CurrentRevision() const;
  // Applies `batch` plus meta/revision = the next revision atomically and
  // returns that revision. Revisioned writes are serialised, so they are
  // applied in revision order.
  Expected<uint64_t> WriteRevisioned(leveldb::WriteBatch& batch,
                                     Durability durability);

  // An iterator over a consistent snapshot of the whole key space.
  // Checksums verified; check IteratorStatus once done with it.
  std::unique_ptr<leveldb::Iterator> NewIterator();
  Expected<void> IteratorStatus(const leveldb::Iterator& iterator,
                                std::string_view action);

  // A failed leveldb status as an Error naming `action` and this store:
  // corruption → kInternal, anything else → kServiceUnavailable.
  Error StatusError(const leveldb::Status& status,
                    std::string_view action) const;

  // The raw handle, for tests that must plant values the adapters refuse
  // to write.
  leveldb::DB& raw() { return *db_; }

 private:
  static Expected<std::unique_ptr<LeveldbDatabase>> OpenUnguarded(
      const std::string& dir);
  LeveldbDatabase(std::string dir, std::unique_ptr<leveldb::DB> db);
  Expected<void> LoadRevision();

  std::string dir_;
  std::unique_ptr<leveldb::DB> db_;
  std::mutex revision_mutex_;            // serialises WriteRevisioned
  uint64_t last_assigned_revision_ = 0;  // guarded by revision_mutex_
  std::atomic<uint64_t> current_revision_ = 0;
};

}  // namespace rtm
