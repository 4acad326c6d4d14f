#include "reconcile/schedule/restart_schedule.h"

#include <algorithm>

namespace rtm {
namespace {

SysSeconds ToSys(Timestamp at) { return std::chrono::floor<std::chrono::seconds>(at); }
Timestamp FromSys(SysSeconds at) { return Timestamp(at); }

}  // namespace

ScheduleStep DecideSchedule(const ScheduleInput& input) {
  ScheduleStep step;
  std::optional<SysSeconds> first =
      NextFire(*input.cron, *input.zone, ToSys(input.checked_through));
  if (!first) {
    step.kind = ScheduleStep::Kind::kNever;
    return step;
  }
  const SysSeconds now = ToSys(input.now);
  if (*first <= now) {
    // However many were missed, one restart: the latest.
    SysSeconds latest = *first;
    for (int guard = 0; guard < 1000000; ++guard) {
      std::optional<SysSeconds> next = NextFire(*input.cron, *input.zone, latest);
      if (!next || *next > now) break;
      latest = *next;
    }
    step.fire = FromSys(latest);
    const bool too_late =
        input.starting_deadline_seconds &&
        now - latest > std::chrono::seconds(*input.starting_deadline_seconds);
    step.kind = too_late ? ScheduleStep::Kind::kSkipMissed : ScheduleStep::Kind::kRestart;
    return step;
  }

  step.fire = FromSys(*first);
  step.next_at = step.fire;
  std::vector<size_t> due;
  for (size_t i = 0; i < input.warnings.size(); ++i) {
    const ScheduleWarning& warning = input.warnings[i];
    const Timestamp at = step.fire - std::chrono::seconds(warning.before_seconds);
    if (input.warned.contains(warning.before_seconds)) continue;
    if (at <= input.now) {
      due.push_back(i);
    } else {
      step.next_at = std::min(step.next_at, at);
    }
  }
  std::stable_sort(due.begin(), due.end(), [&](size_t a, size_t b) {
    return input.warnings[a].before_seconds > input.warnings[b].before_seconds;
  });
  step.warnings = std::move(due);
  step.kind = step.warnings.empty() ? ScheduleStep::Kind::kWait : ScheduleStep::Kind::kWarn;
  return step;
}

}  // namespace rtm
