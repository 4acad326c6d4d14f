#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "reconcile/domain/error.h"
#include "reconcile/domain/game_runtime.h"

namespace rtm {

// Revisions (both stores below, RuntimeRecordStore, ChangeFeed): every write
// of a desired object, a status or a runtime record is assigned the next
// store-wide revision, a number that strictly increases across the whole
// store (etcd's mod_revision) and survives restarts; revisions may have
// gaps. Objects read from a store carry the revision of their last write.
// Every write is conditional (compare-and-swap): it succeeds only when the
// stored object is still at the revision the written value carries, where
// revision 0 means "must not exist"; otherwise kConflict and nothing is
// written. A writer that gets kConflict re-reads and decides again.

// The desired GameRuntime objects, one per name, written by the manifest
// sync and the REST API, read by the reconciler. Safe from several threads.
class DesiredStateStore {
 public:
  virtual ~DesiredStateStore() = default;

  // kNotFound when no object of that name was ever declared.
  virtual Expected<DesiredRuntime> Get(std::string_view name) = 0;
  // Every object (tombstones included), ordered by name.
  virtual Expected<std::vector<DesiredRuntime>> List() = 0;
  // Writes `runtime` if the stored object of its name is still at
  // runtime.revision (0: none stored), else kConflict. Returns the new
  // revision; durable once it returns a value.
  virtual Expected<uint64_t> Put(const DesiredRuntime& runtime) = 0;
};

// The status the reconciler reports per runtime (docs/contract.md §5).
class StatusStore {
 public:
  virtual ~StatusStore() = default;

  // kNotFound before the first reconcile of `name`.
  virtual Expected<RuntimeStatusView> Get(std::string_view name) = 0;
  // Every stored status by runtime name (one read, e.g. for /metrics).
  virtual Expected<std::map<std::string, RuntimeStatusView>> List() = 0;
  // Writes the status of `name` if the stored one is still at
  // status.revision (0: none stored), else kConflict. Returns the new
  // revision.
  virtual Expected<uint64_t> Put(std::string_view name,
                                 const RuntimeStatusView& status) = 0;
};

}  // namespace rtm
