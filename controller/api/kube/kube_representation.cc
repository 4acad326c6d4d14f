#include "controller/api/kube/kube_representation.h"

#include <algorithm>
#include <cstdio>
#include <utility>

#include "controller/api/representation/game_spec_representation.h"
#include "controller/api/representation/representation_support.h"
#include "controller/api/representation/runtime_status_representation.h"

namespace rtm::kube {
namespace {

using nlohmann::json;

uint64_t Fnv1a(std::string_view bytes, uint64_t seed) {
  uint64_t hash = seed;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return hash;
}

json GroupVersionFor() {
  return {{"groupVersion", kGroupVersion}, {"version", kVersion}};
}

}  // namespace

uint64_t ResourceVersionOf(const DesiredRuntime& desired,
                           const RuntimeStatusView* status) {
  return std::max(desired.revision, status ? status->revision : 0);
}

std::string UidOf(const DesiredRuntime& desired) {
  const std::string key =
      desired.name + '\0' +
      std::to_string(desired.created_at.time_since_epoch().count());
  const uint64_t high = Fnv1a(key, 14695981039346656037ULL);
  const uint64_t low = Fnv1a(key, 1469598103934665603ULL ^ high);
  char text[37];
  std::snprintf(text, sizeof(text), "%08x-%04x-%04x-%04x-%012llx",
                static_cast<unsigned>(high >> 32),
                static_cast<unsigned>((high >> 16) & 0xffff),
                static_cast<unsigned>(high & 0xffff),
                static_cast<unsigned>(low >> 48),
                static_cast<unsigned long long>(low & 0xffffffffffffULL));
  return text;
}

json RenderObject(const DesiredRuntime& desired, const RuntimeStatusView* status) {
  json metadata{
      {"name", desired.name},
      {"uid", UidOf(desired)},
      {"generation", desired.generation},
      {"resourceVersion", std::to_string(ResourceVersionOf(desired, status))},
      {"creationTimestamp", desired.created_at == Timestamp{}
                                ? json(nullptr)
                                : json(api::TimeText(desired.created_at))},
      {"annotations",
       {{kSourceAnnotation,
         desired.source.path + ":" + std::to_string(desired.source.line)}}},
  };
  if (!desired.labels.empty()) metadata["labels"] = desired.labels;
  json rendered_status =
      api::RenderRuntimeStatus(status ? *status : RuntimeStatusView{});
  const int64_t observed = status ? status->observed_generation : 0;
  for (json& condition : rendered_status["conditions"]) {
    condition["observedGeneration"] = observed;
  }
  return {
      {"apiVersion", kGroupVersion},
      {"kind", kKind},
      {"metadata", std::move(metadata)},
      {"spec", api::RenderGameSpec(desired.spec)},
      {"status", std::move(rendered_status)},
  };
}

json RenderList(json items, uint64_t resource_version) {
  return {{"apiVersion", kGroupVersion},
          {"kind", kListKind},
          {"metadata", {{"resourceVersion", std::to_string(resource_version)}}},
          {"items", std::move(items)}};
}

json RenderStatus(int code, std::string_view reason, std::string_view message,
                  std::string_view name) {
  json status{{"kind", "Status"},
              {"apiVersion", "v1"},
              {"metadata", json::object()},
              {"status", "Failure"},
              {"message", message},
              {"reason", reason},
              {"code", code}};
  if (!name.empty()) {
    status["details"] = {{"name", name}, {"group", kGroup}, {"kind", kResource}};
  }
  return status;
}

json RenderInvalidStatus(std::string_view name, std::string_view field,
                         std::string_view message) {
  json status = RenderStatus(
      422, "Invalid",
      std::string(kResource) + "." + std::string(kGroup) + " \"" + std::string(name) +
          "\" is invalid: " + (field.empty() ? "" : std::string(field) + ": ") +
          std::string(message),
      name);
  status["details"]["causes"] = json::array(
      {{{"reason", "FieldValueForbidden"}, {"message", message}, {"field", field}}});
  return status;
}

StatusReason StatusReasonOf(ErrorCode code) {
  switch (code) {
    case ErrorCode::kNotFound:
    case ErrorCode::kImageNotFound:
      return {404, "NotFound"};
    case ErrorCode::kConflict:
      return {409, "Conflict"};
    case ErrorCode::kInvalidRequest:
      return {400, "BadRequest"};
    case ErrorCode::kServiceUnavailable:
      return {503, "ServiceUnavailable"};
    default:
      return {500, "InternalError"};
  }
}

json RenderApiGroupList() {
  return {{"kind", "APIGroupList"},
          {"apiVersion", "v1"},
          {"groups", json::array({RenderApiGroup()})}};
}

json RenderApiGroup() {
  return {{"kind", "APIGroup"},
          {"apiVersion", "v1"},
          {"name", kGroup},
          {"versions", json::array({GroupVersionFor()})},
          {"preferredVersion", GroupVersionFor()}};
}

json RenderApiResourceList() {
  return {{"kind", "APIResourceList"},
          {"apiVersion", "v1"},
          {"groupVersion", kGroupVersion},
          {"resources",
           json::array({{{"name", kResource},
                         {"singularName", kSingular},
                         {"namespaced", false},
                         {"kind", kKind},
                         {"verbs", {"get", "list", "watch", "patch"}},
                         {"shortNames", {kShortName}},
                         {"categories", {"all"}}}})}};
}

json RenderVersion() {
  // The Kubernetes API level whose semantics this surface follows (the
  // kubectl 1.20 that Debian ships is its oldest tested client).
  return {{"major", "1"},
          {"minor", "20"},
          {"gitVersion", "v1.20.0-rtmanager"},
          {"platform", "linux/amd64"}};
}

}  // namespace rtm::kube
