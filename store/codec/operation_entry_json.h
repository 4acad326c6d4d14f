// JSON form of an operation-log entry (docs/contract.md §4), as the store keeps it. Timestamps are RFC 3339
// UTC with milliseconds. Decoding never throws: a field that is missing,
// mistyped or out of range is kInternal naming the field; unknown fields are
// ignored.
#pragma once

#include <nlohmann/json.hpp>

#include "reconcile/domain/error.h"
#include "reconcile/domain/operation.h"

namespace rtm {

// {sequence, gameId, opKind, opSource, sourceRef, imageRef, containerId,
//  outcome (success|failure), errorCode ("" when none), errorMessage,
//  startedAt, finishedAt}
nlohmann::json ToJson(const OperationEntry& entry);
Expected<OperationEntry> OperationEntryFromJson(const nlohmann::json& json);

}  // namespace rtm
