// One event of the REST watch stream (docs/contract.md §6, §11):
// GET /v1/runtimes?watch=true sends one per line.
#pragma once

#include <string>

#include "reconcile/domain/runtime_change.h"

namespace rtm::api {

// The event's line without its newline:
// {"type":"ADDED|MODIFIED|DELETED","revision":N,"object":<GameRuntime>}
// in that key order (type first, unlike the sorted keys elsewhere), the
// object as RenderGameRuntime renders the change's desired object and
// status, compact, invalid UTF-8 replaced by U+FFFD. `change` must hold a
// desired object (a change without one is no API object).
std::string RenderWatchEvent(const RuntimeChange& change);

}  // namespace rtm::api
