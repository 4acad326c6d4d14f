#include "controller/cli/node_views.h"

#include <chrono>
#include <vector>

#include "controller/cli/runtime_views.h"
#include "controller/cli/text_table.h"

namespace rtm {
namespace {

using Json = nlohmann::json;

std::string NodeName(const Json& node, const std::string& leader) {
  const std::string name = FieldText(node, "/name");
  return !name.empty() && name == leader ? name + "*" : name;
}

std::string StateText(const Json& node) {
  std::string state = FieldText(node, "/state");
  if (state == "Ready" && FieldText(node, "/alive") == "false") state += ",NotAlive";
  return state;
}

std::string Capacity(const Json& node) {
  const int64_t max_runtimes = FieldInt(node, "/maxRuntimes", 0);
  return max_runtimes > 0 ? std::to_string(max_runtimes) : "-";
}

std::string Labels(const Json& node) {
  std::string joined;
  if (!node.is_object() || !node.contains("labels") || !node["labels"].is_object()) {
    return joined;
  }
  for (const auto& [key, value] : node["labels"].items()) {
    if (!joined.empty()) joined += ',';
    joined += key + "=" + (value.is_string() ? value.get<std::string>() : value.dump());
  }
  return joined;
}

std::string Heartbeat(const Json& node) {
  const int64_t seconds = FieldInt(node, "/lastHeartbeatSecondsAgo", -1);
  return seconds < 0 ? "-" : FormatAge(std::chrono::seconds(seconds));
}

}  // namespace

std::string NodesTable(const Json& nodes, const std::string& leader, Timestamp now) {
  std::vector<TableRow> rows;
  for (const Json& node : nodes) {
    rows.push_back({NodeName(node, leader), StateText(node), FieldText(node, "/games"),
                    Capacity(node), Labels(node), Heartbeat(node),
                    AgeSince(FieldText(node, "/startedAt"), now)});
  }
  return RenderTable(
      {"NAME", "STATE", "GAMES", "CAPACITY", "LABELS", "HEARTBEAT", "AGE"}, rows);
}

}  // namespace rtm
