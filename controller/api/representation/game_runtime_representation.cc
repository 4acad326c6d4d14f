#include "controller/api/representation/game_runtime_representation.h"

#include <string>
#include <utility>

#include "controller/api/representation/game_spec_representation.h"
#include "controller/api/representation/runtime_status_representation.h"

namespace rtm::api {

nlohmann::json RenderGameRuntime(const DesiredRuntime& desired,
                                 const RuntimeStatusView* status) {
  nlohmann::json metadata{
      {"name", desired.name},
      {"generation", desired.generation},
      {"source",
       desired.source.path + ":" + std::to_string(desired.source.line)},
  };
  if (!desired.labels.empty()) metadata["labels"] = desired.labels;
  if (desired.deleted) metadata["deleted"] = true;
  if (desired.disruption_budget) {
    metadata["disruptionBudget"] = {
        {"name", desired.disruption_budget->name},
        {"maxUnavailable", desired.disruption_budget->max_unavailable.ToString()},
        {"minReadySeconds", desired.disruption_budget->min_ready_seconds}};
  }
  return {
      {"apiVersion", kGameRuntimeApiVersion},
      {"kind", kGameRuntimeKind},
      {"metadata", std::move(metadata)},
      {"spec", RenderGameSpec(desired.spec)},
      {"status", RenderRuntimeStatus(status ? *status : RuntimeStatusView{})},
  };
}

}  // namespace rtm::api
