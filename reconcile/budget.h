// The admission of a voluntary disruption under a DisruptionBudget
// (docs/contract.md §5 "Disruption budgets"), as a pure decision over the
// budget's members: a restart or update of a game the budget selects may
// begin only while fewer than maxUnavailable of its games are unavailable.
// The reconciler asks it through BudgetGate (reconcile/budget_gate.h),
// which gathers the members and holds the admitted disruptions.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "reconcile/decide.h"
#include "reconcile/domain/budget_terms.h"
#include "reconcile/domain/time.h"

namespace rtm {

// The actions a budget limits: a restart or an update (a recreate). A
// desired stop or removal is not held back (as Kubernetes' scale-down is
// not held back by a PodDisruptionBudget); neither is anything that makes
// a game available (start, self-heal).
bool IsBudgetedDisruption(ActionKind kind);

// One game a budget selects, as its stored status shows it.
struct BudgetMember {
  std::string name;
  bool ready = false;        // status Ready=True
  Timestamp ready_since{};   // Ready's lastTransitionTime when ready
};

struct BudgetAdmissionInput {
  BudgetTerms terms;
  std::string game;  // the game to disrupt
  // Every game the budget selects whose desired state is running, `game`
  // included.
  std::vector<BudgetMember> members;
  // Disruptions admitted (in this process) and not finished yet.
  std::set<std::string, std::less<>> admitted;
  Timestamp now{};
};

struct BudgetAdmission {
  bool admitted = false;
  // Admitted because `game` itself was not Ready or admitted already.
  bool exempt = false;
  // The unavailable members other than `game`, and how many may be.
  int64_t others_unavailable = 0;
  int64_t allowed = 0;
  // Not admitted: what status (after the action's name) and `rtmanager
  // plan` say, e.g. "waits for disruption budget fleet: 3 of 20 games
  // unavailable (maxUnavailable 3)".
  std::string wait;
  // Not admitted: the earliest instant a member's minReadySeconds ends,
  // when a disruption may be admitted without any other change.
  std::optional<Timestamp> next_available_at;
};

// A member is unavailable when it is not Ready, Ready for less than
// minReadySeconds, or admitted. The disruption is admitted when `game`
// itself is not Ready or admitted (disrupting it takes nothing more away;
// a game Ready for less than minReadySeconds serves, so it is not exempt),
// or when the unavailable members other than it number fewer than
// maxUnavailable of all members (a percentage rounded up). A `game` that `members` does
// not list (no status stored yet) is not Ready, so it is admitted.
BudgetAdmission AdmitDisruption(const BudgetAdmissionInput& input);

}  // namespace rtm
