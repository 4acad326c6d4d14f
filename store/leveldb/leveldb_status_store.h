#pragma once

#include <cstdint>
#include <string_view>

#include "reconcile/ports/desired_state_store.h"
#include "store/leveldb/leveldb_database.h"

namespace rtm {

// StatusStore on leveldb: one value per runtime under status/<name>
// (store/leveldb/stored_values.h), written through WriteRuntimeHalf
// (store/leveldb/runtime_writes.h): compare-and-swap and the change feed's
// append in one batch with the next store-wide revision.
//
// Status is written buffered, not fsynced: it is recomputed from desired
// state, the runtime record and the observed containers on every reconcile
// (and the controller reconciles every game at start), so a status lost to
// an OS crash or power loss is rewritten by the first reconcile after the
// restart; a buffered write still survives a crash of this process. This
// keeps the fsync off the path that runs after every reconcile. The
// durable facts behind a status (records, operation log) are synced by
// their own stores.
//
// Beyond the port's contract: Put with an empty name is kInvalidRequest; an
// unreadable stored value is kInternal naming its key.
class LeveldbStatusStore : public StatusStore {
 public:
  explicit LeveldbStatusStore(LeveldbDatabase& database);

  Expected<RuntimeStatusView> Get(std::string_view name) override;
  Expected<std::map<std::string, RuntimeStatusView>> List() override;
  Expected<uint64_t> Put(std::string_view name,
                         const RuntimeStatusView& status) override;

  // The store-wide revision, shared with LeveldbDesiredStateStore.
  uint64_t CurrentRevision() const { return database_.CurrentRevision(); }

 private:
  Expected<RuntimeStatusView> GetUnguarded(std::string_view name);
  Expected<std::map<std::string, RuntimeStatusView>> ListUnguarded();
  Expected<uint64_t> PutUnguarded(std::string_view name,
                                  const RuntimeStatusView& status);

  LeveldbDatabase& database_;
};

}  // namespace rtm
