// The operation log as core/v1 Events (docs/kubernetes-api.md): what
// `kubectl describe gr NAME` lists at its end, read from
// GET /api/v1/events?fieldSelector=involvedObject.name=NAME.
#pragma once

#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

#include "reconcile/domain/game_runtime.h"
#include "reconcile/domain/operation.h"

namespace rtm::kube {

// One Event per entry: metadata.name "<game>.<sequence>"; involvedObject
// the GameRuntime (with `object`'s uid); reason the op kind and outcome
// ("RestartSucceeded", "StartFailed"); type Normal, or Warning for a
// failure; message "<op kind> <outcome> (<source> <sourceRef>)", with
// "[<errorCode>] <errorMessage>" for a failure and the container id;
// firstTimestamp the entry's start, lastTimestamp its finish; count 1;
// source.component "rtmanager". {kind "EventList", apiVersion "v1",
// metadata {resourceVersion}, items}, in the entries' order.
nlohmann::json RenderEventList(const DesiredRuntime& object,
                               const std::vector<OperationEntry>& entries,
                               uint64_t resource_version);

}  // namespace rtm::kube
