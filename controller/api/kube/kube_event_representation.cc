#include "controller/api/kube/kube_event_representation.h"

#include <string>

#include "controller/api/kube/kube_representation.h"
#include "controller/api/representation/representation_support.h"

namespace rtm::kube {
namespace {

using nlohmann::json;

std::string Capitalized(std::string_view text) {
  std::string out(text);
  if (!out.empty() && out[0] >= 'a' && out[0] <= 'z') out[0] = static_cast<char>(out[0] - 32);
  return out;
}

json RenderEvent(const DesiredRuntime& object, const OperationEntry& entry) {
  const bool failed = entry.outcome == Outcome::kFailure;
  std::string message = std::string(ToString(entry.op_kind)) + " " +
                        std::string(ToString(entry.outcome)) + " (" +
                        std::string(ToString(entry.op_source)) +
                        (entry.source_ref.empty() ? "" : " " + entry.source_ref) + ")";
  if (failed) {
    message += ": [" + std::string(api::ErrorCodeText(entry.error_code)) + "] " +
               entry.error_message;
  }
  if (!entry.container_id.empty()) {
    message += "; container " + entry.container_id.substr(0, 12);
  }
  return {
      {"apiVersion", "v1"},
      {"kind", "Event"},
      {"metadata",
       {{"name", object.name + "." + std::to_string(entry.sequence)},
        {"namespace", "default"},
        {"resourceVersion", std::to_string(entry.sequence)},
        {"creationTimestamp", api::TimeText(entry.finished_at)}}},
      {"involvedObject",
       {{"apiVersion", kGroupVersion},
        {"kind", kKind},
        {"name", object.name},
        {"uid", UidOf(object)}}},
      {"reason", Capitalized(ToString(entry.op_kind)) + (failed ? "Failed" : "Succeeded")},
      {"message", message},
      {"type", failed ? "Warning" : "Normal"},
      {"count", 1},
      {"firstTimestamp", api::TimeText(entry.started_at)},
      {"lastTimestamp", api::TimeText(entry.finished_at)},
      {"source", {{"component", "rtmanager"}}},
      {"reportingComponent", "rtmanager"},
  };
}

}  // namespace

json RenderEventList(const DesiredRuntime& object, const std::vector<OperationEntry>& entries,
                     uint64_t resource_version) {
  json items = json::array();
  for (const OperationEntry& entry : entries) items.push_back(RenderEvent(object, entry));
  return {{"kind", "EventList"},
          {"apiVersion", "v1"},
          {"metadata", {{"resourceVersion", std::to_string(resource_version)}}},
          {"items", std::move(items)}};
}

}  // namespace rtm::kube
