// JSON form of a GameSpec: the `spec` of a GameRuntime manifest (docs/contract.md §2),
// with the manifest's camelCase field names. Every field is written
// (`command: []`, `env: {}`, `resources: {}` when empty) except the optional
// ones: `healthCheck` and `resources.memoryMiB` / `resources.cpus` are left
// out when unset, `nodeName` and `nodeSelector` when empty (a spec without
// placement is stored as before they existed). Decoding is for values this
// codec wrote (the store): a field that is missing, mistyped or out of range
// is kInternal naming the field (e.g. "spec.ports[1].hostPort"), except
// `nodeName` and `nodeSelector`, which values stored by earlier releases
// lack; unknown fields are ignored. It is not the manifest validator
// (controller/manifests/).
#pragma once

#include <nlohmann/json.hpp>

#include "reconcile/domain/error.h"
#include "reconcile/domain/game_spec.h"
#include "store/codec/json_reader.h"

namespace rtm {

// {image, command, env, state (Running|Stopped), restartGeneration,
//  ports [{containerPort, hostPort, protocol, hostIP}], healthCheck?
//  {command, intervalSeconds, timeoutSeconds, retries}, stopTimeoutSeconds,
//  resources {memoryMiB?, cpus?}, nodeName?, nodeSelector? {..}}
nlohmann::json ToJson(const GameSpec& spec);
Expected<GameSpec> GameSpecFromJson(const nlohmann::json& json);

namespace codec_internal {
// For the codecs of objects that embed a spec; throws DecodeError.
GameSpec ReadGameSpec(const ObjectReader& reader);
}  // namespace codec_internal

}  // namespace rtm
