// JSON form of a RuntimeRecord, as the store keeps it. Timestamps are
// RFC 3339 UTC with milliseconds. Decoding never throws: a field that is
// missing, mistyped or out of range is kInternal naming the field; unknown
// fields are ignored, so that an older binary reads newer values.
#pragma once

#include <nlohmann/json.hpp>

#include "reconcile/domain/error.h"
#include "reconcile/domain/runtime_record.h"

namespace rtm {

// {gameId, status (running|stopped|removed), currentImageRef,
//  currentContainerId, hostname, spec (game_spec_json.h), generation,
//  restartGeneration, lastTermination?, createdAt, updatedAt}
nlohmann::json ToJson(const RuntimeRecord& record);
Expected<RuntimeRecord> RuntimeRecordFromJson(const nlohmann::json& json);

namespace codec_internal {
class ObjectReader;
// {containerId, exitCode, reason, startedAt, finishedAt}: a record's and a
// status's lastTermination.
nlohmann::json TerminationToJson(const Termination& termination);
Termination ReadTermination(const ObjectReader& reader);
}  // namespace codec_internal

}  // namespace rtm
