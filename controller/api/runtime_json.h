#pragma once

#include <optional>

#include <nlohmann/json.hpp>

#include "reconcile/domain/game_runtime.h"

namespace rtm {

// The GameRuntime object of the REST API (DESIGN §6): {apiVersion, kind,
// metadata{name, generation, labels, source}, spec, status}. A runtime not
// reconciled yet has status {phase: Pending}.
nlohmann::json GameRuntimeJson(const DesiredRuntime& desired,
                               const std::optional<RuntimeStatusView>& status);

// {"error": {"code": "<stable code>", "message": "..."}}
nlohmann::json ErrorJson(const Error& error);

// 400 / 404 / 409 / 503 / 500 for the stable codes.
int HttpStatusFor(ErrorCode code);

}  // namespace rtm
