// The `status` of a GameRuntime as the REST API renders it (docs/contract.md
// §5, §6): what the controller last observed and did.
#pragma once

#include <nlohmann/json.hpp>

#include "reconcile/domain/game_runtime.h"

namespace rtm::api {

// {phase (Pending|Running|Stopped|Failed|Removed), observedGeneration,
//  observedRestartGeneration,
//  lastRestart? {restartGeneration, outcome (success|failure),
//                errorCode ("" when none), containerId, sourceRef,
//                finishedAt},
//  containerId, imageRef, hostname, health, restartCount,
//  lastError? {code, message, at},
//  drainWait? {action, since, deadline, lastProbeAt, lastProbe},
//  lastTermination? {containerId, exitCode, reason (Completed|Error|
//                    OOMKilled|Killed), startedAt, finishedAt},
//  conditions [{type, status (True|False|Unknown), reason, message,
//               lastTransitionTime}]}
// Instants are RFC 3339 UTC with milliseconds; codes are the stable wire
// names ("image_not_found"). lastRestart, lastError, drainWait (a
// disruption held back by spec.drain) and lastTermination (how the newest
// ended container ended) are left out when unset. The controller's bookkeeping (the self-heal backoff, the store
// revision) is not part of the API.
nlohmann::json RenderRuntimeStatus(const RuntimeStatusView& status);

}  // namespace rtm::api
