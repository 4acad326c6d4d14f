#include "controller/api/representation/runtime_status_representation.h"

#include <utility>

#include "controller/api/representation/representation_support.h"

namespace rtm::api {
namespace {

using nlohmann::json;

json RenderLastRestart(const LastRestart& restart) {
  return {{"restartGeneration", restart.restart_generation},
          {"outcome", restart.outcome},
          {"errorCode", ErrorCodeText(restart.error_code)},
          {"containerId", restart.container_id},
          {"sourceRef", restart.source_ref},
          {"finishedAt", TimeText(restart.finished_at)}};
}

json RenderLastError(const LastError& error) {
  return {{"code", ToString(error.code)},
          {"message", error.message},
          {"at", TimeText(error.at)}};
}

json RenderCondition(const Condition& condition) {
  return {{"type", condition.type},
          {"status", ToString(condition.status)},
          {"reason", condition.reason},
          {"message", condition.message},
          {"lastTransitionTime", TimeText(condition.last_transition_time)}};
}

}  // namespace

json RenderRuntimeStatus(const RuntimeStatusView& status) {
  json conditions = json::array();
  for (const Condition& condition : status.conditions) {
    conditions.push_back(RenderCondition(condition));
  }
  json out = {{"phase", ToString(status.phase)},
              {"observedGeneration", status.observed_generation},
              {"observedRestartGeneration", status.observed_restart_generation},
              {"containerId", status.container_id},
              {"imageRef", status.image_ref},
              {"hostname", status.hostname},
              {"health", status.health},
              {"restartCount", status.restart_count},
              {"conditions", std::move(conditions)}};
  if (!status.node_name.empty()) out["nodeName"] = status.node_name;
  if (status.last_restart) {
    out["lastRestart"] = RenderLastRestart(*status.last_restart);
  }
  if (status.last_error) out["lastError"] = RenderLastError(*status.last_error);
  if (status.last_termination) {
    const Termination& ended = *status.last_termination;
    out["lastTermination"] = {{"containerId", ended.container_id},
                              {"exitCode", ended.exit_code},
                              {"reason", ended.reason},
                              {"startedAt", TimeText(ended.started_at)},
                              {"finishedAt", TimeText(ended.finished_at)}};
  }
  if (status.drain_wait) {
    const DrainWait& wait = *status.drain_wait;
    out["drainWait"] = {{"action", wait.action},
                        {"since", TimeText(wait.since)},
                        {"deadline", TimeText(wait.deadline)},
                        {"lastProbeAt", TimeText(wait.last_probe_at)},
                        {"lastProbe", wait.last_probe}};
  }
  return out;
}

}  // namespace rtm::api
