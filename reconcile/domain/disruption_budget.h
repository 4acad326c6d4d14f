// A DisruptionBudget document (docs/contract.md §2 "Disruption budgets"):
// how many of the games it selects may be voluntarily disrupted (restarted
// or updated) at the same time.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "reconcile/domain/budget_terms.h"
#include "reconcile/domain/game_runtime.h"

namespace rtm {

// "3" → {3}, "10%" → {10, percent}; nullopt for anything else (a negative
// count, a percentage above 100, text after the number).
std::optional<MaxUnavailable> ParseMaxUnavailable(std::string_view text);

// One DisruptionBudget document as declared.
struct DisruptionBudget {
  std::string name;  // metadata.name, a DNS label
  // spec.selector.matchLabels: a game is selected when its metadata.labels
  // hold every one of these; never empty.
  std::map<std::string, std::string> match_labels;
  MaxUnavailable max_unavailable;
  // A game counts as available only once Ready for this long.
  int min_ready_seconds = 0;
  ManifestSource source;

  bool Selects(const std::map<std::string, std::string>& labels) const;

  friend bool operator==(const DisruptionBudget&,
                         const DisruptionBudget&) = default;
};

BudgetTerms TermsOf(const DisruptionBudget& budget);

}  // namespace rtm
