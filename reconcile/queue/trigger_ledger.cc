#include "reconcile/queue/trigger_ledger.h"

#include <algorithm>

namespace rtm {

void TriggerLedger::MarkForced(std::string_view key) {
  std::lock_guard lock(mutex_);
  auto [entry, inserted] = pending_.try_emplace(std::string(key));
  entry->second.forced = true;
}

void TriggerLedger::MarkEvent(std::string_view key, Timestamp at) {
  std::lock_guard lock(mutex_);
  auto [entry, inserted] = pending_.try_emplace(std::string(key));
  Trigger& trigger = entry->second;
  if (inserted) {
    trigger = Trigger{.forced = false, .newest_event = at};
    return;
  }
  trigger.newest_event = std::max(trigger.newest_event, at);
}

TriggerLedger::Trigger TriggerLedger::Take(std::string_view key) {
  std::lock_guard lock(mutex_);
  auto found = pending_.find(key);
  if (found == pending_.end()) return Trigger{};
  Trigger trigger = found->second;
  pending_.erase(found);
  return trigger;
}

bool TriggerLedger::NeedsReconcile(
    const Trigger& trigger, std::optional<Timestamp> converged_observation) {
  if (trigger.forced || !converged_observation) return true;
  return trigger.newest_event >= *converged_observation;
}

}  // namespace rtm
