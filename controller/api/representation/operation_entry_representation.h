// Operation-log entries as the REST API renders them (docs/contract.md §4,
// §6): GET /v1/runtimes/{name}/operations.
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "reconcile/domain/operation.h"

namespace rtm::api {

// {sequence, gameId, opKind (start|stop|restart|update|remove),
//  opSource (manifest|rest|reconciler), sourceRef, imageRef, containerId,
//  outcome (success|failure), errorCode ("" when none), errorMessage,
//  startedAt, finishedAt,
//  preStop? {exitCode (null: none), timedOut, error, durationMs, output},
//  drain? {outcome (drained|deadline|forced), waitedMs}}
// Every field is present but preStop (a stop that ran spec.preStop) and
// drain (a disruption behind spec.drain); instants are RFC 3339 UTC with
// milliseconds.
nlohmann::json RenderOperationEntry(const OperationEntry& entry);

// {"items": [entry...]} in the given order (the API's: newest first).
nlohmann::json RenderOperations(const std::vector<OperationEntry>& entries);

}  // namespace rtm::api
