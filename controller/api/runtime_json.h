#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "reconcile/domain/game_runtime.h"
#include "reconcile/domain/runtime_change.h"

namespace rtm {

// The GameRuntime object of the REST API (docs/contract.md §6): {apiVersion, kind,
// metadata{name, generation, labels, source}, spec, status}. A runtime not
// reconciled yet has status {phase: Pending}.
nlohmann::json GameRuntimeJson(const DesiredRuntime& desired,
                               const std::optional<RuntimeStatusView>& status);

// One line of the REST watch stream (without the newline):
// {"type": "ADDED|MODIFIED|DELETED", "revision": N, "object": GameRuntime}.
// `change` must hold a desired object.
std::string WatchEventJson(const RuntimeChange& change);

// {"error": {"code": "<stable code>", "message": "..."}}
nlohmann::json ErrorJson(const Error& error);

// 400 / 404 / 409 / 503 / 500 for the stable codes.
int HttpStatusFor(ErrorCode code);

}  // namespace rtm
