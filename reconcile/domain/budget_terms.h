// The terms of a DisruptionBudget (reconcile/domain/disruption_budget.h)
// that a game's desired object carries.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace rtm {

// spec.maxUnavailable: a count ("3") or a percentage of the selected games
// ("10%").
struct MaxUnavailable {
  int64_t value = 1;  // >= 0; <= 100 when a percentage
  bool percent = false;

  // "3" or "10%".
  std::string ToString() const;
  // How many of `members` selected games may be unavailable at once: the
  // count, or the percentage of `members` rounded up (as a Kubernetes
  // PodDisruptionBudget rounds its maxUnavailable).
  int64_t AllowedOf(size_t members) const;

  friend bool operator==(const MaxUnavailable&,
                         const MaxUnavailable&) = default;
};

// What a game's desired object carries of the budget that selects it: the
// manifest sync stamps it (reconcile/desired_sync.h), so that whoever
// reconciles the game, on any node, reads its budget with it.
struct BudgetTerms {
  std::string name;
  MaxUnavailable max_unavailable;
  int min_ready_seconds = 0;
  std::string source_path;  // the manifest file that declares the budget

  friend bool operator==(const BudgetTerms&, const BudgetTerms&) = default;
};

}  // namespace rtm
