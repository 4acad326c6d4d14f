#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "reconcile/desired_sync.h"
#include "reconcile/ports/change_feed.h"
#include "reconcile/ports/container_engine.h"
#include "reconcile/ports/desired_state_store.h"
#include "reconcile/ports/logger.h"
#include "reconcile/ports/runtime_record_store.h"
#include "reconcile/ports/telemetry.h"
#include "reconcile/queue/trigger_ledger.h"
#include "reconcile/queue/work_queue.h"
#include "reconcile/reconciler.h"

namespace rtm {

struct ControllerOptions {
  int workers = 8;  // rtmanager run --workers (main.cc) sets it
  // The user-defined bridge network, ensured whenever the engine connects.
  std::string network = "rtmanager";
  // Backoff of the events-stream reconnect after the engine went away.
  Duration events_reconnect_base = std::chrono::milliseconds(250);
  Duration events_reconnect_cap = std::chrono::seconds(30);
  // The periodic Resync (rtmanager run --resync).
  Duration resync_period = std::chrono::minutes(5);
};

// Scans the manifests tree; an error means the tree could not be read (and
// proves nothing about what was deleted).
using ManifestScanFn = std::function<Expected<ManifestScan>()>;

// The controller-runtime "manager": the work queue with its worker threads,
// the Docker events watch, the watch of the store's change feed, and the
// entry points that write desired state (manifest sync, restart bump) or
// enqueue games (resync). Events only enqueue names; all convergence
// happens in Reconciler::Reconcile on a worker.
//
// Desired state is cached in memory and kept current from the change feed,
// so a write by another writer (the API, a second controller) reaches the
// cache and queues its game; every write of desired state is conditional on
// the revision the cache holds, and a conflict refreshes that entry from
// the store and decides again.
class Controller {
 public:
  Controller(Reconciler& reconciler, WorkQueue& queue,
             DesiredStateStore& desired, RuntimeRecordStore& records,
             ChangeFeed& changes, ContainerEngine& engine, Logger& logger,
             Telemetry& telemetry, ManifestScanFn scan,
             ControllerOptions options);
  ~Controller();

  // Resyncs once (manifests, then every game with work), then starts the
  // workers, the events watch, the change-feed watch and the sync thread
  // (requested manifest syncs and the periodic resync).
  void Start();
  // Stops taking work; in-flight reconciles finish (their operations are
  // atomic under their leases or resumable by the next start).
  void Stop();

  // Asks the sync thread for a SyncManifests and returns at once: the
  // caller (the inotify watcher, on the thread that also handles SIGTERM)
  // never waits on the store or the engine. Requests made while a sync
  // runs are served by one more sync.
  void RequestManifestSync();

  // Re-reads the manifests tree and stores what changed (the change feed
  // then queues the changed games). Safe to call from any thread (calls
  // are serialised).
  void SyncManifests();
  // Enqueues every game the store or the engine knows (the relist after an
  // events-stream break).
  void EnqueueAll();

  // The periodic resync: syncs the manifests, then decides every known game
  // against ONE listing of the engine and enqueues only the games whose plan
  // is not empty (or that have no status yet). Catches whatever events were
  // missed at the cost of one engine call, not one per game. Falls back to
  // EnqueueAll when the engine cannot be listed.
  void Resync();

  // The REST restart: a generation bump of the desired object, not an
  // imperative restart. Increments the API-owned restart counter and
  // metadata.generation, records `request_id` as the restart's sourceRef
  // (the change feed then queues the game) and returns the new generation.
  // kNotFound for an unknown name, kConflict for a deleted (removed)
  // runtime or when other writers keep moving the object.
  Expected<int64_t> RequestRestart(std::string_view name,
                                   std::string request_id);

  // What reconciling every known game would do now, without acting.
  Expected<std::vector<PlanItem>> PlanAll();

  // True once the first manifest sync and relist happened.
  bool started() const { return started_.load(); }

 private:
  // Every game the store or the engine knows.
  std::set<std::string> KnownNames();
  // The desired objects (loaded on first use); under sync_mutex_.
  Expected<DesiredIndex*> DesiredCache();
  // Stores `runtime` (conditional on runtime.revision) and keeps the cache
  // in step; on kConflict the cache entry is refreshed from the store.
  // Under sync_mutex_.
  Expected<void> PutDesired(const DesiredRuntime& runtime);
  // Re-reads one cache entry from the store; under sync_mutex_.
  void RefreshDesired(const std::string& name);
  // Applies a desired object read from the change feed to the cache
  // unless the cache already holds that revision or a newer one.
  void ApplyDesiredChange(const DesiredRuntime& desired);
  // Follows the change feed from feed_revision_: queues every game whose
  // desired object changed; relists when the feed lost history.
  void ChangesLoop();
  // Runs requested manifest syncs and the periodic resync until Stop.
  void SyncLoop();
  // Queues `name` for a reconcile that always runs.
  void Enqueue(const std::string& name);
  void WorkerLoop();
  void EventsLoop();
  // Waits `delay` or until Stop; false when stopping.
  bool WaitUnlessStopping(Duration delay);

  Reconciler& reconciler_;
  WorkQueue& queue_;
  DesiredStateStore& desired_;
  RuntimeRecordStore& records_;
  ContainerEngine& engine_;
  Logger& logger_;
  Telemetry& telemetry_;
  ManifestScanFn scan_;
  ControllerOptions options_;
  // Why each queued game is queued: lets a worker skip a game queued only by
  // events its last converged reconcile already observed.
  TriggerLedger triggers_;

  std::mutex sync_mutex_;  // serialises every write of desired state
  // Every desired object, loaded once and then kept current from the
  // change feed, so a manifest change costs no full read of the store.
  std::optional<DesiredIndex> desired_cache_;
  ChangeFeed& changes_;
  // Where ChangesLoop reads on: taken before the cache is loaded, so no
  // change is missed (one may be seen twice, which is harmless).
  uint64_t feed_revision_ = 0;
  std::set<std::string> reported_conflicts_;

  std::atomic<bool> started_{false};
  std::mutex stop_mutex_;
  std::condition_variable stop_signal_;
  bool stopping_ = false;
  bool sync_requested_ = false;  // under stop_mutex_
  std::vector<std::thread> workers_;
  std::thread events_;
  std::thread changes_thread_;
  std::thread sync_thread_;
};

}  // namespace rtm
