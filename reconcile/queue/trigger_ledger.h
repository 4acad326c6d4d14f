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
    // When the newest container event arrived, on the controller's clock
    // (never the engine's stamp), when !forced.
    Timestamp newest_event{};
  };

  // Records a trigger that always reconciles (call before WorkQueue::Add).
  void MarkForced(std::string_view key);
  // Records a container event that arrived at `at` (the controller's
  // clock; call before WorkQueue::Add). Does not weaken a pending forced
  // trigger.
  void MarkEvent(std::string_view key, Timestamp at);

  // Removes and returns the triggers recorded for key since the last Take
  // (call when a worker takes key from the queue, before reconciling).
  Trigger Take(std::string_view key);

  // True unless `trigger` holds only events that arrived strictly before
  // `converged_observation` — the instant the newest observation of a
  // reconcile that ended converged began. Both instants are read from the
  // controller's clock: an event arrives after the change it reports, so
  // one that arrived before the observation began reports a change the
  // observation saw. No engine timestamp is compared (the engine's clock
  // may be off: docs/reliability.md "Clock independence").
  static bool NeedsReconcile(const Trigger& trigger,
                             std::optional<Timestamp> converged_observation);

 private:
  std::mutex mutex_;
  std::map<std::string, Trigger, std::less<>> pending_;
};

}  // namespace rtm
