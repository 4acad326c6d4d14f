// JSON forms of the values the leveldb store keeps. Field names are the
// camelCase of the manifest (DESIGN §2) and of the operation log (DESIGN §4);
// timestamps are RFC 3339 UTC with milliseconds. Encoding never throws on
// content (invalid UTF-8 in strings is replaced by U+FFFD). Decoding never
// throws: a value that is not JSON, or a field that is missing, mistyped or
// out of range is kInternal naming the field (e.g. "spec.ports[1].hostPort").
// Unknown fields are ignored, so that an older binary reads newer values.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "reconcile/domain/error.h"
#include "reconcile/domain/operation.h"
#include "reconcile/domain/runtime_record.h"

namespace rtm {

nlohmann::json RuntimeRecordToJson(const RuntimeRecord& record);
Expected<RuntimeRecord> RuntimeRecordFromJson(const nlohmann::json& json);

// {sequence, gameId, opKind, opSource, sourceRef, imageRef, containerId,
//  outcome, errorCode ("" when none), errorMessage, startedAt, finishedAt}
nlohmann::json OperationEntryToJson(const OperationEntry& entry);
Expected<OperationEntry> OperationEntryFromJson(const nlohmann::json& json);

std::string EncodeRuntimeRecord(const RuntimeRecord& record);
Expected<RuntimeRecord> DecodeRuntimeRecord(std::string_view text);

std::string EncodeOperationEntry(const OperationEntry& entry);
Expected<OperationEntry> DecodeOperationEntry(std::string_view text);

}  // namespace rtm
