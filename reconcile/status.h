// The status written after every reconcile (docs/contract.md §5), computed purely
// from what the reconcile saw and did.
#pragma once

#include <optional>
#include <string>

#include "reconcile/decide.h"
#include "reconcile/domain/game_runtime.h"
#include "reconcile/domain/runtime_record.h"
#include "reconcile/ports/container_engine.h"

namespace rtm {

struct StatusInput {
  std::optional<DesiredRuntime> desired;
  std::optional<RuntimeRecord> record;
  const ContainerState* keeper = nullptr;  // the game's container, if any
  bool converged = false;                  // the last decision was empty
  std::optional<Action> pending_action;    // the next action when not
  std::optional<Error> failure;            // this reconcile's failure
  std::optional<LastRestart> last_restart; // set when a restart just ran
  int64_t restart_count = 0;
  std::optional<SelfHealBackoff> self_heal;  // stored as is
  // A voluntary disruption held back by spec.drain (stored as is): the
  // phase stays Running and Progressing says WaitingForDrain.
  std::optional<DrainWait> drain_wait;
  // A restart or update held back by the game's disruption budget: "restart
  // waits for disruption budget fleet: ..."; the phase stays Running and
  // Progressing says WaitingForBudget.
  std::optional<std::string> budget_wait;
  // The newest ended container this reconcile saw (a crash, an OOM kill).
  std::optional<Termination> observed_termination;
  Timestamp now{};
  std::string node_name;  // cluster mode: this node (status.nodeName)
};

// Keeps `previous` fields that did not change (condition transition times,
// observedGeneration while not converged, lastRestart and lastError). Ready
// begins again (its transition time is now) when the container changed:
// a recreated game is Ready since its new container is.
RuntimeStatusView ComputeStatus(const StatusInput& input,
                                const RuntimeStatusView& previous);

// Whether `status` reports what a converged `input` shows: the container
// that is kept (none when none is) and the desired generation. A status
// that does not (the controller died between acting and writing it) needs
// a reconcile even though nothing is left to do in the engine.
bool StatusReportsConverged(const RuntimeStatusView& status,
                            const DecisionInput& input);

}  // namespace rtm
