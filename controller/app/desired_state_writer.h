#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "reconcile/desired_sync.h"
#include "reconcile/ports/clock.h"
#include "reconcile/ports/desired_state_store.h"
#include "reconcile/ports/logger.h"

namespace rtm {

// Scans the manifests tree; an error means the tree could not be read (and
// proves nothing about what was deleted).
using ManifestScanFn = std::function<Expected<ManifestScan>()>;

struct DesiredStateWriterOptions {
  // A game whose manifest vanished is removed only once the tree has gone
  // this long without declaring it, so that a checkout that removes a file
  // before it writes the file that now declares the game never removes and
  // re-adds it (rtmanager run --manifest-removal-grace; zero: at once).
  Duration removal_grace = std::chrono::seconds(1);
  // How soon to scan again after a scan that saw the tree changing.
  Duration unsettled_retry = std::chrono::milliseconds(100);
  // How soon to sync again after a sync that could not store what the
  // manifests declare (a full disk, an unreachable store): doubling from
  // the base with each sync that fails again, up to the cap.
  Duration failed_write_retry_base = std::chrono::seconds(1);
  Duration failed_write_retry_cap = std::chrono::seconds(30);
};

// The writer of desired state in this controller: the manifest sync and
// the API's restart bump. Every desired object is cached in memory (listed
// by Reload, then kept current by Apply from the change feed), so a
// manifest change costs no full read of the store. Every write is
// conditional on the revision the cache holds; a kConflict (another writer
// moved the object) refreshes that entry from the store and decides again.
// Queues nothing: the change feed reports every write, whoever made it.
// Thread-safe: one mutex serialises the writes and the cache.
class DesiredStateWriter {
 public:
  DesiredStateWriter(DesiredStateStore& store, Logger& logger, Clock& clock,
                     ManifestScanFn scan, DesiredStateWriterOptions options = {});

  // Lists the store into the cache again. A failure is logged; the next
  // use lists again.
  void Reload();

  // Re-reads the manifests tree and stores what changed
  // (reconcile/desired_sync.h holds the rules), as one consistent tree: a
  // scan that saw the tree changing while it read it stores nothing, and a
  // removal waits out options.removal_grace (rescans that declare the game
  // again cancel it). Returns when the caller must sync again even if
  // nothing else asks: a removal is due, the tree was not holding still, or
  // something could not be stored (a full disk, an unreachable store:
  // again after failed_write_retry_base, doubling while it keeps failing);
  // nullopt when nothing waits.
  std::optional<Duration> SyncManifests();

  // The REST restart: a generation bump of the desired object, not an
  // imperative restart. Increments the API-owned restart counter and
  // metadata.generation, records `request_id` as the restart's sourceRef
  // and returns the new generation. `force`: disruptions skip the game's
  // drain wait until it runs the restarted container
  // (DesiredRuntime::force_restart_generation). A removed runtime (a
  // tombstone) takes only a forced request, which restarts nothing: its
  // removal skips the drain wait; its generation comes back unchanged.
  // `requested_by`: the API caller, said by the restart's audit entries.
  // kNotFound for an unknown name, kConflict for an unforced request of a
  // removed runtime or when other writers keep moving the object.
  Expected<int64_t> RequestRestart(std::string_view name, std::string request_id,
                                   bool force = false, Requester requested_by = {});

  // A desired object as the change feed reported it: cached unless the
  // cache holds that revision or a newer one.
  void Apply(const DesiredRuntime& desired);

 private:
  // The cache, listed on first use; under mutex_.
  Expected<DesiredIndex*> Cache();
  // Stores `runtime` (conditional on runtime.revision) and caches what was
  // written; on kConflict refreshes the entry. Under mutex_.
  Expected<void> Put(const DesiredRuntime& runtime);
  void Refresh(const std::string& name);  // under mutex_

  // When to sync again after a sync that failed to store something:
  // the earlier of `again` and the backoff. Under mutex_.
  Duration RetryAfterFailure(std::optional<Duration> again);

  // Holds back the removals of `result` that have not waited out the
  // grace yet; returns when the first of them is due. Under mutex_.
  std::optional<Duration> HoldRemovals(DesiredSyncResult& result,
                                       const DesiredIndex& stored);

  DesiredStateStore& store_;
  Logger& logger_;
  Clock& clock_;
  ManifestScanFn scan_;
  const DesiredStateWriterOptions options_;
  std::mutex mutex_;
  std::optional<DesiredIndex> cache_;
  std::set<std::string> reported_conflicts_;
  // Games whose manifest vanished, with the instant a scan first missed
  // them; their removal is held until the grace has passed.
  std::map<std::string, Timestamp, std::less<>> vanished_;
  int failed_syncs_ = 0;  // consecutive syncs that could not store all
};

}  // namespace rtm
