#include "controller/telemetry/cluster_metrics.h"

#include <map>
#include <utility>

namespace rtm {
namespace {

void Family(std::string& out, const char* name, const char* type,
            const char* help) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

// A family of one unlabelled sample.
void Single(std::string& out, const char* name, const char* type,
            const char* help, uint64_t value) {
  Family(out, name, type, help);
  out += name;
  out += ' ' + std::to_string(value) + '\n';
}

}  // namespace

std::string RenderClusterMetrics(const ClusterSnapshot& cluster,
                                 std::string_view this_node,
                                 const SchedulerCounters& scheduler) {
  std::string out;
  std::map<std::pair<std::string, bool>, int> by_state;
  for (NodeState state : {NodeState::kReady, NodeState::kLost}) {
    for (bool alive : {true, false}) by_state[{std::string(ToString(state)), alive}] = 0;
  }
  std::map<std::string, int> games;
  for (const NodeRecord& node : cluster.nodes) {
    ++by_state[{std::string(ToString(node.state)), node.alive}];
    games[node.info.name] = 0;
  }
  for (const auto& [game, assignment] : cluster.assignments) ++games[assignment.node];

  Family(out, "rtm_cluster_nodes", "gauge",
         "Nodes of the cluster by state (Ready, Lost) and liveness lease.");
  for (const auto& [key, count] : by_state) {
    out += "rtm_cluster_nodes{state=\"" + key.first + "\",alive=\"" +
           (key.second ? "true" : "false") + "\"} " + std::to_string(count) + "\n";
  }
  Family(out, "rtm_cluster_node_games", "gauge", "Games assigned to each node.");
  for (const auto& [node, count] : games) {
    out += "rtm_cluster_node_games{node=\"" + node + "\"} " +
           std::to_string(count) + "\n";
  }
  Family(out, "rtm_cluster_leader", "gauge",
         "1 when this node leads the cluster (syncs manifests, schedules).");
  const bool leading = cluster.leader && cluster.leader->node == this_node;
  out += "rtm_cluster_leader{node=\"" + std::string(this_node) + "\"} " +
         (leading ? "1" : "0") + "\n";
  Single(out, "rtm_scheduler_rounds_total", "counter",
         "Scheduling rounds this node ran as leader.", scheduler.rounds);
  Single(out, "rtm_scheduler_assignments_total", "counter",
         "Games this node (re)assigned as leader.", scheduler.assignments);
  Single(out, "rtm_scheduler_refused_writes_total", "counter",
         "Leader writes refused (a conflict or a store error); the next round decides again.",
         scheduler.refused_writes);
  return out;
}

std::string RenderEtcdTraffic(const EtcdTraffic& traffic) {
  std::string out;
  Single(out, "rtm_etcd_requests_total", "counter",
         "Unary calls to etcd, every attempt counted (failover included).",
         traffic.requests);
  Single(out, "rtm_etcd_watches_opened_total", "counter",
         "etcd watch streams opened (at start, after a break, after a relist).",
         traffic.watches);
  Single(out, "rtm_etcd_sent_bytes_total", "counter",
         "Request bytes sent to etcd (path and JSON body).", traffic.bytes_sent);
  Single(out, "rtm_etcd_received_bytes_total", "counter",
         "Response and watch-stream body bytes received from etcd.",
         traffic.bytes_received);
  return out;
}

}  // namespace rtm
