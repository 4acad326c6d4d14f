#include "store/leveldb/leveldb_store.h"

#include <utility>

namespace rtm {

Expected<std::unique_ptr<LeveldbStore>> LeveldbStore::Open(
    const std::string& directory, LeveldbStoreOptions options, Clock& clock) {
  auto database = LeveldbDatabase::Open(directory, options);
  if (!database) return std::unexpected(database.error());
  auto operation_log = LeveldbOperationLogStore::Open(**database);
  if (!operation_log) return std::unexpected(operation_log.error());
  return std::unique_ptr<LeveldbStore>(new LeveldbStore(
      *std::move(database), *std::move(operation_log), clock));
}

LeveldbStore::LeveldbStore(std::unique_ptr<LeveldbDatabase> database,
                           std::unique_ptr<LeveldbOperationLogStore> operation_log,
                           Clock& clock)
    : database_(std::move(database)),
      operation_log_(std::move(operation_log)),
      desired_(*database_),
      statuses_(*database_),
      records_(*database_),
      leases_(*database_, clock) {}

StorePorts LeveldbStore::ports() {
  return StorePorts{desired_, statuses_, records_,    *operation_log_,
                    leases_,  database_->changes(), *database_};
}

}  // namespace rtm
