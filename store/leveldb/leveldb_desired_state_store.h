#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "reconcile/ports/desired_state_store.h"
#include "store/leveldb/leveldb_database.h"

namespace rtm {

// DesiredStateStore on leveldb: one value per runtime under desired/<name>
// (store/leveldb/stored_values.h), tombstones included. Every Put is
// written synced through WriteRuntimeHalf (store/leveldb/runtime_writes.h):
// compare-and-swap and the change feed's append under the store-wide write
// lock, in one batch with the next store-wide revision, so a desired object
// that a Put reported is never lost and never appears without its revision.
// Beyond the port's contract: Put of an empty name is kInvalidRequest; an
// unreadable stored value, or one that names another runtime than its key,
// is kInternal naming the key (List fails on the first such value rather
// than skipping it).
class LeveldbDesiredStateStore : public DesiredStateStore {
 public:
  explicit LeveldbDesiredStateStore(LeveldbDatabase& database);

  Expected<DesiredRuntime> Get(std::string_view name) override;
  Expected<std::vector<DesiredRuntime>> List() override;
  Expected<uint64_t> Put(const DesiredRuntime& runtime) override;

  // The store-wide revision, shared with LeveldbStatusStore: the highest
  // revision of a Put of desired state or status on this database.
  uint64_t CurrentRevision() const { return database_.CurrentRevision(); }

 private:
  Expected<DesiredRuntime> GetUnguarded(std::string_view name);
  Expected<std::vector<DesiredRuntime>> ListUnguarded();
  Expected<uint64_t> PutUnguarded(const DesiredRuntime& runtime);

  LeveldbDatabase& database_;
};

}  // namespace rtm
