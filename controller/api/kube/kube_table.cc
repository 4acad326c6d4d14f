#include "controller/api/kube/kube_table.h"

#include <utility>

#include "controller/api/kube/kube_representation.h"
#include "controller/api/representation/representation_support.h"

namespace rtm::kube {
namespace {

using nlohmann::json;

json Column(std::string_view name, std::string_view type, std::string_view description,
            int priority) {
  return {{"name", name},
          {"type", type},
          {"format", name == "NAME" ? "name" : ""},
          {"description", description},
          {"priority", priority}};
}

json ColumnDefinitions() {
  return json::array({
      Column("NAME", "string", "The game's name, its container's hostname", 0),
      Column("PHASE", "string", "Pending, Running, Stopped, Failed, Removed or Unknown", 0),
      Column("READY", "string", "The Ready condition", 0),
      Column("RESTARTS", "integer", "Self-heals of a crashed container", 0),
      Column("IMAGE", "string", "The image of spec.image", 0),
      Column("AGE", "string", "Since metadata.creationTimestamp", 0),
      Column("NODE", "string", "The cluster node it runs on", 1),
      Column("CONTAINER", "string", "The container's id", 1),
      Column("HEALTH", "string", "healthy, unhealthy, starting or none", 1),
      Column("LAST-RESTART", "string", "The newest restart generation's outcome", 1),
  });
}

std::string Ago(Timestamp at, Timestamp now) {
  if (at == Timestamp{}) return "<unknown>";
  return HumanDuration(std::chrono::duration_cast<Duration>(now - at));
}

std::string ReadyOf(const RuntimeStatusView* status) {
  if (status != nullptr) {
    for (const Condition& condition : status->conditions) {
      if (condition.type == "Ready") return std::string(ToString(condition.status));
    }
  }
  return "Unknown";
}

}  // namespace

std::string HumanDuration(Duration elapsed) {
  using std::chrono::duration_cast;
  const int64_t seconds =
      std::max<int64_t>(0, duration_cast<std::chrono::seconds>(elapsed).count());
  const int64_t minutes = seconds / 60;
  const int64_t hours = minutes / 60;
  const int64_t days = hours / 24;
  const auto text = [](int64_t value, const char* unit) {
    return std::to_string(value) + unit;
  };
  if (seconds < 120) return text(seconds, "s");
  if (minutes < 10) {
    return seconds % 60 == 0 ? text(minutes, "m")
                             : text(minutes, "m") + text(seconds % 60, "s");
  }
  if (hours < 3) return text(minutes, "m");
  if (hours < 8) {
    return minutes % 60 == 0 ? text(hours, "h")
                             : text(hours, "h") + text(minutes % 60, "m");
  }
  if (hours < 48) return text(hours, "h");
  if (hours < 192) {
    return hours % 24 == 0 ? text(days, "d") : text(days, "d") + text(hours % 24, "h");
  }
  if (days < 365 * 2) return text(days, "d");
  return text(days / 365, "y") + (days % 365 ? text(days % 365, "d") : "");
}

json RenderTable(const std::vector<TableRowSource>& rows, uint64_t resource_version,
                 const TableOptions& options) {
  json rendered = json::array();
  for (const TableRowSource& row : rows) {
    const DesiredRuntime& desired = *row.desired;
    const RuntimeStatusView empty;
    const RuntimeStatusView& status = row.status ? *row.status : empty;
    std::string last_restart = "<none>";
    if (status.last_restart) {
      last_restart = std::to_string(status.last_restart->restart_generation) + " " +
                     status.last_restart->outcome + " " +
                     Ago(status.last_restart->finished_at, options.now) + " ago";
    }
    json metadata{{"name", desired.name},
                  {"uid", UidOf(desired)},
                  {"resourceVersion", std::to_string(ResourceVersionOf(desired, row.status))},
                  {"creationTimestamp", desired.created_at == Timestamp{}
                                            ? json(nullptr)
                                            : json(api::TimeText(desired.created_at))}};
    if (!desired.labels.empty()) metadata["labels"] = desired.labels;
    rendered.push_back(
        {{"cells",
          {desired.name, ToString(status.phase), ReadyOf(row.status), status.restart_count,
           desired.spec.image, Ago(desired.created_at, options.now),
           status.node_name.empty() ? "<none>" : status.node_name,
           status.container_id.empty() ? "<none>" : status.container_id.substr(0, 12),
           status.health, last_restart}},
         {"object",
          {{"kind", "PartialObjectMetadata"},
           {"apiVersion", "meta.k8s.io/v1"},
           {"metadata", std::move(metadata)}}}});
  }
  json table{{"kind", "Table"},
             {"apiVersion", "meta.k8s.io/v1"},
             {"metadata", {{"resourceVersion", std::to_string(resource_version)}}},
             {"rows", std::move(rendered)}};
  table["columnDefinitions"] =
      options.column_definitions ? ColumnDefinitions() : json::array();
  return table;
}

}  // namespace rtm::kube
