// GET /v1/nodes as the REST API renders it (docs/contract.md §6).
#pragma once

#include <nlohmann/json.hpp>

namespace rtm::testing_support {

// node-a leads, alive, 3 games of at most 10, started 02:55; node-b's lease
// is gone but the leader has not declared it Lost; node-c is Lost.
inline nlohmann::json ClusterNodes() {
  return nlohmann::json::parse(R"({
    "items": [
      {"name": "node-a", "state": "Ready", "alive": true, "labels": {"zone": "eu"},
       "maxRuntimes": 10, "games": 3, "startedAt": "2026-11-25T02:55:00.000Z",
       "lastHeartbeatSecondsAgo": 2},
      {"name": "node-b", "state": "Ready", "alive": false, "labels": {},
       "maxRuntimes": 0, "games": 0, "startedAt": "2026-11-24T03:00:00.000Z"},
      {"name": "node-c", "state": "Lost", "alive": false,
       "labels": {"disk": "ssd", "zone": "us"}, "maxRuntimes": 4, "games": 1,
       "startedAt": "2026-11-25T02:00:00.000Z",
       "stateSince": "2026-11-25T02:40:00.000Z"}],
    "leader": "node-a"
  })");
}

}  // namespace rtm::testing_support
