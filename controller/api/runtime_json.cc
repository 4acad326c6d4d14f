#include "controller/api/runtime_json.h"

#include "store/codec/game_runtime_json.h"
#include "store/codec/game_spec_json.h"

namespace rtm {

nlohmann::json GameRuntimeJson(const DesiredRuntime& desired,
                               const std::optional<RuntimeStatusView>& status) {
  nlohmann::json metadata{
      {"name", desired.name},
      {"generation", desired.generation},
      {"source",
       desired.source.path + ":" + std::to_string(desired.source.line)},
  };
  if (!desired.labels.empty()) metadata["labels"] = desired.labels;
  if (desired.deleted) metadata["deleted"] = true;
  return {
      {"apiVersion", "rtmanager.galaxy/v1"},
      {"kind", "GameRuntime"},
      {"metadata", std::move(metadata)},
      {"spec", ToJson(desired.spec)},
      {"status", ToJson(status.value_or(RuntimeStatusView{}))},
  };
}

nlohmann::json ErrorJson(const Error& error) {
  return {{"error",
           {{"code", std::string(ToString(error.code))},
            {"message", error.message}}}};
}

int HttpStatusFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidRequest:
      return 400;
    case ErrorCode::kNotFound:
    case ErrorCode::kImageNotFound:
      return 404;
    case ErrorCode::kConflict:
      return 409;
    case ErrorCode::kServiceUnavailable:
      return 503;
    case ErrorCode::kStartFailed:
    case ErrorCode::kInternal:
      return 500;
  }
  return 500;
}

std::string WatchEventJson(const RuntimeChange& change) {
  return "{\"type\":\"" + std::string(ToString(change.type)) +
         "\",\"revision\":" + std::to_string(change.revision) +
         ",\"object\":" +
         GameRuntimeJson(*change.desired, change.status)
             .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
         "}";
}

}  // namespace rtm
