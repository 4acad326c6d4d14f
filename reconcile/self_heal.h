// The self-heal backoff (docs/contract.md §5 "restart storms are bounded"),
// as a pure function of the backoff stored in the game's status.
#pragma once

#include <optional>

#include "reconcile/domain/game_runtime.h"
#include "reconcile/domain/time.h"

namespace rtm {

struct SelfHealPolicy {
  Duration base = std::chrono::seconds(1);
  Duration cap = std::chrono::minutes(5);
  // A death this long or longer after the last self-heal (the healed
  // container ran that long) starts the doubling again from `base`.
  Duration healthy_reset = std::chrono::minutes(10);
};

struct SelfHealVerdict {
  // Set: no self-heal before then (the backoff is unchanged).
  std::optional<Timestamp> blocked_until;
  // The backoff to store: advanced when the self-heal may run now.
  SelfHealBackoff backoff;
};

// Whether a self-heal may run at `now` given the stored backoff (nullopt:
// none ran yet). When it may, the next one waits base * 2^k (k the
// self-heals since the last healthy stretch), at most `cap`.
SelfHealVerdict DecideSelfHeal(const std::optional<SelfHealBackoff>& stored,
                               Timestamp now, const SelfHealPolicy& policy);

// Whether a container that died again is given up instead of healed:
// `max` self-heals already ran without a healthy stretch in between
// (policy.healthy_reset). Unset `max`: never.
bool GivesUp(const std::optional<SelfHealBackoff>& stored, Timestamp now,
             const SelfHealPolicy& policy, std::optional<int> max);

}  // namespace rtm
