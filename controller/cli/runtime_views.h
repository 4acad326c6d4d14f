// The human-readable views of the client commands (`get`, `describe`,
// `history`, `plan`), as pure functions of the REST API's JSON (docs/contract.md §6).
// They read the JSON tolerantly: a missing or mistyped field shows as "-"
// (or <none>), so that a newer or older server still renders.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "reconcile/domain/error.h"
#include "reconcile/domain/time.h"

namespace rtm {

// The text of the value at JSON pointer `pointer` ("/status/phase"):
// strings as they are, numbers and booleans as JSON writes them; "" when
// absent, null or a structure.
std::string FieldText(const nlohmann::json& object, std::string_view pointer);
// The integer at `pointer`; `fallback` when absent or not an integer.
int64_t FieldInt(const nlohmann::json& object, std::string_view pointer,
                 int64_t fallback = 0);
// The element of status.conditions with this type; nullptr when none.
const nlohmann::json* FindCondition(const nlohmann::json& runtime,
                                    std::string_view type);

// AGE of `get`: since the Ready condition's lastTransitionTime, else the
// oldest lastTransitionTime of any condition; "-" when none is known.
std::string RuntimeAge(const nlohmann::json& runtime, Timestamp now);

// `get`: NAME, PHASE, GEN, OBSERVED, RESTARTS, CONTAINER (short id), IMAGE
// (spec.image), AGE; one row per element of the array `runtimes`. `wide`
// (`get -o wide`) appends NODE (status.nodeName, "-" on one host or while
// unplaced) and HEALTH (status.health).
std::string RuntimesTable(const nlohmann::json& runtimes, Timestamp now,
                          bool wide = false);

// `history` and describe's operations: TIME (startedAt), KIND, SOURCE,
// OUTCOME, CODE, CONTAINER (short id), SOURCE REF, MESSAGE; one row per
// element of the array `operations`, in the given order.
std::string OperationsTable(const nlohmann::json& operations,
                            std::string_view indent = "");

// `describe`: identity, generations, observed container, last error and
// restart, the spec (its Node Name and Node Selector lines only when set),
// the conditions table and `operations` (the newest entries, newest first,
// or why they could not be read).
std::string DescribeRuntime(const nlohmann::json& runtime,
                            const Expected<nlohmann::json>& operations,
                            Timestamp now);

// `plan`: NAME, ACTION, REASON, one row per action of the items
// [{name, actions [{action, reason}]}]. Converged games (no actions) are
// left out unless `include_converged`, where they show ACTION "-" and
// REASON "converged". "all converged\n" when there is no row.
std::string PlanTable(const nlohmann::json& plan_items, bool include_converged);

}  // namespace rtm
