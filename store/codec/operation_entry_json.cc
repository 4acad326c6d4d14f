#include "store/codec/operation_entry_json.h"

#include "store/codec/json_reader.h"

namespace rtm {

using codec_internal::ObjectReader;
using codec_internal::ReadEnum;
using nlohmann::json;

namespace {

json HookRunToJson(const HookRun& run) {
  json out{{"timedOut", run.timed_out},
           {"durationMs", run.duration.count()},
           {"output", run.output_tail}};
  if (run.exit_code) out["exitCode"] = *run.exit_code;
  if (!run.error.empty()) out["error"] = run.error;
  return out;
}

HookRun ReadHookRun(const ObjectReader& reader) {
  HookRun run;
  if (reader.Has("exitCode")) run.exit_code = reader.Int("exitCode");
  run.timed_out = reader.Bool("timedOut");
  if (reader.Has("error")) run.error = reader.String("error");
  run.duration = Duration(reader.Int64("durationMs"));
  run.output_tail = reader.String("output");
  return run;
}

}  // namespace

json ToJson(const Requester& requester) {
  return {{"name", requester.name}, {"address", requester.address}};
}

Requester codec_internal::ReadRequester(const ObjectReader& reader) {
  return Requester{reader.String("name"), reader.String("address")};
}

json ToJson(const OperationEntry& entry) {
  json out = {{"sequence", entry.sequence},
          {"gameId", entry.game_id},
          {"opKind", ToString(entry.op_kind)},
          {"opSource", ToString(entry.op_source)},
          {"sourceRef", entry.source_ref},
          {"imageRef", entry.image_ref},
          {"containerId", entry.container_id},
          {"outcome", ToString(entry.outcome)},
          {"errorCode", entry.error_code ? ToString(*entry.error_code) : ""},
          {"errorMessage", entry.error_message},
          {"startedAt", FormatRfc3339(entry.started_at)},
          {"finishedAt", FormatRfc3339(entry.finished_at)}};
  if (entry.pre_stop) out["preStop"] = HookRunToJson(*entry.pre_stop);
  if (entry.drain) {
    out["drain"] = {{"outcome", ToString(entry.drain->outcome)},
                    {"waitedMs", entry.drain->waited.count()}};
  }
  if (entry.requested_by) out["requestedBy"] = ToJson(*entry.requested_by);
  return out;
}

Expected<OperationEntry> OperationEntryFromJson(const json& value) {
  return codec_internal::DecodeGuarded<OperationEntry>([&] {
    const ObjectReader reader(value, "");
    OperationEntry entry;
    entry.sequence = reader.Uint64("sequence");
    entry.game_id = reader.String("gameId");
    entry.op_kind = ReadEnum(reader, "opKind", &ParseOpKind);
    entry.op_source = ReadEnum(reader, "opSource", &ParseOpSource);
    entry.source_ref = reader.String("sourceRef");
    entry.image_ref = reader.String("imageRef");
    entry.container_id = reader.String("containerId");
    entry.outcome = ReadEnum(reader, "outcome", &ParseOutcome);
    if (reader.Has("errorCode") && !reader.String("errorCode").empty()) {
      entry.error_code = ReadEnum(reader, "errorCode", &ParseErrorCode);
    }
    entry.error_message = reader.String("errorMessage");
    entry.started_at = reader.Time("startedAt");
    entry.finished_at = reader.Time("finishedAt");
    if (reader.Has("preStop")) {
      entry.pre_stop = ReadHookRun(reader.Object("preStop"));
    }
    if (reader.Has("drain")) {
      const ObjectReader drain = reader.Object("drain");
      entry.drain = DrainRecord{
          .outcome = ReadEnum(drain, "outcome", &ParseDrainOutcome),
          .waited = Duration(drain.Int64("waitedMs")),
      };
    }
    if (reader.Has("requestedBy")) {
      entry.requested_by = codec_internal::ReadRequester(reader.Object("requestedBy"));
    }
    return entry;
  });
}

}  // namespace rtm
