#include "controller/api/representation/plan_representation.h"

#include <string>
#include <utility>

namespace rtm::api {

nlohmann::json RenderPlan(const std::vector<PlanItem>& items) {
  nlohmann::json rendered = nlohmann::json::array();
  for (const PlanItem& item : items) {
    nlohmann::json actions = nlohmann::json::array();
    for (const Action& action : item.plan.actions) {
      nlohmann::json entry{{"action", std::string(ToString(action.kind))},
                           {"reason", action.reason}};
      if (!action.container_id.empty()) entry["containerId"] = action.container_id;
      actions.push_back(std::move(entry));
    }
    rendered.push_back({{"name", item.name}, {"actions", std::move(actions)}});
  }
  return {{"items", std::move(rendered)}};
}

}  // namespace rtm::api
