// The cluster's nodes as the REST API renders them (docs/contract.md §6,
// docs/cluster.md): GET /v1/nodes.
#pragma once

#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "reconcile/cluster/node.h"
#include "reconcile/domain/time.h"

namespace rtm::api {

// {name, state (Ready|Lost), alive, labels {k: v}, maxRuntimes (0: no
//  limit), games (the assignments to this node in `cluster`), startedAt,
//  stateSince?, lastHeartbeatSecondsAgo?}
// stateSince is left out while the leader never wrote the node's state
// (state_since is the epoch); lastHeartbeatSecondsAgo (whole seconds) only
// for an alive node that `heartbeat_ages` names.
nlohmann::json RenderNode(const NodeRecord& node, const ClusterSnapshot& cluster,
                          const std::map<std::string, Duration>& heartbeat_ages);

// {"items": [node...], "leader": "name"?}: the nodes in the snapshot's
// order (by name); leader is left out while no node leads.
// `heartbeat_ages` may be empty (unknown): then no item has a heartbeat.
nlohmann::json RenderNodes(const ClusterSnapshot& cluster,
                           const std::map<std::string, Duration>& heartbeat_ages);

}  // namespace rtm::api
