#include "store/codec/game_spec_json.h"

#include <optional>
#include <string_view>
#include <utility>

namespace rtm {
namespace {

using codec_internal::ObjectReader;
using codec_internal::ReadEnum;
using nlohmann::json;

std::string_view DesiredStateName(DesiredState state) {
  return state == DesiredState::kStopped ? "Stopped" : "Running";
}

std::optional<DesiredState> ParseDesiredState(std::string_view name) {
  if (name == "Running") return DesiredState::kRunning;
  if (name == "Stopped") return DesiredState::kStopped;
  return std::nullopt;
}

json PortToJson(const PortMapping& port) {
  return {{"containerPort", port.container_port},
          {"hostPort", port.host_port},
          {"protocol", port.protocol},
          {"hostIP", port.host_ip}};
}

PortMapping ReadPort(const ObjectReader& reader) {
  PortMapping port;
  port.container_port = reader.Int("containerPort");
  port.host_port = reader.Int("hostPort");
  port.protocol = reader.String("protocol");
  port.host_ip = reader.String("hostIP");
  return port;
}

json HealthCheckToJson(const HealthCheck& check) {
  return {{"command", check.command},
          {"intervalSeconds", check.interval_seconds},
          {"timeoutSeconds", check.timeout_seconds},
          {"retries", check.retries}};
}

HealthCheck ReadHealthCheck(const ObjectReader& reader) {
  HealthCheck check;
  check.command = reader.StringList("command");
  check.interval_seconds = reader.Int("intervalSeconds");
  check.timeout_seconds = reader.Int("timeoutSeconds");
  check.retries = reader.Int("retries");
  return check;
}

json ResourcesToJson(const Resources& resources) {
  json out = json::object();
  if (resources.memory_mib) out["memoryMiB"] = *resources.memory_mib;
  if (resources.cpus) out["cpus"] = *resources.cpus;
  return out;
}

std::optional<VolumeReclaimPolicy> ParseReclaimPolicy(std::string_view name) {
  if (name == "Retain") return VolumeReclaimPolicy::kRetain;
  if (name == "Delete") return VolumeReclaimPolicy::kDelete;
  return std::nullopt;
}

Resources ReadResources(const ObjectReader& reader) {
  Resources resources;
  if (reader.Has("memoryMiB")) resources.memory_mib = reader.Int64("memoryMiB");
  if (reader.Has("cpus")) resources.cpus = reader.Number("cpus");
  return resources;
}

}  // namespace

json ToJson(const GameSpec& spec) {
  json ports = json::array();
  for (const PortMapping& port : spec.ports) ports.push_back(PortToJson(port));
  json out = {{"image", spec.image},
              {"command", spec.command},
              {"env", spec.env},
              {"state", DesiredStateName(spec.state)},
              {"restartGeneration", spec.restart_generation},
              {"ports", std::move(ports)},
              {"stopTimeoutSeconds", spec.stop_timeout_seconds},
              {"resources", ResourcesToJson(spec.resources)}};
  if (spec.health_check) {
    out["healthCheck"] = HealthCheckToJson(*spec.health_check);
  }
  if (!spec.node_name.empty()) out["nodeName"] = spec.node_name;
  if (!spec.node_selector.empty()) out["nodeSelector"] = spec.node_selector;
  if (!spec.secret_env.empty()) {
    json secrets = json::object();
    for (const auto& [name, source] : spec.secret_env) {
      secrets[name] = {{"file", source.file}, {"digest", source.digest}};
    }
    out["secretEnv"] = std::move(secrets);
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
  }
  if (spec.volume_reclaim_policy != VolumeReclaimPolicy::kRetain) {
    out["volumeReclaimPolicy"] = ToString(spec.volume_reclaim_policy);
  }
  if (spec.max_consecutive_failures) {
    out["maxConsecutiveFailures"] = *spec.max_consecutive_failures;
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
    json warnings = json::array();
    for (const ScheduleWarning& warning : schedule.warnings) {
      warnings.push_back({{"beforeSeconds", warning.before_seconds},
                          {"command", warning.command},
                          {"timeoutSeconds", warning.timeout_seconds}});
    }
    out["restartSchedule"] = {{"cron", schedule.cron},
                              {"timeZone", schedule.time_zone},
                              {"warnings", std::move(warnings)}};
    if (schedule.starting_deadline_seconds) {
      out["restartSchedule"]["startingDeadlineSeconds"] =
          *schedule.starting_deadline_seconds;
    }
  }
  return out;
}

Expected<GameSpec> GameSpecFromJson(const json& value) {
  return codec_internal::DecodeGuarded<GameSpec>(
      [&] { return codec_internal::ReadGameSpec(ObjectReader(value, "")); });
}

namespace codec_internal {

GameSpec ReadGameSpec(const ObjectReader& reader) {
  GameSpec spec;
  spec.image = reader.String("image");
  spec.command = reader.StringList("command");
  spec.env = reader.StringMap("env");
  spec.state = ReadEnum(reader, "state", &ParseDesiredState);
  spec.restart_generation = reader.Int64("restartGeneration");
  const json& ports = reader.Array("ports");
  for (size_t i = 0; i < ports.size(); ++i) {
    spec.ports.push_back(
        ReadPort(ObjectReader(ports[i], reader.PathOf("ports", i))));
  }
  if (reader.Has("healthCheck")) {
    spec.health_check = ReadHealthCheck(reader.Object("healthCheck"));
  }
  spec.stop_timeout_seconds = reader.Int("stopTimeoutSeconds");
  spec.resources = ReadResources(reader.Object("resources"));
  // Placement came later: values stored before it have neither field.
  if (reader.Has("nodeName")) spec.node_name = reader.String("nodeName");
  if (reader.Has("secretEnv")) {
    const ObjectReader secrets = reader.Object("secretEnv");
    for (const auto& [name, ignored] : reader.Field("secretEnv").items()) {
      const ObjectReader source = secrets.Object(name);
      spec.secret_env[name] = SecretEnvSource{source.String("file"), source.String("digest")};
    }
  }
  if (reader.Has("nodeSelector")) {
    spec.node_selector = reader.StringMap("nodeSelector");
  }
  // So did volumes.
  if (reader.Has("volumes")) {
    const json& volumes = reader.Array("volumes");
    for (size_t i = 0; i < volumes.size(); ++i) {
      const ObjectReader volume(volumes[i], reader.PathOf("volumes", i));
      spec.volumes.push_back(VolumeMount{
          .name = volume.String("name"),
          .mount_path = volume.String("mountPath"),
          .read_only = volume.Bool("readOnly"),
          .host_path = volume.Has("hostPath") ? volume.String("hostPath") : ""});
    }
  }
  if (reader.Has("maxConsecutiveFailures")) {
    spec.max_consecutive_failures = reader.Int("maxConsecutiveFailures");
  }
  if (reader.Has("volumeReclaimPolicy")) {
    spec.volume_reclaim_policy = ReadEnum(reader, "volumeReclaimPolicy", &ParseReclaimPolicy);
  }
  if (reader.Has("stopSignal")) spec.stop_signal = reader.String("stopSignal");
  if (reader.Has("preStop")) {
    const ObjectReader hook = reader.Object("preStop");
    spec.pre_stop = ExecHook{.command = hook.StringList("command"),
                             .timeout_seconds = hook.Int("timeoutSeconds")};
  }
  if (reader.Has("drain")) {
    const ObjectReader drain = reader.Object("drain");
    spec.drain = DrainPolicy{.command = drain.StringList("command"),
                             .period_seconds = drain.Int("periodSeconds"),
                             .max_wait_seconds = drain.Int("maxWaitSeconds"),
                             .timeout_seconds = drain.Int("timeoutSeconds")};
  }
  if (reader.Has("restartSchedule")) {
    const ObjectReader schedule = reader.Object("restartSchedule");
    RestartSchedule decoded{.cron = schedule.String("cron"),
                            .time_zone = schedule.String("timeZone")};
    if (schedule.Has("startingDeadlineSeconds")) {
      decoded.starting_deadline_seconds = schedule.Int("startingDeadlineSeconds");
    }
    const json& warnings = schedule.Array("warnings");
    for (size_t i = 0; i < warnings.size(); ++i) {
      const ObjectReader warning(warnings[i], schedule.PathOf("warnings", i));
      decoded.warnings.push_back(
          ScheduleWarning{.before_seconds = warning.Int("beforeSeconds"),
                          .command = warning.StringList("command"),
                          .timeout_seconds = warning.Int("timeoutSeconds")});
    }
    spec.restart_schedule = std::move(decoded);
  }
  return spec;
}

}  // namespace codec_internal
}  // namespace rtm
