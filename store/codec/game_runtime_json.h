// JSON forms of the GameRuntime object (docs/contract.md §2, §5, §6): the desired
// state the controller stores and the status it reports, in the store's
// format (the REST API renders its own: controller/api/representation/).
// Field names are camelCase; timestamps are RFC 3339 UTC with milliseconds;
// enums are written by their wire names (Phase "Running", condition status
// "True", op source "rest", error code "not_found"). Optional values
// (status.lastRestart, status.lastError) are left out when unset and read
// back as unset when absent or null. Decoding never throws: a field that is
// missing, mistyped or out of range is kInternal naming the field path
// (e.g. "metadata.source.line", "conditions[2].status"); unknown fields are
// ignored, so that an older binary reads newer values.
#pragma once

#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

#include "reconcile/domain/error.h"
#include "reconcile/domain/game_runtime.h"

namespace rtm {

inline constexpr std::string_view kGameRuntimeApiVersion =
    "rtmanager.galaxy/v1";
inline constexpr std::string_view kGameRuntimeKind = "GameRuntime";

// {apiVersion, kind,
//  metadata {name, labels, generation,
//            source {path, documentIndex, line},
//            apiRestartCount, restartSource (manifest|rest|reconciler),
//            restartSourceRef, deleted, manifestError ("" when valid)},
//  spec (game_spec_json.h)}
// apiVersion and kind are written for the API's sake and not checked when
// reading.
nlohmann::json ToJson(const DesiredRuntime& runtime);
Expected<DesiredRuntime> DesiredRuntimeFromJson(const nlohmann::json& json);

// {phase (Pending|Running|Stopped|Failed|Removed), observedGeneration,
//  observedRestartGeneration,
//  lastRestart? {restartGeneration, outcome, errorCode ("" when none),
//                containerId, sourceRef, finishedAt},
//  containerId, imageRef, hostname, health, restartCount,
//  lastError? {code, message, at},
//  conditions [{type, status (True|False|Unknown), reason, message,
//               lastTransitionTime}]}
nlohmann::json ToJson(const RuntimeStatusView& status);
Expected<RuntimeStatusView> RuntimeStatusViewFromJson(
    const nlohmann::json& json);

// The inverses of ToString(Phase) / ToString(ConditionStatus); nullopt for
// an unknown name.
std::optional<Phase> ParsePhase(std::string_view name);
std::optional<ConditionStatus> ParseConditionStatus(std::string_view name);

}  // namespace rtm
