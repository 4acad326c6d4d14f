// The drain gate of spec.drain (docs/contract.md §5 "drain before a voluntary
// disruption"), as pure decisions over the wait kept in the game's status:
// a restart, update, stop or removal of a running container waits until
// the game's drain probe says it is empty, or until its deadline, or until
// the operator asks to skip the wait. The reconciler runs the probe between
// the two decisions and requeues while the gate says wait: no worker
// blocks on a busy game.
#pragma once

#include <optional>
#include <string>

#include "reconcile/decide.h"
#include "reconcile/domain/game_runtime.h"
#include "reconcile/domain/game_spec.h"
#include "reconcile/domain/operation.h"
#include "reconcile/domain/time.h"

namespace rtm {

// The actions the gate holds back when the game's container runs: restart,
// update, stop and remove. Never a self-heal (the container is dead), a
// start, an adoption or the removal of a stray container.
bool IsVoluntaryDisruption(ActionKind kind);

// One run of spec.drain.command.
struct DrainProbe {
  Timestamp at{};
  bool empty = false;   // exit 0: nobody to disrupt
  std::string summary;  // "exit 1: 3 players online", "timed out after 5s"
};

struct DrainGateInput {
  DrainPolicy policy;
  std::string action;  // the held-back action: restart | update | stop | remove
  // The wait stored in the game's status by an earlier reconcile.
  std::optional<DrainWait> waiting;
  // The operator asked to skip the wait (DesiredRuntime::DrainSkipped of the
  // running container).
  bool skip_requested = false;
  Timestamp now{};
};

struct DrainDecision {
  enum class Step { kProceed, kProbe, kWait };
  Step step = Step::kProbe;
  // kProceed: how the disruption got past the gate (for its audit entry).
  std::optional<DrainRecord> record;
  // kWait: the wait to store in status, and when to look again (the next
  // probe or the deadline, whichever comes first).
  std::optional<DrainWait> waiting;
  Timestamp recheck_at{};
};

// Before probing: kProceed when the skip was requested (forced) or the
// stored deadline passed (deadline); kWait, with the stored wait, while the
// last probe is younger than periodSeconds; else kProbe.
DrainDecision DecideBeforeProbe(const DrainGateInput& input);

// After `probe`: kProceed when it found the game empty (drained) or its
// instant reached the deadline (deadline); else kWait with the wait (begun
// at the first busy probe, deadline maxWaitSeconds later) and a recheck
// periodSeconds after the probe, or at the deadline if sooner. The waited
// time of a record runs from the wait's beginning to the probe.
DrainDecision DecideAfterProbe(const DrainGateInput& input,
                               const DrainProbe& probe);

// "waits for drain: busy for 3m12s (exit 1: 3 players online), forced in
// 6m48s": what status (after the action's name) and `rtmanager plan` say of
// a wait, as of `now`.
std::string DescribeDrainWait(const DrainWait& waiting, Timestamp now);

}  // namespace rtm
