#include "controller/app/controller.h"

#include <map>
#include <utility>

#include "reconcile/decide.h"
#include "reconcile/domain/container_spec.h"

namespace rtm {

Controller::Controller(Reconciler& reconciler, WorkQueue& queue,
                       DesiredStateStore& desired, RuntimeRecordStore& records,
                       ChangeFeed& changes, ContainerEngine& engine,
                       Logger& logger, Telemetry& telemetry, Clock& clock,
                       ManifestScanFn scan, ControllerOptions options)
    : reconciler_(reconciler),
      queue_(queue),
      desired_(desired),
      records_(records),
      changes_(changes),
      engine_(engine),
      logger_(logger),
      telemetry_(telemetry),
      options_(std::move(options)),
      writer_(desired, logger, clock, std::move(scan), options_.manifest_sync),
      events_(engine, logger, clock,
              EngineEventsOptions{.network = options_.network,
                                  .reconnect_base = options_.events_reconnect_base,
                                  .reconnect_cap = options_.events_reconnect_cap},
              EngineEventsInformer::Handlers{
                  .on_event =
                      [this](const std::string& game, Timestamp at) {
                        triggers_.MarkEvent(game, at);
                        queue_.Add(game);
                      },
                  .on_relist = [this] { EnqueueAll(); }}),
      feed_(changes, logger,
            ChangeFeedInformer::Handlers{
                .on_desired =
                    [this](const DesiredRuntime& desired) {
                      writer_.Apply(desired);
                      Enqueue(desired.name);
                      if (options_.on_desired_changed) {
                        options_.on_desired_changed(desired);
                      }
                    },
                .on_relist =
                    [this] {
                      writer_.Reload();
                      EnqueueAll();
                    }}) {}

Controller::~Controller() { Stop(); }

void Controller::Start() {
  // Also ensured on every events reconnect: the engine may be down now.
  if (auto network = engine_.EnsureNetwork(options_.network); !network) {
    logger_.Log(LogLevel::kWarn, "ensure network",
                {{"network", options_.network}, {"err", network.error().message}});
  }
  // The feed is followed from before the cache is listed: no change is
  // missed (one may be seen twice, which is harmless).
  auto revision = changes_.Revision();
  if (!revision) {
    logger_.Log(LogLevel::kWarn, "read the change feed's revision",
                {{"err", revision.error().message}});
  }
  writer_.Reload();
  // Games that converged before a restart of the controller need no
  // reconcile: one listing of the engine tells which do.
  Resync();
  started_ = true;
  for (int i = 0; i < options_.workers; ++i) {
    workers_.emplace_back([this] { WorkerLoop(); });
  }
  events_.Start();
  feed_.Start(revision ? *revision : 0);
  sync_thread_ = std::thread([this] { SyncLoop(); });
}

void Controller::Stop() {
  {
    std::lock_guard lock(stop_mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  stop_signal_.notify_all();
  queue_.ShutDown();
  for (std::thread& worker : workers_) worker.join();
  workers_.clear();
  events_.Stop();
  feed_.Stop();
  if (sync_thread_.joinable()) sync_thread_.join();
}

void Controller::RequestManifestSync() {
  {
    std::lock_guard lock(stop_mutex_);
    sync_requested_ = true;
  }
  stop_signal_.notify_all();
}

void Controller::SyncManifests() {
  if (options_.may_sync_manifests && !options_.may_sync_manifests()) return;
  const std::optional<Duration> again = writer_.SyncManifests();
  if (!again) return;
  {
    std::lock_guard lock(stop_mutex_);
    const auto at = std::chrono::steady_clock::now() + *again;
    if (!manifest_sync_at_ || at < *manifest_sync_at_) manifest_sync_at_ = at;
  }
  stop_signal_.notify_all();
}

void Controller::SyncLoop() {
  using SteadyClock = std::chrono::steady_clock;
  auto next_resync = SteadyClock::now() + options_.resync_period;
  std::unique_lock lock(stop_mutex_);
  while (true) {
    const auto scheduled = manifest_sync_at_;
    const auto deadline =
        scheduled ? std::min(next_resync, *scheduled) : next_resync;
    stop_signal_.wait_until(lock, deadline, [&] {
      return stopping_ || sync_requested_ || manifest_sync_at_ != scheduled;
    });
    if (stopping_) return;
    const auto now = SteadyClock::now();
    const bool due = manifest_sync_at_ && now >= *manifest_sync_at_;
    if (sync_requested_ || due) {
      // One sync serves every request and schedule made before it.
      sync_requested_ = false;
      manifest_sync_at_.reset();
      lock.unlock();
      SyncManifests();
    } else if (now >= next_resync) {
      lock.unlock();
      // The manifests too: a secret changed in its file (spec.secretEnv)
      // shows in no manifest event.
      SyncManifests();
      Resync();
      next_resync = SteadyClock::now() + options_.resync_period;
    } else {
      continue;  // a new schedule: wait for it
    }
    lock.lock();
  }
}

Expected<std::vector<PlanItem>> Controller::PlanAll() {
  std::vector<Error> errors;
  const std::set<std::string> names = KnownNames(errors);
  if (!errors.empty()) return std::unexpected(errors.front());
  std::vector<PlanItem> items;
  for (const std::string& name : names) {
    auto plan = reconciler_.PlanFor(name);
    if (!plan) return std::unexpected(plan.error());
    items.push_back({name, std::move(*plan)});
  }
  return items;
}

void Controller::EnqueueAll() {
  std::vector<Error> errors;
  for (const std::string& name : KnownNames(errors)) Enqueue(name);
  for (const Error& error : errors) {
    logger_.Log(LogLevel::kWarn, "relist incomplete; the resync catches up",
                {{"error_code", std::string(ToString(error.code))},
                 {"err", error.message}});
  }
}

void Controller::Resync() {
  SyncManifests();
  auto containers = engine_.ListContainers(OwnedSelector(options_.network));
  auto desired = desired_.List();
  auto records = records_.List();
  if (!containers || !desired || !records) {
    EnqueueAll();
    return;
  }
  std::map<std::string, DecisionInput> inputs;
  for (DesiredRuntime& runtime : *desired) {
    inputs[runtime.name].desired = std::move(runtime);
  }
  for (RuntimeRecord& record : *records) {
    inputs[record.game_id].record = std::move(record);
  }
  for (ContainerState& container : *containers) {
    auto game = container.labels.find(std::string(kLabelGame));
    if (game == container.labels.end()) continue;
    inputs[game->second].containers.push_back(std::move(container));
  }
  size_t enqueued = 0;
  for (auto& [name, input] : inputs) {
    input.name = name;
    if (!Decide(input).converged() || !reconciler_.StatusIsCurrent(input)) {
      Enqueue(name);
      ++enqueued;
    }
  }
  logger_.Log(LogLevel::kDebug, "resync",
              {{"games", std::to_string(inputs.size())},
               {"enqueued", std::to_string(enqueued)}});
}

std::set<std::string> Controller::KnownNames(std::vector<Error>& errors) {
  std::set<std::string> names;
  if (auto desired = desired_.List()) {
    for (const auto& runtime : *desired) names.insert(runtime.name);
  } else {
    errors.push_back(Error{desired.error().code,
                           "list desired state: " + desired.error().message});
  }
  if (auto records = records_.List()) {
    for (const auto& record : *records) names.insert(record.game_id);
  } else {
    errors.push_back(Error{records.error().code,
                           "list runtime records: " + records.error().message});
  }
  if (auto containers =
          engine_.ListContainers(OwnedSelector(options_.network))) {
    for (const auto& container : *containers) {
      auto game = container.labels.find(std::string(kLabelGame));
      if (game != container.labels.end()) names.insert(game->second);
    }
  } else {
    errors.push_back(Error{containers.error().code,
                           "list containers: " + containers.error().message});
  }
  return names;
}

void Controller::Enqueue(const std::string& name) {
  triggers_.MarkForced(name);
  queue_.Add(name);
}

void Controller::WorkerLoop() {
  while (std::optional<std::string> name = queue_.Get()) {
    if (!TriggerLedger::NeedsReconcile(
            triggers_.Take(*name), reconciler_.ConvergedObservationAt(*name))) {
      telemetry_.RecordReconcile("skipped");
      queue_.Done(*name);
      continue;
    }
    ReconcileResult result = reconciler_.Reconcile(*name);
    switch (result.kind) {
      case ReconcileResult::Kind::kConverged:
        telemetry_.RecordReconcile("converged");
        queue_.Forget(*name);
        break;
      case ReconcileResult::Kind::kRequeueAfter:
        telemetry_.RecordReconcile("requeue");
        queue_.Forget(*name);
        queue_.AddAfter(*name, result.requeue_after);
        break;
      case ReconcileResult::Kind::kRetry:
        telemetry_.RecordReconcile("error");
        logger_.Log(LogLevel::kWarn, "reconcile failed; retrying with backoff",
                    {{"game_id", *name}, {"err", result.error}});
        queue_.AddRateLimited(*name);
        break;
    }
    queue_.Done(*name);
  }
}

}  // namespace rtm
