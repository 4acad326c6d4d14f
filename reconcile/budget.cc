#include "reconcile/budget.h"

#include <algorithm>

namespace rtm {

bool IsBudgetedDisruption(ActionKind kind) {
  return kind == ActionKind::kRestart || kind == ActionKind::kUpdate;
}

BudgetAdmission AdmitDisruption(const BudgetAdmissionInput& input) {
  const Duration min_ready = std::chrono::seconds(input.terms.min_ready_seconds);
  std::optional<Timestamp> next_available_at;
  auto unavailable = [&](const BudgetMember& member) {
    if (input.admitted.contains(member.name)) return true;
    if (!member.ready) return true;
    if (input.now - member.ready_since < min_ready) {
      const Timestamp at = member.ready_since + min_ready;
      next_available_at =
          next_available_at ? std::min(*next_available_at, at) : at;
      return true;
    }
    return false;
  };

  bool listed = false;
  int64_t others_unavailable = 0;
  for (const BudgetMember& member : input.members) {
    if (member.name == input.game) {
      // Down already, or holding its place: disrupting it takes nothing
      // more away. (Ready within minReadySeconds is not down: it serves.)
      listed = true;
      if (!member.ready || input.admitted.contains(member.name)) {
        return {.admitted = true, .exempt = true};
      }
    } else if (unavailable(member)) {
      ++others_unavailable;
    }
  }
  if (!listed) return {.admitted = true, .exempt = true};
  const size_t members = input.members.size();
  const int64_t allowed = input.terms.max_unavailable.AllowedOf(members);
  if (others_unavailable < allowed) {
    return {.admitted = true, .others_unavailable = others_unavailable, .allowed = allowed};
  }

  BudgetAdmission held;
  held.others_unavailable = others_unavailable;
  held.allowed = allowed;
  held.wait = "waits for disruption budget " + input.terms.name + ": ";
  if (allowed == 0) {
    held.wait += "maxUnavailable " + input.terms.max_unavailable.ToString() +
                 " of " + std::to_string(members) +
                 " games allows no voluntary disruption";
  } else {
    held.wait += std::to_string(others_unavailable) + " of " +
                 std::to_string(members) + " games unavailable (maxUnavailable " +
                 input.terms.max_unavailable.ToString() + ")";
  }
  held.next_available_at = next_available_at;
  return held;
}

}  // namespace rtm
