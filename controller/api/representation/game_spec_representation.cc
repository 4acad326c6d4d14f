#include "controller/api/representation/game_spec_representation.h"

#include <chrono>

#include "reconcile/domain/time.h"

#include <string_view>
#include <utility>

namespace rtm::api {
namespace {

using nlohmann::json;

std::string_view DesiredStateName(DesiredState state) {
  return state == DesiredState::kStopped ? "Stopped" : "Running";
}

json RenderPort(const PortMapping& port) {
  return {{"containerPort", port.container_port},
          {"hostPort", port.host_port},
          {"protocol", port.protocol},
          {"hostIP", port.host_ip}};
}

json RenderHealthCheck(const HealthCheck& check) {
  return {{"command", check.command},
          {"intervalSeconds", check.interval_seconds},
          {"timeoutSeconds", check.timeout_seconds},
          {"retries", check.retries}};
}

json RenderResources(const Resources& resources) {
  json out = json::object();
  if (resources.memory_mib) out["memoryMiB"] = *resources.memory_mib;
  if (resources.cpus) out["cpus"] = *resources.cpus;
  return out;
}

}  // namespace

json RenderGameSpec(const GameSpec& spec) {
  json ports = json::array();
  for (const PortMapping& port : spec.ports) ports.push_back(RenderPort(port));
  // A value whose name says it is a secret is not shown (LooksLikeSecretName);
  // spec.secretEnv shows its files, never their content or digest.
  std::map<std::string, std::string> env = spec.env;
  for (auto& [name, value] : env) {
    if (LooksLikeSecretName(name)) value = std::string(kRedactedValue);
  }
  json out = {{"image", spec.image},
              {"command", spec.command},
              {"env", std::move(env)},
              {"state", DesiredStateName(spec.state)},
              {"restartGeneration", spec.restart_generation},
              {"ports", std::move(ports)},
              {"stopTimeoutSeconds", spec.stop_timeout_seconds},
              {"resources", RenderResources(spec.resources)}};
  if (spec.health_check) {
    out["healthCheck"] = RenderHealthCheck(*spec.health_check);
  }
  if (!spec.node_name.empty()) out["nodeName"] = spec.node_name;
  if (!spec.node_selector.empty()) out["nodeSelector"] = spec.node_selector;
  if (!spec.secret_env.empty()) {
    json secrets = json::object();
    for (const auto& [name, source] : spec.secret_env) secrets[name] = {{"file", source.file}};
    out["secretEnv"] = std::move(secrets);
  }
  if (spec.max_consecutive_failures) {
    out["maxConsecutiveFailures"] = *spec.max_consecutive_failures;
  }
  if (!spec.volumes.empty()) {
    json volumes = json::array();
    for (const VolumeMount& volume : spec.volumes) {
      json entry{{"name", volume.name},
                 {"mountPath", volume.mount_path},
                 {"readOnly", volume.read_only}};
      if (!volume.host_path.empty()) entry["hostPath"] = volume.host_path;
      volumes.push_back(std::move(entry));
    }
    out["volumes"] = std::move(volumes);
    out["volumeReclaimPolicy"] = ToString(spec.volume_reclaim_policy);
  }
  if (!spec.stop_signal.empty()) out["stopSignal"] = spec.stop_signal;
  if (spec.pre_stop) {
    out["preStop"] = {{"command", spec.pre_stop->command},
                      {"timeoutSeconds", spec.pre_stop->timeout_seconds}};
  }
  if (spec.drain) {
    out["drain"] = {{"command", spec.drain->command},
                    {"periodSeconds", spec.drain->period_seconds},
                    {"maxWaitSeconds", spec.drain->max_wait_seconds},
                    {"timeoutSeconds", spec.drain->timeout_seconds}};
  }
  if (spec.restart_schedule) {
    const RestartSchedule& schedule = *spec.restart_schedule;
    nlohmann::json warnings = nlohmann::json::array();
    for (const ScheduleWarning& warning : schedule.warnings) {
      warnings.push_back(
          {{"before", FormatDuration(std::chrono::seconds(warning.before_seconds))},
           {"command", warning.command},
           {"timeoutSeconds", warning.timeout_seconds}});
    }
    out["restartSchedule"] = {{"cron", schedule.cron},
                              {"timeZone", schedule.time_zone},
                              {"warnings", std::move(warnings)}};
    if (schedule.starting_deadline_seconds) {
      out["restartSchedule"]["startingDeadlineSeconds"] = *schedule.starting_deadline_seconds;
    }
  }
  return out;
}

}  // namespace rtm::api
