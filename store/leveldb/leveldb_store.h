// The embedded leveldb backend of every store port, opened as one unit:
// the database in its directory and the stores that share it
// (`rtmanager run --data-dir DIR`, the default; docs/contract.md §8).
#pragma once

#include <memory>
#include <string>

#include "reconcile/ports/clock.h"
#include "reconcile/ports/store_ports.h"
#include "store/leveldb/leveldb_database.h"
#include "store/leveldb/leveldb_desired_state_store.h"
#include "store/leveldb/leveldb_game_lease_store.h"
#include "store/leveldb/leveldb_operation_log_store.h"
#include "store/leveldb/leveldb_runtime_record_store.h"
#include "store/leveldb/leveldb_status_store.h"

namespace rtm {

class LeveldbStore {
 public:
  // Errors as LeveldbDatabase::Open and LeveldbOperationLogStore::Open
  // (a locked, corrupt or foreign directory is a clear start-up error).
  static Expected<std::unique_ptr<LeveldbStore>> Open(
      const std::string& directory, LeveldbStoreOptions options, Clock& clock);

  StorePorts ports();

 private:
  LeveldbStore(std::unique_ptr<LeveldbDatabase> database,
               std::unique_ptr<LeveldbOperationLogStore> operation_log,
               Clock& clock);

  std::unique_ptr<LeveldbDatabase> database_;
  std::unique_ptr<LeveldbOperationLogStore> operation_log_;
  LeveldbDesiredStateStore desired_;
  LeveldbStatusStore statuses_;
  LeveldbRuntimeRecordStore records_;
  LeveldbGameLeaseStore leases_;
};

}  // namespace rtm
