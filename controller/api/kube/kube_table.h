// GameRuntimes as a meta.k8s.io/v1 Table: what kubectl asks for with
// `Accept: application/json;as=Table;v=v1;g=meta.k8s.io` and prints as
// columns (docs/kubernetes-api.md).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "reconcile/domain/game_runtime.h"
#include "reconcile/domain/time.h"

namespace rtm::kube {

struct TableRowSource {
  const DesiredRuntime* desired;
  const RuntimeStatusView* status;  // null: not reconciled yet
};

struct TableOptions {
  // The column definitions are sent once: in a list or get, and in the
  // first event of a watch.
  bool column_definitions = true;
  Timestamp now{};  // AGE is rendered by the server
};

// Columns: NAME, PHASE, READY (the Ready condition's status), RESTARTS,
// IMAGE, AGE; priority 1 (shown by -o wide): NODE, CONTAINER (the first 12
// characters of the id), HEALTH, LAST-RESTART ("<generation> <outcome>
// <age> ago", or "<none>"). Each row's object is the runtime's
// PartialObjectMetadata (name, uid, resourceVersion, creationTimestamp,
// labels). {kind "Table", apiVersion "meta.k8s.io/v1", metadata
// {resourceVersion}, columnDefinitions, rows}.
nlohmann::json RenderTable(const std::vector<TableRowSource>& rows,
                           uint64_t resource_version, const TableOptions& options);

// Kubernetes' short human duration ("45s", "3m20s", "5h", "2d3h", "400d").
std::string HumanDuration(Duration elapsed);

}  // namespace rtm::kube
