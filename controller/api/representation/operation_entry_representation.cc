#include "controller/api/representation/operation_entry_representation.h"

#include <utility>

#include "controller/api/representation/representation_support.h"

namespace rtm::api {

nlohmann::json RenderOperationEntry(const OperationEntry& entry) {
  nlohmann::json out = {{"sequence", entry.sequence},
          {"gameId", entry.game_id},
          {"opKind", ToString(entry.op_kind)},
          {"opSource", ToString(entry.op_source)},
          {"sourceRef", entry.source_ref},
          {"imageRef", entry.image_ref},
          {"containerId", entry.container_id},
          {"outcome", ToString(entry.outcome)},
          {"errorCode", ErrorCodeText(entry.error_code)},
          {"errorMessage", entry.error_message},
          {"startedAt", TimeText(entry.started_at)},
          {"finishedAt", TimeText(entry.finished_at)}};
  if (entry.pre_stop) {
    const HookRun& run = *entry.pre_stop;
    out["preStop"] = {
        {"exitCode", run.exit_code ? nlohmann::json(*run.exit_code)
                                   : nlohmann::json(nullptr)},
        {"timedOut", run.timed_out},
        {"error", run.error},
        {"durationMs", run.duration.count()},
        {"output", run.output_tail}};
  }
  if (entry.drain) {
    out["drain"] = {{"outcome", ToString(entry.drain->outcome)},
                    {"waitedMs", entry.drain->waited.count()}};
  }
  if (entry.requested_by) {
    out["requestedBy"] = {{"name", entry.requested_by->name},
                          {"address", entry.requested_by->address}};
  }
  return out;
}

nlohmann::json RenderOperations(const std::vector<OperationEntry>& entries) {
  nlohmann::json items = nlohmann::json::array();
  for (const OperationEntry& entry : entries) {
    items.push_back(RenderOperationEntry(entry));
  }
  return {{"items", std::move(items)}};
}

}  // namespace rtm::api
