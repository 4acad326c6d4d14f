#include "store/codec/runtime_record_json.h"

#include "store/codec/game_spec_json.h"
#include "store/codec/json_reader.h"

namespace rtm {

using codec_internal::ObjectReader;
using codec_internal::ReadEnum;
using nlohmann::json;

namespace codec_internal {

json TerminationToJson(const Termination& termination) {
  return {{"containerId", termination.container_id},
          {"exitCode", termination.exit_code},
          {"reason", termination.reason},
          {"startedAt", FormatRfc3339(termination.started_at)},
          {"finishedAt", FormatRfc3339(termination.finished_at)}};
}

Termination ReadTermination(const ObjectReader& reader) {
  return Termination{.container_id = reader.String("containerId"),
                     .exit_code = reader.Int("exitCode"),
                     .reason = reader.String("reason"),
                     .started_at = reader.Time("startedAt"),
                     .finished_at = reader.Time("finishedAt")};
}

}  // namespace codec_internal

json ToJson(const RuntimeRecord& record) {
  json out = {{"gameId", record.game_id},
          {"status", ToString(record.status)},
          {"currentImageRef", record.current_image_ref},
          {"currentContainerId", record.current_container_id},
          {"hostname", record.hostname},
          {"spec", ToJson(record.spec)},
          {"generation", record.generation},
          {"restartGeneration", record.restart_generation},
          {"createdAt", FormatRfc3339(record.created_at)},
          {"updatedAt", FormatRfc3339(record.updated_at)}};
  if (record.last_termination) {
    out["lastTermination"] = codec_internal::TerminationToJson(*record.last_termination);
  }
  return out;
}

Expected<RuntimeRecord> RuntimeRecordFromJson(const json& value) {
  return codec_internal::DecodeGuarded<RuntimeRecord>([&] {
    const ObjectReader reader(value, "");
    RuntimeRecord record;
    record.game_id = reader.String("gameId");
    record.status = ReadEnum(reader, "status", &ParseRuntimeStatus);
    record.current_image_ref = reader.String("currentImageRef");
    record.current_container_id = reader.String("currentContainerId");
    record.hostname = reader.String("hostname");
    record.spec = codec_internal::ReadGameSpec(reader.Object("spec"));
    record.generation = reader.Int64("generation");
    record.restart_generation = reader.Int64("restartGeneration");
    record.created_at = reader.Time("createdAt");
    record.updated_at = reader.Time("updatedAt");
    if (reader.Has("lastTermination")) {
      record.last_termination =
          codec_internal::ReadTermination(reader.Object("lastTermination"));
    }
    return record;
  });
}

}  // namespace rtm
