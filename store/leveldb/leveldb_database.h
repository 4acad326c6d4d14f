#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>

#include <leveldb/db.h>
#include <leveldb/env.h>
#include <leveldb/iterator.h>
#include <leveldb/status.h>
#include <leveldb/write_batch.h>

#include "reconcile/domain/error.h"
#include "reconcile/ports/store_health.h"
#include "store/history/change_history.h"

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

struct LeveldbStoreOptions {
  // The retained history of the change feed (ChangeHistory).
  size_t change_history_bytes = kDefaultChangeHistoryBytes;
  // The file system leveldb goes through; null: the real one. Tests wrap
  // it to make writes fail (test/store/leveldb/full_disk_env.h).
  leveldb::Env* env = nullptr;
};

// The one leveldb database of a controller, under a directory, shared by the
// store adapters (which hold a reference to it and must not outlive it).
// leveldb's LOCK file lets one process at a time open a directory. A damaged
// store is never repaired, reset or recreated: Open fails and leaves every
// file where it is for the operator. Safe to use from several threads.
//
// A failed write (a full disk, an I/O error) may leave a torn record at the
// end of leveldb's log, and leveldb would append the next write after it:
// the log would then hold garbage mid-file, which the next open refuses as
// corrupt (docs/reliability.md "Disk full"). So writes are serialised, and
// after one fails the database is sealed: the next write first closes and
// reopens it, which ends that log where the torn record is (leveldb drops
// a record cut at the end of a log as the write that never finished) and
// starts a new one. Until the file system has room for the reopen (the
// logs' size plus 1 MiB) writes fail with kServiceUnavailable naming the
// first failure and reads are served as before; should a reopen still
// fail, reads fail too until the next write reopens it. Reads wait for a
// reopen; a reopen waits for open iterators. While sealed, Writable (the
// StoreHealth port) reports the failure.
class LeveldbDatabase final : public StoreHealth {
 public:
  // Opens the store under `dir`, creating the directory (mode 0700) and a
  // new empty store when the directory is missing or empty. Errors name the
  // directory and carry leveldb's status text:
  //   writable by its group or by others         → kInvalidRequest;
  //   held by another process (or opened twice) → kServiceUnavailable;
  //   directory not creatable / not readable     → kServiceUnavailable;
  //   corrupt, or a non-empty directory without a store, or an unreadable
  //   meta/revision                                → kInternal.
  static Expected<std::unique_ptr<LeveldbDatabase>> Open(
      const std::string& dir, LeveldbStoreOptions options = {});

  LeveldbDatabase(const LeveldbDatabase&) = delete;
  LeveldbDatabase& operator=(const LeveldbDatabase&) = delete;

  const std::string& dir() const { return dir_; }

  // The value under `key`, nullopt when there is none. Checksums verified.
  Expected<std::optional<std::string>> Get(std::string_view key);

  // Applies every update of `batch` atomically.
  Expected<void> Write(leveldb::WriteBatch& batch, Durability durability);

  // StoreHealth: kServiceUnavailable naming the failed write while the
  // database is sealed (see above), until a write reopens it.
  Expected<void> Writable() override;

  // The store-wide revision (reconcile/ports/desired_state_store.h): a
  // counter that every WriteRevisioned advances, persisted as meta/revision
  // in the same batch as the data it versions, so a value and its revision
  // land together or not at all. Revisions strictly increase, survive
  // reopen and are never reused by this process; they may have gaps (a
  // write that fails in leveldb consumes its number). A revision written
  // only by kBuffered batches can be lost to an OS crash or power loss (not
  // to a crash of this process) and then be handed out again after the
  // restart: the change feed then answers history_lost to a reader ahead of
  // the store, which relists.
  //
  // The highest revision whose write succeeded (0 for a new store).
  uint64_t CurrentRevision() const;

  // Builds the batch of a revisioned write: gets the revision the write
  // will have, reads what it needs and adds its updates to `batch`. An
  // error aborts the write (no revision is consumed).
  using BuildBatch =
      std::function<Expected<void>(uint64_t revision, leveldb::WriteBatch&)>;
  // Runs once the batch is applied, with its revision.
  using AfterCommit = std::function<void(uint64_t revision)>;

  // The one path of every revisioned write, under the store-wide write
  // lock, which every revisioned write takes: what `build` reads stays
  // current until its batch is applied (compare-and-swap), and
  // `after_commit` (e.g. an append to the change feed) runs before the
  // next revisioned write, so in revision order. Applies the batch plus
  // meta/revision = the next revision atomically and returns that revision.
  Expected<uint64_t> WriteRevisioned(Durability durability,
                                     const BuildBatch& build,
                                     const AfterCommit& after_commit = {});

  // The feed of the committed changes of desired state and status, which
  // the desired-state and status adapters append to.
  ChangeHistory& changes() { return changes_; }

  // An iterator over a consistent snapshot of the whole key space.
  // Checksums verified; check IteratorStatus once done with it. It holds
  // off a reopen (see above) until destroyed: never write while holding one.
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
      const std::string& dir, const LeveldbStoreOptions& options);
  LeveldbDatabase(std::string dir, std::unique_ptr<leveldb::DB> db,
                  uint64_t revision, const LeveldbStoreOptions& options);
  static Expected<std::unique_ptr<leveldb::DB>> OpenDb(const std::string& dir,
                                                       leveldb::Env* env);
  static Expected<uint64_t> LoadRevision(leveldb::DB& db,
                                         const std::string& dir);
  // Closes and reopens a sealed database; under write_mutex_.
  Expected<void> Reopen();
  // Why the database is sealed or closed, as the error of a call now.
  Error SealedError(std::string_view action) const;  // under db_mutex_

  std::string dir_;
  leveldb::Env* const env_;  // null: leveldb's default
  std::mutex write_mutex_;          // serialises writes and reopens
  mutable std::shared_mutex db_mutex_;  // exclusive: a reopen replaces db_
  std::unique_ptr<leveldb::DB> db_;     // null while a reopen failed
  std::optional<Error> sealed_by_;      // the write that failed; under both
  std::mutex revision_mutex_;            // serialises WriteRevisioned
  uint64_t last_assigned_revision_ = 0;  // guarded by revision_mutex_
  std::atomic<uint64_t> current_revision_ = 0;
  ChangeHistory changes_;
};

}  // namespace rtm
