#include "reconcile/drain.h"

#include <algorithm>

namespace rtm {

bool IsVoluntaryDisruption(ActionKind kind) {
  return kind == ActionKind::kRestart || kind == ActionKind::kUpdate ||
         kind == ActionKind::kStop || kind == ActionKind::kRemove;
}

namespace {

DrainDecision Proceed(DrainOutcome outcome, Duration waited) {
  DrainDecision decision;
  decision.step = DrainDecision::Step::kProceed;
  decision.record = DrainRecord{outcome, std::max(waited, Duration::zero())};
  return decision;
}

DrainDecision Wait(DrainWait waiting, Timestamp recheck_at) {
  DrainDecision decision;
  decision.step = DrainDecision::Step::kWait;
  decision.recheck_at = std::min(recheck_at, waiting.deadline);
  decision.waiting = std::move(waiting);
  return decision;
}

Duration Seconds(int seconds) { return std::chrono::seconds(seconds); }

}  // namespace

DrainDecision DecideBeforeProbe(const DrainGateInput& input) {
  const std::optional<DrainWait>& waiting = input.waiting;
  const Duration waited =
      waiting ? input.now - waiting->since : Duration::zero();
  if (input.skip_requested) return Proceed(DrainOutcome::kForced, waited);
  if (!waiting) return DrainDecision{};  // kProbe
  if (input.now >= waiting->deadline) {
    return Proceed(DrainOutcome::kDeadline, waited);
  }
  const Timestamp next_probe =
      waiting->last_probe_at + Seconds(input.policy.period_seconds);
  if (input.now < next_probe) {
    DrainWait kept = *waiting;
    kept.action = input.action;
    return Wait(std::move(kept), next_probe);
  }
  return DrainDecision{};  // kProbe
}

DrainDecision DecideAfterProbe(const DrainGateInput& input,
                               const DrainProbe& probe) {
  DrainWait waiting = input.waiting.value_or(DrainWait{
      .since = probe.at,
      .deadline = probe.at + Seconds(input.policy.max_wait_seconds),
  });
  const Duration waited = probe.at - waiting.since;
  if (probe.empty) return Proceed(DrainOutcome::kDrained, waited);
  if (probe.at >= waiting.deadline) {
    return Proceed(DrainOutcome::kDeadline, waited);
  }
  waiting.action = input.action;
  waiting.last_probe_at = probe.at;
  waiting.last_probe = probe.summary;
  return Wait(std::move(waiting),
              probe.at + Seconds(input.policy.period_seconds));
}

std::string DescribeDrainWait(const DrainWait& waiting, Timestamp now) {
  std::string text = "waits for drain: busy for " +
                     FormatDuration(now - waiting.since);
  if (!waiting.last_probe.empty()) text += " (" + waiting.last_probe + ")";
  text += ", forced in " +
          FormatDuration(std::max(waiting.deadline - now, Duration::zero()));
  return text;
}

}  // namespace rtm
