// GameRuntime as a Kubernetes resource (docs/kubernetes-api.md): the shapes
// kubectl and the informers of client-go and @kubernetes/client-node read.
// Rendered from the same domain snapshots as the native /v1 API, by its own
// layer: the two wire shapes evolve apart.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "reconcile/domain/error.h"
#include "reconcile/domain/game_runtime.h"
#include "reconcile/domain/time.h"

namespace rtm::kube {

inline constexpr std::string_view kGroup = "rtmanager.galaxy";
inline constexpr std::string_view kVersion = "v1";
inline constexpr std::string_view kGroupVersion = "rtmanager.galaxy/v1";
inline constexpr std::string_view kResource = "gameruntimes";
inline constexpr std::string_view kSingular = "gameruntime";
inline constexpr std::string_view kShortName = "gr";
inline constexpr std::string_view kKind = "GameRuntime";
inline constexpr std::string_view kListKind = "GameRuntimeList";
// The annotation that holds where the object was declared ("path:line").
inline constexpr std::string_view kSourceAnnotation = "rtmanager.galaxy/source";

// The object's resourceVersion: the newer store revision of its two halves
// (desired object, status), so that any write of either changes it.
uint64_t ResourceVersionOf(const DesiredRuntime& desired,
                           const RuntimeStatusView* status);

// A stable uid of the object's incarnation: derived from its name and
// creationTimestamp, "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx".
std::string UidOf(const DesiredRuntime& desired);

// {apiVersion "rtmanager.galaxy/v1", kind "GameRuntime",
//  metadata {name, uid, generation, resourceVersion (a decimal string),
//            creationTimestamp (null when unknown), labels?,
//            annotations {"rtmanager.galaxy/source": "<path>:<line>"}},
//  spec (as the native API), status (as the native API, each condition
//  also carrying observedGeneration = status.observedGeneration, so that
//  kubectl wait accepts it)}. `status` null: not reconciled yet.
nlohmann::json RenderObject(const DesiredRuntime& desired,
                            const RuntimeStatusView* status);

// {apiVersion, kind "GameRuntimeList", metadata {resourceVersion}, items}.
nlohmann::json RenderList(nlohmann::json items, uint64_t resource_version);

// A Kubernetes Status: {kind "Status", apiVersion "v1", metadata {},
// status "Failure", message, reason, code, details? {name, group, kind}}.
// `name` empty: no details.
nlohmann::json RenderStatus(int code, std::string_view reason,
                            std::string_view message,
                            std::string_view name = "");

// 422 Invalid for `name`, with one cause {reason FieldValueForbidden,
// field, message}: kubectl prints "The gameruntimes "NAME" is invalid:
// FIELD: MESSAGE".
nlohmann::json RenderInvalidStatus(std::string_view name, std::string_view field,
                                   std::string_view message);

// The HTTP status and Status reason of a business error
// (kNotFound → 404 NotFound, kConflict → 409 Conflict, kInvalidRequest →
// 400 BadRequest, kServiceUnavailable → 503 ServiceUnavailable, the rest →
// 500 InternalError; kImageNotFound → 404 NotFound).
struct StatusReason {
  int code;
  std::string_view reason;
};
StatusReason StatusReasonOf(ErrorCode code);

// Discovery: GET /apis (APIGroupList), GET /apis/rtmanager.galaxy
// (APIGroup), GET /apis/rtmanager.galaxy/v1 (APIResourceList: gameruntimes,
// cluster-scoped, short name gr, verbs get/list/watch/patch), GET /version.
nlohmann::json RenderApiGroupList();
nlohmann::json RenderApiGroup();
nlohmann::json RenderApiResourceList();
nlohmann::json RenderVersion();

}  // namespace rtm::kube
