#include "store/leveldb/leveldb_runtime_record_store.h"

#include <string>

#include "store/leveldb/exception_guard.h"
#include "store/leveldb/record_codec.h"
#include "store/leveldb/store_keys.h"

namespace rtm {
namespace {

Expected<RuntimeRecord> DecodeStoredRecord(std::string_view key,
                                           std::string_view text) {
  auto record = DecodeRuntimeRecord(text);
  if (!record) {
    return Fail(ErrorCode::kInternal, "unreadable runtime record at key " +
                                          std::string(key) + ": " +
                                          record.error().message);
  }
  return record;
}

}  // namespace

LeveldbRuntimeRecordStore::LeveldbRuntimeRecordStore(LeveldbDatabase& database)
    : database_(database) {}

Expected<RuntimeRecord> LeveldbRuntimeRecordStore::Get(
    std::string_view game_id) {
  return GuardExceptions<RuntimeRecord>("get runtime record",
                                [&] { return GetUnguarded(game_id); });
}

Expected<void> LeveldbRuntimeRecordStore::Upsert(const RuntimeRecord& record) {
  return GuardExceptions<void>("upsert runtime record",
                       [&] { return UpsertUnguarded(record); });
}

Expected<std::vector<RuntimeRecord>> LeveldbRuntimeRecordStore::List() {
  return GuardExceptions<std::vector<RuntimeRecord>>("list runtime records",
                                             [&] { return ListUnguarded(); });
}

Expected<RuntimeRecord> LeveldbRuntimeRecordStore::GetUnguarded(
    std::string_view game_id) {
  const std::string key = RecordKey(game_id);
  auto stored = database_.Get(key);
  if (!stored) return std::unexpected(stored.error());
  if (!stored->has_value()) {
    return Fail(ErrorCode::kNotFound,
                "no runtime record for game " + std::string(game_id));
  }
  return DecodeStoredRecord(key, **stored);
}

Expected<void> LeveldbRuntimeRecordStore::UpsertUnguarded(
    const RuntimeRecord& record) {
  if (record.game_id.empty()) {
    return Fail(ErrorCode::kInvalidRequest,
                "runtime record without a game id");
  }
  leveldb::WriteBatch batch;
  batch.Put(RecordKey(record.game_id), EncodeRuntimeRecord(record));
  return database_.Write(batch, Durability::kSynced);
}

Expected<std::vector<RuntimeRecord>>
LeveldbRuntimeRecordStore::ListUnguarded() {
  std::vector<RuntimeRecord> records;
  const std::unique_ptr<leveldb::Iterator> it = database_.NewIterator();
  for (it->Seek(ToSlice(kRecordKeyPrefix));
       it->Valid() && it->key().starts_with(ToSlice(kRecordKeyPrefix));
       it->Next()) {
    auto record = DecodeStoredRecord(ToView(it->key()), ToView(it->value()));
    if (!record) return std::unexpected(record.error());
    records.push_back(*std::move(record));
  }
  if (auto status = database_.IteratorStatus(*it, "list runtime records");
      !status) {
    return std::unexpected(status.error());
  }
  return records;
}

}  // namespace rtm
