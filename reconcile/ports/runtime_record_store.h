#pragma once

#include <string_view>
#include <vector>

#include "reconcile/domain/error.h"
#include "reconcile/domain/runtime_record.h"

namespace rtm {

// Durable runtime records, one per game id. Implementations are safe to call
// from several threads.
class RuntimeRecordStore {
 public:
  virtual ~RuntimeRecordStore() = default;

  // kNotFound when the game has no record; kServiceUnavailable when the
  // store cannot be read; kInternal when the stored value is unreadable.
  virtual Expected<RuntimeRecord> Get(std::string_view game_id) = 0;

  // Writes the record of record.game_id if the stored one is still at
  // record.revision (0: none stored), else kConflict (revisions as in
  // reconcile/ports/desired_state_store.h). Returns the new revision;
  // durable (synced) once it returns a value.
  virtual Expected<uint64_t> Upsert(const RuntimeRecord& record) = 0;

  // Every record, ordered by game id.
  virtual Expected<std::vector<RuntimeRecord>> List() = 0;
};

}  // namespace rtm
