#include "reconcile/self_heal.h"

#include <algorithm>

namespace rtm {

SelfHealVerdict DecideSelfHeal(const std::optional<SelfHealBackoff>& stored,
                               Timestamp now, const SelfHealPolicy& policy) {
  SelfHealBackoff backoff = stored.value_or(SelfHealBackoff{});
  if (stored && now < backoff.not_before) {
    return {backoff.not_before, backoff};
  }
  if (!stored || now - backoff.last_heal_at >= policy.healthy_reset) {
    backoff.consecutive = 0;
  }
  backoff.last_heal_at = now;
  Duration delay = policy.base;
  for (int64_t i = 0; i < backoff.consecutive && delay < policy.cap; ++i) {
    delay *= 2;
  }
  backoff.not_before = now + std::min(delay, policy.cap);
  ++backoff.consecutive;
  return {std::nullopt, backoff};
}

bool GivesUp(const std::optional<SelfHealBackoff>& stored, Timestamp now,
             const SelfHealPolicy& policy, std::optional<int> max) {
  if (!max || !stored) return false;
  if (now - stored->last_heal_at >= policy.healthy_reset) return false;
  return stored->consecutive >= *max;
}

}  // namespace rtm
