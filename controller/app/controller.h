#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <set>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "controller/app/change_feed_informer.h"
#include "controller/app/desired_state_writer.h"
#include "controller/app/engine_events_informer.h"
#include "reconcile/ports/change_feed.h"
#include "reconcile/ports/clock.h"
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
  int workers = 8;  // rtmanager run --workers (controller/cli/run_options.h)
  // The user-defined bridge network, ensured whenever the engine connects.
  std::string network = "rtmanager";
  // Backoff of the events-stream reconnect after the engine went away.
  Duration events_reconnect_base = std::chrono::milliseconds(250);
  Duration events_reconnect_cap = std::chrono::seconds(30);
  // The periodic Resync (rtmanager run --resync).
  Duration resync_period = std::chrono::minutes(5);
  // Whether this process syncs the manifests now (cluster mode: only the
  // elected leader does, docs/cluster.md); null: always.
  std::function<bool()> may_sync_manifests;
  // How manifest scans become desired state: removal grace, rescans of a
  // tree caught changing.
  DesiredStateWriterOptions manifest_sync;
  // Called with every desired object the change feed delivers (after the
  // game is queued), e.g. to wake the restart scheduler; may be empty.
  std::function<void(const DesiredRuntime&)> on_desired_changed;
};

// The controller-runtime "manager": the work queue and its worker threads,
// fed by three sources that only queue game names — the engine's container
// events (EngineEventsInformer), the store's change feed
// (ChangeFeedInformer: every desired-state write, whoever made it) and the
// periodic resync — plus the writer of desired state (DesiredStateWriter:
// manifest sync, restart bump). All convergence happens in
// Reconciler::Reconcile on a worker.
class Controller {
 public:
  Controller(Reconciler& reconciler, WorkQueue& queue,
             DesiredStateStore& desired, RuntimeRecordStore& records,
             ChangeFeed& changes, ContainerEngine& engine, Logger& logger,
             Telemetry& telemetry, Clock& clock, ManifestScanFn scan,
             ControllerOptions options);
  ~Controller();

  // Resyncs once (manifests, then every game with work), then starts the
  // workers, both informers and the sync thread (requested manifest syncs
  // and the periodic resync).
  void Start();
  // Stops taking work; in-flight reconciles finish (their operations are
  // atomic under their leases or resumable by the next start).
  void Stop();

  // Asks the sync thread for a SyncManifests and returns at once: the
  // caller (the inotify watcher, on the thread that also handles SIGTERM)
  // never waits on the store or the engine. Requests made while a sync
  // runs are served by one more sync.
  void RequestManifestSync();

  // DesiredStateWriter::SyncManifests (the change feed then queues the
  // changed games), unless options.may_sync_manifests says not now. When
  // the writer asks to sync again later (a held removal, a tree caught
  // changing), the sync thread does so then.
  void SyncManifests();

  // Queues `name` for a reconcile that always runs (e.g. its assignment to
  // this node changed).
  void EnqueueGame(const std::string& name) { Enqueue(name); }

  // Enqueues every game the store or the engine knows (a relist). A source
  // that cannot be read is logged; the others' games are still queued.
  void EnqueueAll();

  // The periodic resync: syncs the manifests, then decides every known game
  // against ONE listing of the engine and enqueues only the games whose plan
  // is not empty or whose status does not report that (none yet, or one
  // written before the controller died mid-operation). Catches whatever events were
  // missed at the cost of one engine call, not one per game. Falls back to
  // EnqueueAll when the engine cannot be listed.
  void Resync();

  // DesiredStateWriter::RequestRestart (the change feed then queues it).
  Expected<int64_t> RequestRestart(std::string_view name, std::string request_id,
                                   bool force = false, Requester requested_by = {}) {
    return writer_.RequestRestart(name, std::move(request_id), force,
                                  std::move(requested_by));
  }

  // What reconciling every known game would do now, without acting; an
  // error when any source of names or any plan cannot be read.
  Expected<std::vector<PlanItem>> PlanAll();

  // True once the first manifest sync and relist happened.
  bool started() const { return started_.load(); }

 private:
  // Every game the store or the engine knows; what could not be read is
  // added to `errors`.
  std::set<std::string> KnownNames(std::vector<Error>& errors);
  // Queues `name` for a reconcile that always runs.
  void Enqueue(const std::string& name);
  void WorkerLoop();
  // Runs requested manifest syncs and the periodic resync until Stop.
  void SyncLoop();

  Reconciler& reconciler_;
  WorkQueue& queue_;
  DesiredStateStore& desired_;
  RuntimeRecordStore& records_;
  ChangeFeed& changes_;
  ContainerEngine& engine_;
  Logger& logger_;
  Telemetry& telemetry_;
  ControllerOptions options_;
  // Why each queued game is queued: lets a worker skip a game queued only by
  // events its last converged reconcile already observed.
  TriggerLedger triggers_;

  DesiredStateWriter writer_;
  EngineEventsInformer events_;
  ChangeFeedInformer feed_;

  std::atomic<bool> started_{false};
  std::mutex stop_mutex_;
  std::condition_variable stop_signal_;
  bool stopping_ = false;
  bool sync_requested_ = false;  // under stop_mutex_
  // When the writer asked to sync the manifests again; under stop_mutex_.
  std::optional<std::chrono::steady_clock::time_point> manifest_sync_at_;
  std::vector<std::thread> workers_;
  std::thread sync_thread_;
};

}  // namespace rtm
