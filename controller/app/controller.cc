#include "controller/app/controller.h"

#include <map>

#include "reconcile/decide.h"
#include "reconcile/domain/container_spec.h"

namespace rtm {
namespace {

// Container events that can change what a game's reconcile decides.
bool IsRelevant(std::string_view action) {
  return action == "die" || action == "stop" || action == "destroy" ||
         action == "start" || action == "oom" ||
         action.starts_with("health_status");
}

// Changes read from the feed per call, and how long a wait for the next
// lasts before the loop checks for Stop.
constexpr size_t kChangesPerRead = 256;
constexpr Duration kChangesWait = std::chrono::milliseconds(500);
// Attempts of a read-modify-write of desired state that keeps conflicting
// with other writers.
constexpr int kWriteAttempts = 5;

}  // namespace

Controller::Controller(Reconciler& reconciler, WorkQueue& queue,
                       DesiredStateStore& desired, RuntimeRecordStore& records,
                       ChangeFeed& changes, ContainerEngine& engine,
                       Logger& logger, Telemetry& telemetry,
                       ManifestScanFn scan, ControllerOptions options)
    : reconciler_(reconciler),
      queue_(queue),
      desired_(desired),
      records_(records),
      engine_(engine),
      logger_(logger),
      telemetry_(telemetry),
      scan_(std::move(scan)),
      options_(options),
      changes_(changes) {}

Controller::~Controller() { Stop(); }

void Controller::Start() {
  // Also ensured on every events reconnect: the engine may be down now.
  if (auto network = engine_.EnsureNetwork(options_.network); !network) {
    logger_.Log(LogLevel::kWarn, "ensure network",
                {{"network", options_.network}, {"err", network.error().message}});
  }
  {
    std::lock_guard lock(sync_mutex_);
    auto revision = changes_.Revision();
    feed_revision_ = revision ? *revision : 0;
    desired_cache_.reset();  // loaded again after that revision
    if (auto loaded = DesiredCache(); !loaded) {
      logger_.Log(LogLevel::kWarn, "list desired state; retried on first use",
                  {{"err", loaded.error().message}});
    }
  }
  // Games that converged before a restart of the controller need no
  // reconcile: one listing of the engine tells which do.
  Resync();
  started_ = true;
  for (int i = 0; i < options_.workers; ++i) {
    workers_.emplace_back([this] { WorkerLoop(); });
  }
  events_ = std::thread([this] { EventsLoop(); });
  changes_thread_ = std::thread([this] { ChangesLoop(); });
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
  if (events_.joinable()) events_.join();
  if (changes_thread_.joinable()) changes_thread_.join();
  if (sync_thread_.joinable()) sync_thread_.join();
}

void Controller::RequestManifestSync() {
  {
    std::lock_guard lock(stop_mutex_);
    sync_requested_ = true;
  }
  stop_signal_.notify_all();
}

void Controller::SyncLoop() {
  auto next_resync = std::chrono::steady_clock::now() + options_.resync_period;
  std::unique_lock lock(stop_mutex_);
  while (true) {
    stop_signal_.wait_until(lock, next_resync, [this] {
      return stopping_ || sync_requested_;
    });
    if (stopping_) return;
    const bool requested = sync_requested_;
    sync_requested_ = false;
    lock.unlock();
    if (requested) {
      SyncManifests();
    } else {
      Resync();
      next_resync = std::chrono::steady_clock::now() + options_.resync_period;
    }
    lock.lock();
  }
}

bool Controller::WaitUnlessStopping(Duration delay) {
  std::unique_lock lock(stop_mutex_);
  return !stop_signal_.wait_for(lock, delay, [this] { return stopping_; });
}

void Controller::SyncManifests() {
  std::lock_guard lock(sync_mutex_);
  Expected<ManifestScan> scan = scan_();
  if (!scan) {
    logger_.Log(LogLevel::kWarn,
                "manifests unreadable; keeping every declared runtime",
                {{"err", scan.error().message}});
    return;
  }
  for (const ScannedFile& file : scan->files) {
    if (!file.problems.empty()) {
      logger_.Log(LogLevel::kWarn, "invalid manifest; last valid state kept",
                  {{"path", file.path}, {"err", file.problems}});
    }
  }
  // A write that conflicts (another writer moved the object) refreshed its
  // cache entry: deciding again from the cache writes what is still needed.
  for (int attempt = 1; attempt <= kWriteAttempts; ++attempt) {
    Expected<DesiredIndex*> stored = DesiredCache();
    if (!stored) {
      logger_.Log(LogLevel::kError, "list desired state",
                  {{"err", stored.error().message}});
      return;
    }
    DesiredSyncResult result = SyncDesiredState(**stored, *scan);
    if (attempt == 1) {
      for (const std::string& conflict : result.conflicts) {
        if (reported_conflicts_.insert(conflict).second) {
          logger_.Log(LogLevel::kError, "duplicate runtime name in manifests",
                      {{"error_code", "conflict"}, {"err", conflict}});
        }
      }
    }
    bool conflicted = false;
    for (DesiredRuntime& runtime : result.writes) {
      auto written = PutDesired(runtime);
      if (written) continue;
      const bool retry = written.error().code == ErrorCode::kConflict &&
                         attempt < kWriteAttempts;
      conflicted = conflicted || retry;
      logger_.Log(retry ? LogLevel::kInfo : LogLevel::kError,
                  retry ? "desired state moved underneath; deciding again"
                        : "store desired state",
                  {{"game_id", runtime.name},
                   {"error_code", std::string(ToString(written.error().code))},
                   {"err", written.error().message}});
    }
    if (!conflicted) return;
  }
}

Expected<int64_t> Controller::RequestRestart(std::string_view name,
                                             std::string request_id) {
  std::lock_guard lock(sync_mutex_);
  for (int attempt = 1;; ++attempt) {
    Expected<DesiredIndex*> cache = DesiredCache();
    if (!cache) return std::unexpected(cache.error());
    auto found = (*cache)->find(name);
    if (found == (*cache)->end()) {
      return Fail(ErrorCode::kNotFound,
                  "runtime \"" + std::string(name) + "\" not found");
    }
    DesiredRuntime desired = found->second;
    if (desired.deleted) {
      return Fail(ErrorCode::kConflict, "runtime \"" + std::string(name) +
                                            "\" is removed; cannot restart");
    }
    ++desired.api_restart_count;
    ++desired.generation;
    desired.restart_source = OpSource::kRest;
    desired.restart_source_ref = request_id;
    auto written = PutDesired(desired);
    if (written) return desired.generation;
    if (written.error().code != ErrorCode::kConflict ||
        attempt == kWriteAttempts) {
      return std::unexpected(written.error());
    }
  }
}

Expected<DesiredIndex*> Controller::DesiredCache() {
  if (!desired_cache_) {
    auto stored = desired_.List();
    if (!stored) return std::unexpected(stored.error());
    DesiredIndex index;
    for (DesiredRuntime& runtime : *stored) {
      std::string name = runtime.name;
      index.emplace(std::move(name), std::move(runtime));
    }
    desired_cache_ = std::move(index);
  }
  return &*desired_cache_;
}

Expected<void> Controller::PutDesired(const DesiredRuntime& runtime) {
  auto written = desired_.Put(runtime);
  if (!written) {
    if (written.error().code == ErrorCode::kConflict) {
      RefreshDesired(runtime.name);
    }
    return std::unexpected(written.error());
  }
  if (desired_cache_) {
    DesiredRuntime stored = runtime;
    stored.revision = *written;
    desired_cache_->insert_or_assign(runtime.name, std::move(stored));
  }
  return {};
}

void Controller::RefreshDesired(const std::string& name) {
  if (!desired_cache_) return;
  auto stored = desired_.Get(name);
  if (stored) {
    desired_cache_->insert_or_assign(name, *std::move(stored));
  } else if (stored.error().code == ErrorCode::kNotFound) {
    desired_cache_->erase(name);
  } else {
    desired_cache_.reset();  // unknown state: the next use lists again
  }
}

void Controller::ApplyDesiredChange(const DesiredRuntime& desired) {
  std::lock_guard lock(sync_mutex_);
  if (!desired_cache_) return;  // the next use lists, change included
  auto found = desired_cache_->find(desired.name);
  if (found != desired_cache_->end() &&
      found->second.revision >= desired.revision) {
    return;
  }
  desired_cache_->insert_or_assign(desired.name, desired);
}

void Controller::ChangesLoop() {
  uint64_t after;
  {
    std::lock_guard lock(sync_mutex_);
    after = feed_revision_;
  }
  while (true) {
    {
      std::lock_guard lock(stop_mutex_);
      if (stopping_) return;
    }
    auto batch = changes_.ReadAfter(after, kChangesPerRead);
    if (!batch) {
      logger_.Log(LogLevel::kWarn, "read change feed; retrying",
                  {{"err", batch.error().message}});
      if (!WaitUnlessStopping(kChangesWait)) return;
      continue;
    }
    if (batch->history_lost) {
      logger_.Log(LogLevel::kWarn, "change feed lost history; relisting", {});
      {
        std::lock_guard lock(sync_mutex_);
        auto revision = changes_.Revision();
        if (!revision) continue;
        after = *revision;
        desired_cache_.reset();
      }
      EnqueueAll();
      continue;
    }
    for (const auto& change : batch->changes) {
      after = change->revision;
      if (change->part != RuntimePart::kDesired || !change->desired) continue;
      ApplyDesiredChange(*change->desired);
      Enqueue(change->name);
    }
    if (batch->changes.empty()) changes_.WaitAfter(after, kChangesWait);
  }
}

Expected<std::vector<PlanItem>> Controller::PlanAll() {
  std::vector<PlanItem> items;
  for (const std::string& name : KnownNames()) {
    auto plan = reconciler_.PlanFor(name);
    if (!plan) return std::unexpected(plan.error());
    items.push_back({name, std::move(*plan)});
  }
  return items;
}

void Controller::EnqueueAll() {
  for (const std::string& name : KnownNames()) Enqueue(name);
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
    if (!Decide(input).converged() || !reconciler_.HasStatus(name)) {
      Enqueue(name);
      ++enqueued;
    }
  }
  logger_.Log(LogLevel::kDebug, "resync",
              {{"games", std::to_string(inputs.size())},
               {"enqueued", std::to_string(enqueued)}});
}

std::set<std::string> Controller::KnownNames() {
  std::set<std::string> names;
  if (auto desired = desired_.List()) {
    for (const auto& runtime : *desired) names.insert(runtime.name);
  }
  if (auto records = records_.List()) {
    for (const auto& record : *records) names.insert(record.game_id);
  }
  if (auto containers =
          engine_.ListContainers(OwnedSelector(options_.network))) {
    for (const auto& container : *containers) {
      auto game = container.labels.find(std::string(kLabelGame));
      if (game != container.labels.end()) names.insert(game->second);
    }
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

void Controller::EventsLoop() {
  Duration backoff = options_.events_reconnect_base;
  bool first = true;
  while (true) {
    {
      std::lock_guard lock(stop_mutex_);
      if (stopping_) return;
    }
    auto stream = engine_.WatchEvents(OwnedSelector(options_.network));
    if (!stream) {
      logger_.Log(LogLevel::kWarn, "docker events unavailable; retrying",
                  {{"err", stream.error().message}});
      if (!WaitUnlessStopping(backoff)) return;
      backoff = std::min(backoff * 2, options_.events_reconnect_cap);
      continue;
    }
    backoff = options_.events_reconnect_base;
    if (auto network = engine_.EnsureNetwork(options_.network); !network) {
      logger_.Log(LogLevel::kError, "ensure network",
                  {{"network", options_.network}, {"err", network.error().message}});
    }
    // Anything may have happened while the stream was down: relist.
    if (!first) EnqueueAll();
    first = false;
    while (true) {
      {
        std::lock_guard lock(stop_mutex_);
        if (stopping_) return;
      }
      auto next = (*stream)->Next(std::chrono::milliseconds(500));
      if (!next) {
        logger_.Log(LogLevel::kWarn, "docker events stream broke",
                    {{"err", next.error().message}});
        break;
      }
      if (!*next || !IsRelevant((*next)->action)) continue;
      auto game = (*next)->attributes.find(std::string(kLabelGame));
      if (game != (*next)->attributes.end()) {
        triggers_.MarkEvent(game->second, (*next)->time);
        queue_.Add(game->second);
      }
    }
  }
}

}  // namespace rtm
