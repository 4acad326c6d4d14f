// The `spec` of a GameRuntime as the REST API renders it (docs/contract.md
// §2, §6): the manifest's fields under their camelCase names.
#pragma once

#include <nlohmann/json.hpp>

#include "reconcile/domain/game_spec.h"

namespace rtm::api {

// {image, command [..], env {..}, state (Running|Stopped), restartGeneration,
//  ports [{containerPort, hostPort, protocol, hostIP}],
//  healthCheck? {command, intervalSeconds, timeoutSeconds, retries},
//  stopTimeoutSeconds, resources {memoryMiB?, cpus?},
//  volumes? [{name, mountPath, readOnly, hostPath?}],
//  volumeReclaimPolicy? (Retain|Delete), maxConsecutiveFailures?, nodeName?,
//  nodeSelector? {..}, stopSignal?, preStop? {command, timeoutSeconds},
//  drain? {command, periodSeconds, maxWaitSeconds, timeoutSeconds}}
// Every field is present (`command: []`, `env: {}`, `ports: []`,
// `resources: {}` when empty) except the optional ones marked `?`, which
// are left out when unset (nodeName, nodeSelector and volumes: when empty;
// volumeReclaimPolicy comes with volumes).
nlohmann::json RenderGameSpec(const GameSpec& spec);

}  // namespace rtm::api
