#include "controller/api/kube/kube_watch_event.h"

#include "controller/api/kube/kube_representation.h"
#include "controller/api/kube/kube_table.h"
#include "controller/api/representation/representation_support.h"

namespace rtm::kube {
namespace {

std::string Event(std::string_view type, const nlohmann::json& object) {
  return "{\"type\":\"" + std::string(type) + "\",\"object\":" + api::JsonText(object) +
         "}";
}

nlohmann::json OneRowTable(const DesiredRuntime& desired, const RuntimeStatusView* status,
                           bool column_definitions, Timestamp now) {
  return RenderTable({{&desired, status}}, ResourceVersionOf(desired, status),
                     {.column_definitions = column_definitions, .now = now});
}

}  // namespace

std::string RenderWatchEvent(const RuntimeChange& change) {
  return Event(ToString(change.type), RenderObject(*change.desired, change.status.get()));
}

std::string RenderTableWatchEvent(const RuntimeChange& change, bool column_definitions,
                                  Timestamp now) {
  return Event(ToString(change.type), OneRowTable(*change.desired, change.status.get(),
                                                  column_definitions, now));
}

std::string RenderAddedEvent(const DesiredRuntime& desired,
                             const RuntimeStatusView* status) {
  return Event("ADDED", RenderObject(desired, status));
}

std::string RenderAddedTableEvent(const DesiredRuntime& desired,
                                  const RuntimeStatusView* status,
                                  bool column_definitions, Timestamp now) {
  return Event("ADDED", OneRowTable(desired, status, column_definitions, now));
}

std::string RenderBookmarkEvent(uint64_t revision) {
  return Event("BOOKMARK", {{"kind", kKind},
                            {"apiVersion", kGroupVersion},
                            {"metadata", {{"resourceVersion", std::to_string(revision)}}}});
}

std::string RenderExpiredEvent(uint64_t since) {
  return Event("ERROR",
               RenderStatus(410, "Expired",
                            "too old resource version: " + std::to_string(since) +
                                " is outside the retained history; list again"));
}

}  // namespace rtm::kube
