// The cluster's part of /metrics (cluster mode, docs/cluster.md), in the
// Prometheus text format: nodes by state and liveness, games per node,
// leadership, and what this node's scheduler did.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "reconcile/cluster/node.h"

namespace rtm {

struct SchedulerCounters {
  uint64_t rounds = 0;
  uint64_t assignments = 0;
  uint64_t refused_writes = 0;
};

// Metric families, each with HELP and TYPE:
//   rtm_cluster_nodes{state,alive}         gauge
//   rtm_cluster_node_games{node}           gauge (assignments per node)
//   rtm_cluster_leader{node}               gauge (1: `node` leads now)
//   rtm_scheduler_rounds_total             counter (this node's, as leader)
//   rtm_scheduler_assignments_total        counter
//   rtm_scheduler_refused_writes_total     counter
std::string RenderClusterMetrics(const ClusterSnapshot& cluster,
                                 std::string_view this_node,
                                 const SchedulerCounters& scheduler);

// The store's etcd traffic (--store etcd://): body bytes, without HTTP
// headers.
struct EtcdTraffic {
  uint64_t requests = 0;
  uint64_t watches = 0;
  uint64_t bytes_sent = 0;
  uint64_t bytes_received = 0;
};
//   rtm_etcd_requests_total, rtm_etcd_watches_opened_total,
//   rtm_etcd_sent_bytes_total, rtm_etcd_received_bytes_total   counters
std::string RenderEtcdTraffic(const EtcdTraffic& traffic);

}  // namespace rtm
