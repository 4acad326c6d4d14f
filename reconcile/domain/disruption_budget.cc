#include "reconcile/domain/disruption_budget.h"

#include <charconv>

namespace rtm {

std::string MaxUnavailable::ToString() const {
  return std::to_string(value) + (percent ? "%" : "");
}

int64_t MaxUnavailable::AllowedOf(size_t members) const {
  if (!percent) return value;
  const auto count = static_cast<int64_t>(members);
  return (count * value + 99) / 100;
}

std::optional<MaxUnavailable> ParseMaxUnavailable(std::string_view text) {
  MaxUnavailable parsed;
  if (text.ends_with('%')) {
    parsed.percent = true;
    text.remove_suffix(1);
  }
  if (text.empty() || text.front() < '0' || text.front() > '9') {
    return std::nullopt;
  }
  auto [end, error] =
      std::from_chars(text.data(), text.data() + text.size(), parsed.value);
  if (error != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  if (parsed.percent && parsed.value > 100) return std::nullopt;
  return parsed;
}

bool DisruptionBudget::Selects(
    const std::map<std::string, std::string>& labels) const {
  for (const auto& [key, value] : match_labels) {
    auto found = labels.find(key);
    if (found == labels.end() || found->second != value) return false;
  }
  return !match_labels.empty();
}

BudgetTerms TermsOf(const DisruptionBudget& budget) {
  return BudgetTerms{.name = budget.name,
                     .max_unavailable = budget.max_unavailable,
                     .min_ready_seconds = budget.min_ready_seconds,
                     .source_path = budget.source.path};
}

}  // namespace rtm
