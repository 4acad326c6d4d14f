#pragma once

#include <string_view>
#include <vector>

#include "reconcile/ports/runtime_record_store.h"
#include "store/leveldb/leveldb_database.h"

namespace rtm {

// RuntimeRecordStore on leveldb: one value per game under rec/<game>
// (store/leveldb/stored_values.h), written synced with compare-and-swap
// under the store-wide write lock (LeveldbDatabase::WriteRevisioned). Beyond the port's contract: Upsert of an empty game id is
// kInvalidRequest; List fails with kInternal on the first unreadable record
// (naming its key) rather than skipping it.
class LeveldbRuntimeRecordStore : public RuntimeRecordStore {
 public:
  explicit LeveldbRuntimeRecordStore(LeveldbDatabase& database);

  Expected<RuntimeRecord> Get(std::string_view game_id) override;
  Expected<uint64_t> Upsert(const RuntimeRecord& record) override;
  Expected<std::vector<RuntimeRecord>> List() override;

 private:
  Expected<RuntimeRecord> GetUnguarded(std::string_view game_id);
  Expected<uint64_t> UpsertUnguarded(const RuntimeRecord& record);
  Expected<std::vector<RuntimeRecord>> ListUnguarded();

  LeveldbDatabase& database_;
};

}  // namespace rtm
