#include "controller/api/representation/node_representation.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "controller/api/representation/representation_support.h"

namespace rtm::api {
namespace {

using nlohmann::json;

size_t GamesOn(const ClusterSnapshot& cluster, const std::string& node) {
  return static_cast<size_t>(std::ranges::count_if(
      cluster.assignments,
      [&](const auto& entry) { return entry.second.node == node; }));
}

json RenderLabels(const std::map<std::string, std::string>& labels) {
  json rendered = json::object();
  for (const auto& [key, value] : labels) rendered[key] = value;
  return rendered;
}

}  // namespace

json RenderNode(const NodeRecord& node, const ClusterSnapshot& cluster,
                const std::map<std::string, Duration>& heartbeat_ages) {
  const NodeInfo& info = node.info;
  json out = {{"name", info.name},
              {"state", std::string(ToString(node.state))},
              {"alive", node.alive},
              {"labels", RenderLabels(info.labels)},
              {"maxRuntimes", info.max_runtimes},
              {"games", GamesOn(cluster, info.name)},
              {"startedAt", TimeText(info.started_at)}};
  if (node.state_since != Timestamp{}) out["stateSince"] = TimeText(node.state_since);
  if (auto age = heartbeat_ages.find(info.name);
      node.alive && age != heartbeat_ages.end()) {
    out["lastHeartbeatSecondsAgo"] =
        std::chrono::duration_cast<std::chrono::seconds>(age->second).count();
  }
  return out;
}

json RenderNodes(const ClusterSnapshot& cluster,
                 const std::map<std::string, Duration>& heartbeat_ages) {
  json items = json::array();
  for (const NodeRecord& node : cluster.nodes) {
    items.push_back(RenderNode(node, cluster, heartbeat_ages));
  }
  json out = {{"items", std::move(items)}};
  if (cluster.leader) out["leader"] = cluster.leader->node;
  return out;
}

}  // namespace rtm::api
