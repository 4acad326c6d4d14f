// The pure decision of the reconcile loop (docs/contract.md §5): desired × record ×
// observed containers → the actions that converge them, each with the
// reason a user sees in `rtmanager plan`. No I/O; the same input always
// gives the same plan, and applying a plan then deciding again gives an
// empty one.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "reconcile/domain/game_runtime.h"
#include "reconcile/domain/runtime_record.h"
#include "reconcile/ports/container_engine.h"

namespace rtm {

enum class ActionKind {
  kAdopt,            // write a record for our container found without one
  kStart,            // create+start, or start in place (desired change)
  kSelfHeal,         // start again a container that died (opSource reconciler)
  kRestart,          // recreate: only the restart generation moved
  kUpdate,           // recreate: a recreate-relevant spec field changed
  kStop,             // desired Stopped
  kRemove,           // desired object gone
  kRemoveContainer,  // an extra container of the game (never two live ones)
};

std::string_view ToString(ActionKind kind);

struct Action {
  ActionKind kind = ActionKind::kStart;
  std::string container_id;  // kAdopt / kRemoveContainer: which container
  std::string reason;        // e.g. "spec fields differ: image, env"

  friend bool operator==(const Action&, const Action&) = default;
};

struct DecisionInput {
  std::string name;
  // Absent when no desired object exists for the game: then nothing is
  // touched (only a deletion, a tombstone, removes a runtime).
  std::optional<DesiredRuntime> desired;
  std::optional<RuntimeRecord> record;
  // The engine's containers labelled io.rtmanager.game=<name>.
  std::vector<ContainerState> containers;
};

struct Plan {
  std::vector<Action> actions;  // in execution order

  bool converged() const { return actions.empty(); }
};

// The plan of one named game (what `rtmanager plan` lists).
struct PlanItem {
  std::string name;
  Plan plan;
};

Plan Decide(const DecisionInput& input);

// The container that implements the game now: the record's container when
// the engine still has it, else a running one, else the first. nullptr when
// there is none.
const ContainerState* SelectKeeper(const DecisionInput& input);

// Names of the recreate-relevant spec fields that differ ("image",
// "command", "env", "ports", "healthCheck", "stopTimeoutSeconds",
// "stopSignal", "resources", "volumes"), in that order. state, restartGeneration and the placement
// (nodeName, nodeSelector) are not among them.
std::vector<std::string> DifferingSpecFields(const GameSpec& from,
                                             const GameSpec& to);

}  // namespace rtm
