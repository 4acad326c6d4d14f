#include "store/leveldb/leveldb_database.h"

#include <cstdio>
#include <expected>
#include <filesystem>
#include <limits>
#include <set>
#include <system_error>
#include <utility>

#include <leveldb/options.h>

#include "store/leveldb/exception_guard.h"
#include "store/leveldb/store_keys.h"

namespace rtm {
namespace {

namespace fs = std::filesystem;

std::string OpenFailure(const std::string& dir, std::string_view problem) {
  return "open store at " + dir + ": " + std::string(problem);
}

std::string CorruptStore(const std::string& dir, std::string_view problem) {
  return "store at " + dir + " is corrupt: " + std::string(problem) +
         "; refusing to start (repair or move it away)";
}

// The store's directory, created 0700 when missing; one that its group or
// others can write is refused (they could replace the store's files).
Expected<void> EnsureDirectory(const std::string& dir) {
  std::error_code error;
  if (!fs::exists(dir, error) && !error) {
    fs::create_directories(dir, error);
    if (!error) fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, error);
  }
  if (error) {
    return Fail(ErrorCode::kServiceUnavailable,
                OpenFailure(dir, "create directory: " + error.message()));
  }
  const fs::file_status status = fs::status(dir, error);
  if (error || status.type() != fs::file_type::directory) {
    return Fail(ErrorCode::kServiceUnavailable,
                OpenFailure(dir, "not a directory"));
  }
  const fs::perms writable_by_others =
      status.permissions() & (fs::perms::group_write | fs::perms::others_write);
  if (writable_by_others != fs::perms::none) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o",
                  static_cast<unsigned>(status.permissions() & fs::perms::mask));
    return Fail(ErrorCode::kInvalidRequest,
                OpenFailure(dir, std::string("writable by its group or others (mode ") + mode +
                                     "); refusing to start (chmod go-w " + dir + ")"));
  }
  return {};
}

// leveldb's create_if_missing starts a new store whenever CURRENT is absent
// and then deletes the table files it does not know: on a store that only
// lost its CURRENT file that is a silent reset. So a store is only created
// in a directory that holds nothing but leveldb's own bookkeeping files.
Expected<void> RefuseStoreWithoutCurrent(const std::string& dir) {
  std::error_code error;
  if (fs::exists(fs::path(dir) / "CURRENT", error)) return {};
  if (error) {
    return Fail(ErrorCode::kServiceUnavailable,
                OpenFailure(dir, "read directory: " + error.message()));
  }
  static const std::set<std::string> kHarmless = {"LOCK", "LOG", "LOG.old"};
  for (fs::directory_iterator entry(dir, error);
       !error && entry != fs::directory_iterator(); entry.increment(error)) {
    const std::string name = entry->path().filename().string();
    if (!kHarmless.contains(name)) {
      return Fail(ErrorCode::kInternal,
                  CorruptStore(dir, "no CURRENT file, but the directory is "
                                    "not empty (holds " + name + ")"));
    }
  }
  if (error) {
    return Fail(ErrorCode::kServiceUnavailable,
                OpenFailure(dir, "read directory: " + error.message()));
  }
  return {};
}

// An iterator that holds the database's reader lock until destroyed, so
// that a reopen cannot close the database under it.
class ReaderLockedIterator final : public leveldb::Iterator {
 public:
  ReaderLockedIterator(std::shared_lock<std::shared_mutex> lock,
                       std::unique_ptr<leveldb::Iterator> iterator)
      : lock_(std::move(lock)), iterator_(std::move(iterator)) {}
  ~ReaderLockedIterator() override { iterator_.reset(); }  // before the lock

  bool Valid() const override { return iterator_->Valid(); }
  void SeekToFirst() override { iterator_->SeekToFirst(); }
  void SeekToLast() override { iterator_->SeekToLast(); }
  void Seek(const leveldb::Slice& target) override { iterator_->Seek(target); }
  void Next() override { iterator_->Next(); }
  void Prev() override { iterator_->Prev(); }
  leveldb::Slice key() const override { return iterator_->key(); }
  leveldb::Slice value() const override { return iterator_->value(); }
  leveldb::Status status() const override { return iterator_->status(); }

 private:
  std::shared_lock<std::shared_mutex> lock_;
  std::unique_ptr<leveldb::Iterator> iterator_;
};

// Whether the file system of `dir` has room to reopen the store there:
// its logs' size plus 1 MiB free; else what is missing.
std::expected<void, std::string> RoomToReopen(const std::string& dir) {
  std::error_code error;
  uintmax_t logs = 0;
  for (fs::directory_iterator entry(dir, error);
       !error && entry != fs::directory_iterator(); entry.increment(error)) {
    if (entry->path().extension() == ".log") logs += entry->file_size(error);
  }
  const fs::space_info space = fs::space(dir, error);
  if (error) return std::unexpected("free space: " + error.message());
  const uintmax_t needed = logs + (uintmax_t{1} << 20);
  if (space.available >= needed) return {};
  return std::unexpected(std::to_string(space.available) + " bytes free, " +
                         std::to_string(needed) + " needed");
}

leveldb::ReadOptions VerifiedRead() {
  leveldb::ReadOptions options;
  options.verify_checksums = true;
  return options;
}

}  // namespace

Expected<std::unique_ptr<LeveldbDatabase>> LeveldbDatabase::Open(
    const std::string& dir, LeveldbStoreOptions options) {
  return GuardExceptions<std::unique_ptr<LeveldbDatabase>>(
      "open store", [&] { return OpenUnguarded(dir, options); });
}

Expected<std::unique_ptr<LeveldbDatabase>> LeveldbDatabase::OpenUnguarded(
    const std::string& dir, const LeveldbStoreOptions& options) {
  if (auto ready = EnsureDirectory(dir); !ready) {
    return std::unexpected(ready.error());
  }
  if (auto fresh_or_intact = RefuseStoreWithoutCurrent(dir); !fresh_or_intact) {
    return std::unexpected(fresh_or_intact.error());
  }
  auto db = OpenDb(dir, options.env);
  if (!db) return std::unexpected(db.error());
  auto revision = LoadRevision(**db, dir);
  if (!revision) return std::unexpected(revision.error());
  return std::unique_ptr<LeveldbDatabase>(
      new LeveldbDatabase(dir, *std::move(db), *revision, options));
}

Expected<std::unique_ptr<leveldb::DB>> LeveldbDatabase::OpenDb(const std::string& dir,
                                                                leveldb::Env* env) {
  leveldb::Options db_options;
  if (env != nullptr) db_options.env = env;
  db_options.create_if_missing = true;
  db_options.paranoid_checks = true;
  leveldb::DB* raw_db = nullptr;
  const leveldb::Status status = leveldb::DB::Open(db_options, dir, &raw_db);
  std::unique_ptr<leveldb::DB> db(raw_db);
  if (status.IsCorruption()) {
    return Fail(ErrorCode::kInternal, CorruptStore(dir, status.ToString()));
  }
  if (status.IsIOError()) {
    return Fail(ErrorCode::kServiceUnavailable,
                OpenFailure(dir, status.ToString()));
  }
  if (!status.ok()) {
    return Fail(ErrorCode::kInternal, OpenFailure(dir, status.ToString()));
  }
  return db;
}

LeveldbDatabase::LeveldbDatabase(std::string dir,
                                 std::unique_ptr<leveldb::DB> db,
                                 uint64_t revision,
                                 const LeveldbStoreOptions& options)
    : dir_(std::move(dir)),
      env_(options.env),
      db_(std::move(db)),
      last_assigned_revision_(revision),
      current_revision_(revision),
      changes_(revision, options.change_history_bytes) {}

Expected<std::optional<std::string>> LeveldbDatabase::Get(
    std::string_view key) {
  std::string value;
  const std::shared_lock lock(db_mutex_);
  if (!db_) return std::unexpected(SealedError("read " + std::string(key)));
  const leveldb::Status status =
      db_->Get(VerifiedRead(), ToSlice(key), &value);
  if (status.IsNotFound()) return std::optional<std::string>();
  if (!status.ok()) {
    return std::unexpected(StatusError(status, "read " + std::string(key)));
  }
  return std::optional<std::string>(std::move(value));
}

Expected<void> LeveldbDatabase::Write(leveldb::WriteBatch& batch,
                                      Durability durability) {
  const std::lock_guard write_lock(write_mutex_);
  if (sealed_by_) {
    if (auto reopened = Reopen(); !reopened) return std::unexpected(reopened.error());
  }
  leveldb::WriteOptions options;
  options.sync = durability == Durability::kSynced;
  const leveldb::Status status = db_->Write(options, &batch);
  if (!status.ok()) {
    Error error = StatusError(status, "write");
    if (!status.IsCorruption()) {
      const std::unique_lock lock(db_mutex_);
      sealed_by_ = error;
    }
    return std::unexpected(std::move(error));
  }
  return {};
}

Expected<void> LeveldbDatabase::Reopen() {
  // Recovery writes the log's content out as a table and starts a new
  // log: without room for that the reopen would fail, and the database,
  // still good for reads, would be closed for nothing.
  if (auto room = RoomToReopen(dir_); !room) {
    return Fail(ErrorCode::kServiceUnavailable,
                "write in store at " + dir_ + ": refused after a failed write (" +
                    sealed_by_->message + ") until the disk has room to reopen the store: " +
                    room.error());
  }
  const std::unique_lock lock(db_mutex_);
  db_.reset();  // releases leveldb's LOCK for the open below
  auto db = OpenDb(dir_, env_);
  if (!db) {
    return Fail(db.error().code, "write in store at " + dir_ + ": closed after a failed " +
                                     "write (" + sealed_by_->message + "); reopening it: " +
                                     db.error().message);
  }
  auto revision = LoadRevision(**db, dir_);
  if (!revision) return std::unexpected(revision.error());
  db_ = *std::move(db);
  // A write reported failed may still have reached the log whole (its
  // sync failed): then the store is ahead of the change history, whose
  // readers relist.
  if (*revision != current_revision_.load()) {
    current_revision_ = *revision;
    changes_.Reset(*revision);
  }
  sealed_by_.reset();
  return {};
}

Expected<void> LeveldbDatabase::Writable() {
  const std::shared_lock lock(db_mutex_);
  if (!sealed_by_) return {};
  return Fail(ErrorCode::kServiceUnavailable,
              "the store takes no writes: " + sealed_by_->message +
                  " (the next write reopens it once the disk has room)");
}

Error LeveldbDatabase::SealedError(std::string_view action) const {
  return Error{ErrorCode::kServiceUnavailable,
               std::string(action) + " in store at " + dir_ +
                   ": closed after a failed write (" +
                   (sealed_by_ ? sealed_by_->message : std::string("unknown")) +
                   "); it reopens at the next write"};
}

Expected<uint64_t> LeveldbDatabase::LoadRevision(leveldb::DB& db,
                                                 const std::string& dir) {
  std::string stored;
  const leveldb::Status status =
      db.Get(VerifiedRead(), ToSlice(kRevisionKey), &stored);
  if (status.IsNotFound()) return uint64_t{0};
  if (!status.ok()) {
    return Fail(status.IsCorruption() ? ErrorCode::kInternal
                                      : ErrorCode::kServiceUnavailable,
                "read " + std::string(kRevisionKey) + " in store at " + dir +
                    ": " + status.ToString());
  }
  const std::optional<uint64_t> revision = ParseCounter(stored);
  if (!revision) {
    return Fail(ErrorCode::kInternal,
                CorruptStore(dir, std::string(kRevisionKey) +
                                      " is not a decimal number"));
  }
  return *revision;
}

uint64_t LeveldbDatabase::CurrentRevision() const {
  return current_revision_.load();
}

Expected<uint64_t> LeveldbDatabase::WriteRevisioned(
    Durability durability, const BuildBatch& build,
    const AfterCommit& after_commit) {
  const std::lock_guard<std::mutex> lock(revision_mutex_);
  if (last_assigned_revision_ == std::numeric_limits<uint64_t>::max()) {
    return Fail(ErrorCode::kInternal,
                "store revision exhausted in store at " + dir_);
  }
  const uint64_t revision = last_assigned_revision_ + 1;
  leveldb::WriteBatch batch;
  if (auto built = build(revision, batch); !built) {
    return std::unexpected(built.error());
  }
  last_assigned_revision_ = revision;
  batch.Put(ToSlice(kRevisionKey), std::to_string(revision));
  if (auto written = Write(batch, durability); !written) {
    return std::unexpected(written.error());
  }
  current_revision_ = revision;
  if (after_commit) after_commit(revision);
  changes_.Committed(revision);
  return revision;
}

std::unique_ptr<leveldb::Iterator> LeveldbDatabase::NewIterator() {
  std::shared_lock lock(db_mutex_);
  if (!db_) {
    const Error closed = SealedError("iterate");
    return std::unique_ptr<leveldb::Iterator>(
        leveldb::NewErrorIterator(leveldb::Status::IOError(closed.message)));
  }
  std::unique_ptr<leveldb::Iterator> iterator(db_->NewIterator(VerifiedRead()));
  return std::make_unique<ReaderLockedIterator>(std::move(lock), std::move(iterator));
}

Expected<void> LeveldbDatabase::IteratorStatus(
    const leveldb::Iterator& iterator, std::string_view action) {
  const leveldb::Status status = iterator.status();
  if (!status.ok()) return std::unexpected(StatusError(status, action));
  return {};
}

Error LeveldbDatabase::StatusError(const leveldb::Status& status,
                                   std::string_view action) const {
  const ErrorCode code = status.IsCorruption()
                             ? ErrorCode::kInternal
                             : ErrorCode::kServiceUnavailable;
  return Error{code, std::string(action) + " in store at " + dir_ + ": " +
                         status.ToString()};
}

}  // namespace rtm
