// The `spec` of a GameRuntime as the REST API renders it (docs/contract.md
// §2, §6): the manifest's fields under their camelCase names.
#pragma once

#include <nlohmann/json.hpp>

#include "reconcile/domain/game_spec.h"

namespace rtm::api {

// {image, command [..], env {..}, state (Running|Stopped), restartGeneration,
//  ports [{containerPort, hostPort, protocol, hostIP}],
//  healthCheck? {command, intervalSeconds, timeoutSeconds, retries},
//  stopTimeoutSeconds, resources {memoryMiB?, cpus?}, nodeName?,
//  nodeSelector? {..}}
// Every field is present (`command: []`, `env: {}`, `ports: []`,
// `resources: {}` when empty) except the optional ones marked `?`, which
// are left out when unset (nodeName and nodeSelector: when empty).
nlohmann::json RenderGameSpec(const GameSpec& spec);

}  // namespace rtm::api
