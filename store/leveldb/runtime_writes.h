#pragma once

#include <cstdint>
#include <string_view>

#include "reconcile/domain/game_runtime.h"
#include "store/leveldb/leveldb_database.h"

namespace rtm {

// The one write path of a runtime's two halves (desired/<name> and
// status/<name>): writes `desired` or `status` (exactly one is set) under
// the store-wide write lock if the stored half is still at the revision the
// written value carries (0: none stored), else kConflict; and appends the
// change, with both halves as of its revision, to database.changes().
// Returns the new revision. An empty name is kInvalidRequest.
Expected<uint64_t> WriteRuntimeHalf(LeveldbDatabase& database,
                                    std::string_view name,
                                    const DesiredRuntime* desired,
                                    const RuntimeStatusView* status,
                                    Durability durability);

}  // namespace rtm
