// JSON form of an operation-log entry (docs/contract.md §4), as the store keeps it. Timestamps are RFC 3339
// UTC with milliseconds. Decoding never throws: a field that is missing,
// mistyped or out of range is kInternal naming the field; unknown fields are
// ignored.
#pragma once

#include <nlohmann/json.hpp>

#include "reconcile/domain/error.h"
#include "reconcile/domain/operation.h"
#include "store/codec/json_reader.h"

namespace rtm {

// {sequence, gameId, opKind, opSource, sourceRef, imageRef, containerId,
//  outcome (success|failure), errorCode ("" when none), errorMessage,
//  startedAt, finishedAt, preStop?, drain?, requestedBy?}
nlohmann::json ToJson(const OperationEntry& entry);
Expected<OperationEntry> OperationEntryFromJson(const nlohmann::json& json);

// {name, address}: an API caller, in an entry and in a desired object.
nlohmann::json ToJson(const Requester& requester);

namespace codec_internal {
Requester ReadRequester(const ObjectReader& reader);  // throws as ObjectReader
}  // namespace codec_internal

}  // namespace rtm
