// The human-readable view of `rtmanager nodes`, a pure function of the
// REST API's JSON (GET /v1/nodes, docs/contract.md §6). Read tolerantly,
// like runtime_views.h: a missing or mistyped field shows as "-".
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "reconcile/domain/time.h"

namespace rtm {

// NAME, STATE, GAMES, CAPACITY, LABELS, HEARTBEAT, AGE; one row per element
// of the array `nodes`, in the given order.
// - NAME: the node's name, with "*" appended for `leader`.
// - STATE: Ready or Lost; "Ready,NotAlive" for a Ready node whose liveness
//   lease is gone (the leader has not declared it Lost yet).
// - CAPACITY: maxRuntimes, "-" for 0 (no limit).
// - LABELS: "k=v,k2=v2" in key order.
// - HEARTBEAT: lastHeartbeatSecondsAgo as an age ("2s"); "-" when absent.
// - AGE: since startedAt.
std::string NodesTable(const nlohmann::json& nodes, const std::string& leader,
                       Timestamp now);

}  // namespace rtm
