#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "reconcile/domain/time.h"

namespace rtm {

// Why a queued game is queued, for the informer-style staleness check: a
// game queued only by container events that its last converged reconcile
// had already observed needs no reconcile (its own restart's die, stop,
// destroy and start events, say). Anything else — a desired-state change, a
// resync, a retry, or one event newer than that observation — reconciles.
//
// A key with no entry counts as forced: queue-internal re-adds (retries,
// delayed requeues) never pass through the ledger, and a missing entry must
// never skip work.
//
// Thread-safe.
class TriggerLedger {
 public:
  struct Trigger {
    bool forced = true;
    // The newest container event's engine timestamp, when !forced.
    Timestamp newest_event{};
  };

  // Records a trigger that always reconciles (call before WorkQueue::Add).
  void MarkForced(std::string_view key);
  // Records a container event stamped `at` by the engine (call before
  // WorkQueue::Add). Does not weaken a pending forced trigger.
  void MarkEvent(std::string_view key, Timestamp at);

  // Removes and returns the triggers recorded for key since the last Take
  // (call when a worker takes key from the queue, before reconciling).
  Trigger Take(std::string_view key);

  // True unless `trigger` holds only events stamped strictly before
  // `converged_observation` — the instant the newest observation of a
  // reconcile that ended converged began. Engine and controller share the
  // host's wall clock; both are truncated to milliseconds, so a strict
  // comparison never skips an event newer than the observation.
  static bool NeedsReconcile(const Trigger& trigger,
                             std::optional<Timestamp> converged_observation);

 private:
  std::mutex mutex_;
  std::map<std::string, Trigger, std::less<>> pending_;
};

}  // namespace rtm
