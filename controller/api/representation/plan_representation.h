// What the controller would do now, as the REST API renders it
// (docs/contract.md §6): GET /v1/plan.
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "reconcile/decide.h"

namespace rtm::api {

// {"items": [{name, actions [{action, reason, containerId?}]}]}, one item
// per game in the given order, its actions in execution order. action is
// the action's wire name ("restart", "remove-container", ...); containerId
// (the container an adopt or remove-container acts on) is left out when
// empty. A converged game has `actions: []`.
nlohmann::json RenderPlan(const std::vector<PlanItem>& items);

}  // namespace rtm::api
