#include "reconcile/schedule/scheduled_restarts.h"

#include <algorithm>

#include "reconcile/domain/container_spec.h"
#include "reconcile/lifecycle/service_support.h"
#include "reconcile/schedule/restart_schedule.h"

namespace rtm {
namespace {

constexpr Duration kRetryAfterError = std::chrono::seconds(1);

}  // namespace

ScheduledRestarts::ScheduledRestarts(DesiredStateStore& desired,
                                     ContainerEngine& engine,
                                     TimeZoneDatabase& time_zones, Clock& clock,
                                     Logger& logger,
                                     ScheduledRestartsOptions options)
    : desired_(desired),
      engine_(engine),
      time_zones_(time_zones),
      clock_(clock),
      logger_(logger),
      options_(std::move(options)) {}

Timestamp ScheduledRestarts::RunDue() {
  const Timestamp now = clock_.Now();
  auto all = desired_.List();
  if (!all) {
    logger_.Log(LogLevel::kWarn, "scheduled restarts: list desired state",
                {{"err", all.error().message}});
    return now + kRetryAfterError;
  }
  Timestamp next = now + options_.idle_recheck;
  std::set<std::string, std::less<>> scheduled;
  for (const DesiredRuntime& runtime : *all) {
    if (runtime.deleted || !runtime.spec.restart_schedule) continue;
    if (options_.ownership != nullptr &&
        options_.ownership->Check(runtime.name).kind != Ownership::Kind::kOwned) {
      continue;
    }
    scheduled.insert(runtime.name);
    next = std::min(next, RunGame(runtime, now));
  }
  std::erase_if(warned_, [&](const auto& entry) { return !scheduled.contains(entry.first); });
  return next;
}

Timestamp ScheduledRestarts::RunGame(const DesiredRuntime& runtime, Timestamp now) {
  const RestartSchedule& schedule = *runtime.spec.restart_schedule;
  auto cron = CronExpression::Parse(schedule.cron);
  std::shared_ptr<const TimeZone> zone = Zone(schedule.time_zone);
  if (!cron || zone == nullptr) {
    const std::string problem =
        runtime.name + ": " + (cron ? "unknown time zone " + schedule.time_zone
                                    : cron.error().message);
    if (reported_.insert(problem).second) {
      logger_.Log(LogLevel::kError, "restart schedule cannot run",
                  {{"game_id", runtime.name}, {"err", problem}});
    }
    return now + options_.idle_recheck;
  }
  Warned& warned = warned_[runtime.name];
  ScheduleInput input{.cron = &*cron,
                      .zone = zone.get(),
                      .starting_deadline_seconds = schedule.starting_deadline_seconds,
                      .warnings = schedule.warnings,
                      .checked_through = runtime.schedule_checked_through,
                      .now = now};
  ScheduleStep step = DecideSchedule(input);
  if (step.kind == ScheduleStep::Kind::kWarn || step.kind == ScheduleStep::Kind::kWait) {
    if (warned.fire != step.fire) warned = Warned{.fire = step.fire};
    input.warned = warned.befores;
    step = DecideSchedule(input);
  }
  switch (step.kind) {
    case ScheduleStep::Kind::kNever:
      return now + options_.idle_recheck;
    case ScheduleStep::Kind::kWait:
      return step.next_at;
    case ScheduleStep::Kind::kWarn:
      RunWarnings(runtime, step.fire, step.warnings);
      for (size_t index : step.warnings) {
        warned.befores.insert(schedule.warnings[index].before_seconds);
      }
      return now;  // look again at once: the next warning or the restart
    case ScheduleStep::Kind::kRestart:
    case ScheduleStep::Kind::kSkipMissed: {
      const bool restart = step.kind == ScheduleStep::Kind::kRestart;
      if (!restart) {
        logger_.Log(LogLevel::kWarn, "scheduled restart missed beyond its deadline",
                    {{"game_id", runtime.name},
                     {"scheduled_at", FormatRfc3339(step.fire)},
                     {"late", FormatDuration(now - step.fire)}});
      }
      warned_.erase(runtime.name);
      return Advance(runtime, step.fire, restart) ? now : now + kRetryAfterError;
    }
  }
  return now + options_.idle_recheck;
}

void ScheduledRestarts::RunWarnings(const DesiredRuntime& runtime, Timestamp fire,
                                    const std::vector<size_t>& indices) {
  auto selector = OwnedSelector(options_.network);
  selector.emplace(kLabelGame, runtime.name);
  auto containers = engine_.ListContainers(selector);
  const ContainerState* running = nullptr;
  if (containers) {
    for (const ContainerState& container : *containers) {
      if (container.running) running = &container;
    }
  }
  for (size_t index : indices) {
    const ScheduleWarning& warning = runtime.spec.restart_schedule->warnings[index];
    std::vector<LogField> fields{{"game_id", runtime.name},
                     {"scheduled_at", FormatRfc3339(fire)},
                     {"before", FormatDuration(std::chrono::seconds(warning.before_seconds))}};
    if (!containers || running == nullptr) {
      fields.push_back({"err", containers ? std::string("no running container")
                                          : containers.error().message});
      logger_.Log(LogLevel::kWarn, "schedule warning not run", fields);
      continue;
    }
    auto ran = engine_.Exec(running->id, warning.command,
                            std::chrono::seconds(warning.timeout_seconds));
    if (!ran) {
      fields.push_back({"err", ran.error().message});
      logger_.Log(LogLevel::kWarn, "schedule warning failed", fields);
    } else if (!ran->exit_code) {
      fields.push_back({"err", "timed out after " + std::to_string(warning.timeout_seconds) + "s"});
      logger_.Log(LogLevel::kWarn, "schedule warning failed", fields);
    } else {
      fields.push_back({"exit_code", std::to_string(*ran->exit_code)});
      fields.push_back({"output", LastLine(ran->output_tail)});
      logger_.Log(*ran->exit_code == 0 ? LogLevel::kInfo : LogLevel::kWarn,
                  "schedule warning ran", fields);
    }
  }
}

bool ScheduledRestarts::Advance(const DesiredRuntime& runtime, Timestamp fire,
                                bool restart) {
  DesiredRuntime next = runtime;
  next.schedule_checked_through = fire;
  if (restart) {
    ++next.api_restart_count;
    ++next.generation;
    next.restart_source = OpSource::kSchedule;
    next.restart_source_ref = "schedule@" + FormatRfc3339(fire);
    next.restart_requested_by.reset();
  }
  auto written = desired_.Put(next);
  if (!written) {
    // kConflict: the object moved (a manifest sync, another node); the
    // next run decides again from what is stored.
    logger_.Log(written.error().code == ErrorCode::kConflict ? LogLevel::kInfo
                                                             : LogLevel::kError,
                "scheduled restart: write desired state",
                {{"game_id", runtime.name},
                 {"error_code", std::string(ToString(written.error().code))},
                 {"err", written.error().message}});
    return false;
  }
  if (restart) {
    logger_.Log(LogLevel::kInfo, "scheduled restart requested",
                {{"game_id", runtime.name},
                 {"scheduled_at", FormatRfc3339(fire)},
                 {"restart_generation",
                  std::to_string(next.EffectiveRestartGeneration())}});
  }
  return true;
}

std::shared_ptr<const TimeZone> ScheduledRestarts::Zone(const std::string& name) {
  if (auto found = zones_.find(name); found != zones_.end()) return found->second;
  auto located = time_zones_.Locate(name);
  if (!located) return nullptr;
  zones_.emplace(name, *located);
  return *located;
}

}  // namespace rtm
