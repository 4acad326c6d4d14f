#include "store/leveldb/leveldb_runtime_record_store.h"

#include <string>

#include "store/leveldb/exception_guard.h"
#include "store/codec/record_codec.h"
#include "store/leveldb/store_keys.h"
#include "store/leveldb/stored_values.h"

namespace rtm {

LeveldbRuntimeRecordStore::LeveldbRuntimeRecordStore(LeveldbDatabase& database)
    : database_(database) {}

Expected<RuntimeRecord> LeveldbRuntimeRecordStore::Get(
    std::string_view game_id) {
  return GuardExceptions<RuntimeRecord>("get runtime record",
                                [&] { return GetUnguarded(game_id); });
}

Expected<uint64_t> LeveldbRuntimeRecordStore::Upsert(
    const RuntimeRecord& record) {
  return GuardExceptions<uint64_t>("upsert runtime record",
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

Expected<uint64_t> LeveldbRuntimeRecordStore::UpsertUnguarded(
    const RuntimeRecord& record) {
  if (record.game_id.empty()) {
    return Fail(ErrorCode::kInvalidRequest,
                "runtime record without a game id");
  }
  auto build = [&](uint64_t revision,
                   leveldb::WriteBatch& batch) -> Expected<void> {
    auto stored = ReadStoredRecord(database_, record.game_id);
    if (!stored) return std::unexpected(stored.error());
    if (auto matches = CheckExpectedRevision(
            "runtime record of game " + record.game_id,
            *stored ? (*stored)->value.revision : 0, record.revision);
        !matches) {
      return matches;
    }
    batch.Put(RecordKey(record.game_id),
              EncodeRevisioned(revision, EncodeRuntimeRecord(record)));
    return {};
  };
  return database_.WriteRevisioned(Durability::kSynced, build);
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
