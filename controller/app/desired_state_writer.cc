#include "controller/app/desired_state_writer.h"

#include <algorithm>
#include <utility>

namespace rtm {
namespace {

// Whether two schedules fire at the same instants (warnings aside).
bool ScheduleTimesEqual(const std::optional<RestartSchedule>& a,
                        const std::optional<RestartSchedule>& b) {
  return a && b && a->cron == b->cron && a->time_zone == b->time_zone;
}

// Attempts of a read-modify-write of desired state that keeps conflicting
// with other writers.
constexpr int kWriteAttempts = 5;

}  // namespace

DesiredStateWriter::DesiredStateWriter(DesiredStateStore& store, Logger& logger,
                                       Clock& clock, ManifestScanFn scan,
                                       DesiredStateWriterOptions options)
    : store_(store),
      logger_(logger),
      clock_(clock),
      scan_(std::move(scan)),
      options_(options) {}

void DesiredStateWriter::Reload() {
  std::lock_guard lock(mutex_);
  cache_.reset();
  if (auto loaded = Cache(); !loaded) {
    logger_.Log(LogLevel::kWarn, "list desired state; retried on first use",
                {{"err", loaded.error().message}});
  }
}

std::optional<Duration> DesiredStateWriter::SyncManifests() {
  std::lock_guard lock(mutex_);
  Expected<ManifestScan> scan = scan_();
  if (!scan) {
    logger_.Log(LogLevel::kWarn,
                "manifests unreadable; keeping every declared runtime",
                {{"err", scan.error().message}});
    return std::nullopt;
  }
  if (scan->changed_while_read) {
    logger_.Log(LogLevel::kDebug,
                "manifests changed while read; reading them again",
                {{"retry_ms", std::to_string(options_.unsettled_retry.count())}});
    return options_.unsettled_retry;
  }
  for (const ScannedFile& file : scan->files) {
    if (!file.problems.empty()) {
      logger_.Log(LogLevel::kWarn, "invalid manifest; last valid state kept",
                  {{"path", file.path}, {"err", file.problems}});
    }
  }
  // A write that conflicts (another writer moved the object) refreshed its
  // cache entry: deciding again from the cache writes what is still needed.
  std::optional<Duration> again;
  for (int attempt = 1; attempt <= kWriteAttempts; ++attempt) {
    Expected<DesiredIndex*> stored = Cache();
    if (!stored) {
      logger_.Log(LogLevel::kError, "list desired state",
                  {{"err", stored.error().message}});
      return RetryAfterFailure(again);
    }
    DesiredSyncResult result = SyncDesiredState(**stored, *scan);
    again = HoldRemovals(result, **stored);
    if (attempt == 1) {
      for (const std::string& conflict : result.conflicts) {
        if (reported_conflicts_.insert(conflict).second) {
          logger_.Log(LogLevel::kError, "duplicate runtime name in manifests",
                      {{"error_code", "conflict"}, {"err", conflict}});
        }
      }
      for (const std::string& problem : result.budget_problems) {
        if (reported_conflicts_.insert(problem).second) {
          logger_.Log(LogLevel::kWarn, "disruption budget", {{"err", problem}});
        }
      }
    }
    // A new object, or a tombstone declared again, starts an incarnation.
    // (Before any Put: a conflicting one may drop the cache.)
    for (DesiredRuntime& runtime : result.writes) {
      auto before = (*stored)->find(runtime.name);
      if (!runtime.deleted &&
          (before == (*stored)->end() || before->second.deleted ||
           runtime.created_at == Timestamp{})) {
        runtime.created_at = clock_.Now();
      }
      // A schedule that appears or changes starts from now: it does not
      // reach into the past.
      if (runtime.spec.restart_schedule &&
          (before == (*stored)->end() || before->second.deleted ||
           !ScheduleTimesEqual(before->second.spec.restart_schedule,
                               runtime.spec.restart_schedule) ||
           runtime.schedule_checked_through == Timestamp{})) {
        runtime.schedule_checked_through = clock_.Now();
      }
    }
    bool conflicted = false;
    bool failed = false;
    for (DesiredRuntime& runtime : result.writes) {
      auto written = Put(runtime);
      if (written) continue;
      const bool retry = written.error().code == ErrorCode::kConflict &&
                         attempt < kWriteAttempts;
      conflicted = conflicted || retry;
      failed = failed || !retry;
      logger_.Log(retry ? LogLevel::kInfo : LogLevel::kError,
                  retry ? "desired state moved underneath; deciding again"
                        : "store desired state",
                  {{"game_id", runtime.name},
                   {"error_code", std::string(ToString(written.error().code))},
                   {"err", written.error().message}});
    }
    if (failed) return RetryAfterFailure(again);
    if (!conflicted) {
      failed_syncs_ = 0;
      return again;
    }
  }
  return again;
}

Duration DesiredStateWriter::RetryAfterFailure(std::optional<Duration> again) {
  Duration wait = options_.failed_write_retry_base;
  for (int i = 0; i < failed_syncs_ && wait < options_.failed_write_retry_cap; ++i) {
    wait *= 2;
  }
  wait = std::min(wait, options_.failed_write_retry_cap);
  ++failed_syncs_;
  return again ? std::min(*again, wait) : wait;
}

std::optional<Duration> DesiredStateWriter::HoldRemovals(
    DesiredSyncResult& result, const DesiredIndex& stored) {
  const Timestamp now = clock_.Now();
  std::map<std::string, Timestamp, std::less<>> vanished;
  std::optional<Duration> due;
  std::erase_if(result.writes, [&](const DesiredRuntime& write) {
    auto before = stored.find(write.name);
    const bool removal = write.deleted && before != stored.end() &&
                         !before->second.deleted;
    if (!removal) return false;
    auto seen = vanished_.find(write.name);
    const Timestamp since = seen != vanished_.end() ? seen->second : now;
    const Duration waited =
        std::chrono::duration_cast<Duration>(now - since);
    if (waited >= options_.removal_grace) return false;
    if (seen == vanished_.end()) {
      logger_.Log(LogLevel::kInfo, "manifest of runtime vanished; removal held",
                  {{"game_id", write.name},
                   {"grace_ms", std::to_string(options_.removal_grace.count())}});
    }
    vanished.emplace(write.name, since);
    const Duration left = options_.removal_grace - waited;
    due = due ? std::min(*due, left) : left;
    return true;
  });
  // A game declared again (or removed now) waits no more.
  vanished_ = std::move(vanished);
  return due;
}

Expected<int64_t> DesiredStateWriter::RequestRestart(std::string_view name,
                                                     std::string request_id, bool force,
                                                     Requester requested_by) {
  std::lock_guard lock(mutex_);
  for (int attempt = 1;; ++attempt) {
    Expected<DesiredIndex*> cache = Cache();
    if (!cache) return std::unexpected(cache.error());
    auto found = (*cache)->find(name);
    if (found == (*cache)->end()) {
      return Fail(ErrorCode::kNotFound,
                  "runtime \"" + std::string(name) + "\" not found");
    }
    DesiredRuntime desired = found->second;
    if (desired.deleted && !force) {
      return Fail(ErrorCode::kConflict,
                  "runtime \"" + std::string(name) +
                      "\" is removed; cannot restart (--force skips the drain wait of "
                      "its removal)");
    }
    if (desired.deleted) {
      // No restart: the removal's disruption skips its drain wait (the
      // container still runs a restart generation below this one).
      if (desired.DrainSkipped(desired.EffectiveRestartGeneration())) {
        return desired.generation;  // already forced
      }
      desired.force_restart_generation = desired.EffectiveRestartGeneration() + 1;
    } else {
      ++desired.api_restart_count;
      ++desired.generation;
      desired.restart_source = OpSource::kRest;
      desired.restart_source_ref = request_id;
      desired.restart_requested_by = requested_by;
      if (force) desired.force_restart_generation = desired.EffectiveRestartGeneration();
    }
    auto written = Put(desired);
    if (written) return desired.generation;
    if (written.error().code != ErrorCode::kConflict ||
        attempt == kWriteAttempts) {
      return std::unexpected(written.error());
    }
  }
}

Expected<DesiredIndex*> DesiredStateWriter::Cache() {
  if (!cache_) {
    auto stored = store_.List();
    if (!stored) return std::unexpected(stored.error());
    DesiredIndex index;
    for (DesiredRuntime& runtime : *stored) {
      std::string name = runtime.name;
      index.emplace(std::move(name), std::move(runtime));
    }
    cache_ = std::move(index);
  }
  return &*cache_;
}

Expected<void> DesiredStateWriter::Put(const DesiredRuntime& runtime) {
  auto written = store_.Put(runtime);
  if (!written) {
    if (written.error().code == ErrorCode::kConflict) {
      Refresh(runtime.name);
    }
    return std::unexpected(written.error());
  }
  if (cache_) {
    DesiredRuntime stored = runtime;
    stored.revision = *written;
    cache_->insert_or_assign(runtime.name, std::move(stored));
  }
  return {};
}

void DesiredStateWriter::Refresh(const std::string& name) {
  if (!cache_) return;
  auto stored = store_.Get(name);
  if (stored) {
    cache_->insert_or_assign(name, *std::move(stored));
  } else if (stored.error().code == ErrorCode::kNotFound) {
    cache_->erase(name);
  } else {
    cache_.reset();  // unknown state: the next use lists again
  }
}

void DesiredStateWriter::Apply(const DesiredRuntime& desired) {
  std::lock_guard lock(mutex_);
  if (!cache_) return;  // the next use lists, change included
  auto found = cache_->find(desired.name);
  if (found != cache_->end() &&
      found->second.revision >= desired.revision) {
    return;
  }
  cache_->insert_or_assign(desired.name, desired);
}

}  // namespace rtm
