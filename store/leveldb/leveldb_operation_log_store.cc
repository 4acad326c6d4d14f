#include "store/leveldb/leveldb_operation_log_store.h"

#include <algorithm>
#include <limits>
#include <string>

#include "store/leveldb/exception_guard.h"
#include "store/codec/record_codec.h"
#include "store/leveldb/store_keys.h"

namespace rtm {
namespace {

Error Unreadable(std::string_view what, std::string_view key,
                 std::string_view problem) {
  return Error{ErrorCode::kInternal, "unreadable " + std::string(what) +
                                         " at key " + std::string(key) + ": " +
                                         std::string(problem)};
}

Expected<OperationEntry> DecodeStoredEntry(std::string_view key,
                                           std::string_view text) {
  auto entry = DecodeOperationEntry(text);
  if (!entry) {
    return std::unexpected(
        Unreadable("operation entry", key, entry.error().message));
  }
  return entry;
}

// The key just past every key that starts with `prefix`, whose last
// character is '/'.
std::string PastPrefix(std::string_view prefix) {
  std::string bound(prefix);
  bound.back() = static_cast<char>(bound.back() + 1);
  return bound;
}

Expected<uint64_t> ReadStoredCounter(LeveldbDatabase& database) {
  auto stored = database.Get(kOperationSequenceKey);
  if (!stored) return std::unexpected(stored.error());
  if (!stored->has_value()) return 0;
  const std::optional<uint64_t> counter = ParseCounter(**stored);
  if (!counter) {
    return std::unexpected(Unreadable("operation sequence counter",
                                      kOperationSequenceKey,
                                      "not a decimal number"));
  }
  return *counter;
}

Expected<uint64_t> ReadLastEntrySequence(LeveldbDatabase& database) {
  const std::unique_ptr<leveldb::Iterator> it = database.NewIterator();
  it->Seek(PastPrefix(kOperationKeyPrefix));
  if (it->Valid()) {
    it->Prev();
  } else {
    it->SeekToLast();
  }
  if (auto status = database.IteratorStatus(*it, "recover operation sequence");
      !status) {
    return std::unexpected(status.error());
  }
  if (!it->Valid() || !it->key().starts_with(ToSlice(kOperationKeyPrefix))) {
    return 0;
  }
  const std::string_view key = ToView(it->key());
  const std::optional<uint64_t> sequence =
      ParsePaddedSequence(key.substr(kOperationKeyPrefix.size()));
  if (!sequence) {
    return std::unexpected(
        Unreadable("operation key", key, "not op/<20 digits>"));
  }
  return *sequence;
}

}  // namespace

Expected<std::unique_ptr<LeveldbOperationLogStore>>
LeveldbOperationLogStore::Open(LeveldbDatabase& database) {
  return GuardExceptions<std::unique_ptr<LeveldbOperationLogStore>>(
      "open operation log",
      [&]() -> Expected<std::unique_ptr<LeveldbOperationLogStore>> {
        auto counter = ReadStoredCounter(database);
        if (!counter) return std::unexpected(counter.error());
        auto last_entry = ReadLastEntrySequence(database);
        if (!last_entry) return std::unexpected(last_entry.error());
        return std::unique_ptr<LeveldbOperationLogStore>(
            new LeveldbOperationLogStore(database,
                                         std::max(*counter, *last_entry)));
      });
}

LeveldbOperationLogStore::LeveldbOperationLogStore(LeveldbDatabase& database,
                                                   uint64_t last_sequence)
    : database_(database), last_sequence_(last_sequence) {}

Expected<uint64_t> LeveldbOperationLogStore::Append(
    const OperationEntry& entry) {
  return GuardExceptions<uint64_t>("append operation entry",
                                   [&] { return AppendUnguarded(entry); });
}

Expected<std::vector<OperationEntry>> LeveldbOperationLogStore::ListByGame(
    std::string_view game_id, size_t limit) {
  return GuardExceptions<std::vector<OperationEntry>>(
      "list operations of a game",
      [&] { return ListByGameUnguarded(game_id, limit); });
}

Expected<std::vector<OperationEntry>> LeveldbOperationLogStore::ListAll(
    uint64_t after_sequence, size_t limit) {
  return GuardExceptions<std::vector<OperationEntry>>(
      "list operations",
      [&] { return ListAllUnguarded(after_sequence, limit); });
}

Expected<uint64_t> LeveldbOperationLogStore::AppendUnguarded(
    const OperationEntry& entry) {
  const std::lock_guard<std::mutex> lock(append_mutex_);
  if (last_sequence_ == std::numeric_limits<uint64_t>::max()) {
    return Fail(ErrorCode::kInternal, "operation sequence exhausted");
  }
  const uint64_t sequence = ++last_sequence_;
  OperationEntry stored = entry;
  stored.sequence = sequence;
  leveldb::WriteBatch batch;
  batch.Put(OperationKey(sequence), EncodeOperationEntry(stored));
  batch.Put(OperationIndexKey(entry.game_id, sequence), leveldb::Slice());
  batch.Put(ToSlice(kOperationSequenceKey), std::to_string(sequence));
  if (auto written = database_.Write(batch, Durability::kSynced); !written) {
    return std::unexpected(written.error());
  }
  return sequence;
}

Expected<std::vector<OperationEntry>>
LeveldbOperationLogStore::ListByGameUnguarded(std::string_view game_id,
                                              size_t limit) {
  std::vector<OperationEntry> entries;
  if (limit == 0) return entries;
  const std::string prefix = OperationIndexPrefix(game_id);
  const std::unique_ptr<leveldb::Iterator> it = database_.NewIterator();
  it->Seek(PastPrefix(prefix));
  if (it->Valid()) {
    it->Prev();
  } else {
    it->SeekToLast();
  }
  for (; it->Valid() && it->key().starts_with(prefix) &&
         entries.size() < limit;
       it->Prev()) {
    // A longer game id sharing the prefix ("a/b" under "a/") leaves more
    // than the 20 digits after it: not this game's key.
    const std::optional<uint64_t> sequence =
        ParsePaddedSequence(ToView(it->key()).substr(prefix.size()));
    if (!sequence) continue;
    const std::string entry_key = OperationKey(*sequence);
    auto stored = database_.Get(entry_key);
    if (!stored) return std::unexpected(stored.error());
    if (!stored->has_value()) {
      return std::unexpected(Unreadable("operation index", ToView(it->key()),
                                        "no entry " + entry_key));
    }
    auto entry = DecodeStoredEntry(entry_key, **stored);
    if (!entry) return std::unexpected(entry.error());
    entries.push_back(*std::move(entry));
  }
  if (auto status = database_.IteratorStatus(*it, "list operations");
      !status) {
    return std::unexpected(status.error());
  }
  return entries;
}

Expected<std::vector<OperationEntry>>
LeveldbOperationLogStore::ListAllUnguarded(uint64_t after_sequence,
                                           size_t limit) {
  std::vector<OperationEntry> entries;
  if (limit == 0 || after_sequence == std::numeric_limits<uint64_t>::max()) {
    return entries;
  }
  const std::unique_ptr<leveldb::Iterator> it = database_.NewIterator();
  for (it->Seek(OperationKey(after_sequence + 1));
       it->Valid() && it->key().starts_with(ToSlice(kOperationKeyPrefix)) &&
       entries.size() < limit;
       it->Next()) {
    auto entry = DecodeStoredEntry(ToView(it->key()), ToView(it->value()));
    if (!entry) return std::unexpected(entry.error());
    entries.push_back(*std::move(entry));
  }
  if (auto status = database_.IteratorStatus(*it, "list operations");
      !status) {
    return std::unexpected(status.error());
  }
  return entries;
}

}  // namespace rtm
