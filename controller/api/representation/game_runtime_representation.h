// The GameRuntime object of the REST API (docs/contract.md §6): an item of
// GET /v1/runtimes, the answer of GET /v1/runtimes/{name} and the object of
// a watch event.
#pragma once

#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

#include "reconcile/domain/game_runtime.h"

namespace rtm::api {

inline constexpr std::string_view kGameRuntimeApiVersion =
    "rtmanager.galaxy/v1";
inline constexpr std::string_view kGameRuntimeKind = "GameRuntime";

// {apiVersion "rtmanager.galaxy/v1", kind "GameRuntime",
//  metadata {name, generation, labels?, source "<path>:<line>", deleted?},
//  spec (game_spec_representation.h),
//  status (runtime_status_representation.h)}
// labels are left out when empty, deleted unless true (a tombstone). A
// runtime without a status (not reconciled yet) has the default status:
// phase Pending, zero generations, health "none", no conditions. The
// controller's bookkeeping (the API restart counter, the restart source,
// the manifest error, the document index, the store revision) is not part
// of the object.
// `status` null: not reconciled yet.
nlohmann::json RenderGameRuntime(const DesiredRuntime& desired,
                                 const RuntimeStatusView* status);
inline nlohmann::json RenderGameRuntime(
    const DesiredRuntime& desired,
    const std::optional<RuntimeStatusView>& status) {
  return RenderGameRuntime(desired, status ? &*status : nullptr);
}

}  // namespace rtm::api
