#include "reconcile/domain/game_spec.h"

#include "reconcile/schedule/cron.h"

#include <algorithm>
#include <cctype>
#include <array>
#include <string>

namespace rtm {
namespace {

bool IsLowerAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool IsSelectorCharacter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '/' ||
         c == '-';
}

bool IsSelectorText(std::string_view text, size_t max_size) {
  if (text.empty() || text.size() > max_size) return false;
  for (char c : text) {
    if (!IsSelectorCharacter(c)) return false;
  }
  return true;
}

Expected<void> Invalid(std::string field, std::string_view problem) {
  return Fail(ErrorCode::kInvalidRequest, field + ": " + std::string(problem));
}

Expected<void> ValidatePlacement(const GameSpec& spec) {
  if (!spec.node_name.empty() && !IsValidNodeName(spec.node_name)) {
    return Invalid("spec.nodeName", kDnsLabelRule);
  }
  for (const auto& [key, value] : spec.node_selector) {
    if (!IsValidNodeSelectorKey(key)) {
      return Invalid(NodeSelectorEntryPath(key), kNodeSelectorKeyRule);
    }
    if (!IsValidNodeSelectorValue(value)) {
      return Invalid(NodeSelectorEntryPath(key), kNodeSelectorValueRule);
    }
  }
  return {};
}

Expected<void> ValidateVolumes(const GameSpec& spec) {
  for (size_t i = 0; i < spec.volumes.size(); ++i) {
    const VolumeMount& volume = spec.volumes[i];
    const std::string field = "spec.volumes[" + std::to_string(i) + "]";
    if (!IsValidGameId(volume.name)) return Invalid(field + ".name", kDnsLabelRule);
    if (!IsCleanAbsolutePath(volume.mount_path) || volume.mount_path == "/") {
      return Invalid(field + ".mountPath",
                     "must be a clean absolute path other than / (no . or .. "
                     "components, no trailing slash)");
    }
    if (!volume.host_path.empty() && !IsCleanAbsolutePath(volume.host_path)) {
      return Invalid(field + ".hostPath",
                     "must be a clean absolute path (no . or .. components, no "
                     "trailing slash)");
    }
    for (size_t j = 0; j < i; ++j) {
      if (spec.volumes[j].name == volume.name) {
        return Invalid(field + ".name", "\"" + volume.name + "\" is already spec.volumes[" +
                                            std::to_string(j) + "].name");
      }
      if (spec.volumes[j].mount_path == volume.mount_path) {
        return Invalid(field + ".mountPath", "\"" + volume.mount_path +
                                                 "\" is already mounted by spec.volumes[" +
                                                 std::to_string(j) + "]");
      }
    }
  }
  return {};
}

}  // namespace

std::string_view ToString(VolumeReclaimPolicy policy) {
  return policy == VolumeReclaimPolicy::kDelete ? "Delete" : "Retain";
}

bool IsCleanAbsolutePath(std::string_view path) {
  if (path.empty() || path.front() != '/') return false;
  if (path == "/") return true;
  if (path.back() == '/') return false;
  size_t start = 1;
  while (start <= path.size()) {
    const size_t end = std::min(path.find('/', start), path.size());
    const std::string_view part = path.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") return false;
    start = end + 1;
  }
  return true;
}

bool IsCleanRelativePath(std::string_view path) {
  if (path.empty() || path.front() == '/') return false;
  return IsCleanAbsolutePath("/" + std::string(path)) && path.back() != '/';
}

bool LooksLikeSecretName(std::string_view name) {
  std::string upper(name);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (std::string_view word : {"PASSWORD", "TOKEN", "SECRET", "KEY"}) {
    if (upper.find(word) != std::string::npos) return true;
  }
  return false;
}

bool IsUnderPrefix(std::string_view path, std::string_view prefix) {
  if (prefix == "/") return true;
  if (!path.starts_with(prefix)) return false;
  return path.size() == prefix.size() || path[prefix.size()] == '/';
}

bool IsValidGameId(std::string_view id) {
  if (id.empty() || id.size() > 63) return false;
  if (!IsLowerAlnum(id.front()) || !IsLowerAlnum(id.back())) return false;
  for (char c : id) {
    if (!IsLowerAlnum(c) && c != '-') return false;
  }
  return true;
}

bool IsValidNodeName(std::string_view name) { return IsValidGameId(name); }

bool IsValidNodeSelectorKey(std::string_view key) {
  return IsSelectorText(key, 253);
}

bool IsValidNodeSelectorValue(std::string_view value) {
  return IsSelectorText(value, 63);
}

std::string NodeSelectorEntryPath(std::string_view key) {
  return "spec.nodeSelector[\"" + std::string(key) + "\"]";
}

bool IsKnownStopSignal(std::string_view name) {
  static constexpr std::array<std::string_view, 9> kSignals = {
      "SIGTERM", "SIGINT", "SIGQUIT", "SIGHUP", "SIGUSR1",
      "SIGUSR2", "SIGWINCH", "SIGPWR", "SIGKILL"};
  return std::find(kSignals.begin(), kSignals.end(), name) != kSignals.end();
}

namespace {

// stopSignal, preStop and drain.
Expected<void> ValidateHooks(const GameSpec& spec) {
  if (!spec.stop_signal.empty() && !IsKnownStopSignal(spec.stop_signal)) {
    return Invalid("spec.stopSignal", std::string(kStopSignalRule));
  }
  if (spec.pre_stop) {
    if (spec.pre_stop->command.empty()) {
      return Invalid("spec.preStop.command", "must not be empty");
    }
    if (spec.pre_stop->timeout_seconds < 1) {
      return Invalid("spec.preStop.timeoutSeconds", "must be >= 1");
    }
  }
  if (spec.drain) {
    const DrainPolicy& drain = *spec.drain;
    if (drain.command.empty()) {
      return Invalid("spec.drain.command", "must not be empty");
    }
    if (drain.period_seconds < 1) {
      return Invalid("spec.drain.periodSeconds", "must be >= 1");
    }
    if (drain.max_wait_seconds < 0) {
      return Invalid("spec.drain.maxWaitSeconds", "must be >= 0");
    }
    if (drain.timeout_seconds < 1) {
      return Invalid("spec.drain.timeoutSeconds", "must be >= 1");
    }
  }
  return {};
}

Expected<void> ValidateSchedule(const GameSpec& spec) {
  if (!spec.restart_schedule) return {};
  const RestartSchedule& schedule = *spec.restart_schedule;
  if (auto cron = CronExpression::Parse(schedule.cron); !cron) {
    return Invalid("spec.restartSchedule.cron", cron.error().message);
  }
  if (schedule.time_zone.empty()) {
    return Invalid("spec.restartSchedule.timeZone", "must not be empty");
  }
  if (schedule.starting_deadline_seconds && *schedule.starting_deadline_seconds < 0) {
    return Invalid("spec.restartSchedule.startingDeadlineSeconds", "must be >= 0");
  }
  for (size_t i = 0; i < schedule.warnings.size(); ++i) {
    const ScheduleWarning& warning = schedule.warnings[i];
    const std::string field = "spec.restartSchedule.warnings[" + std::to_string(i) + "]";
    if (warning.before_seconds < 1) return Invalid(field + ".before", "must be at least 1s");
    if (warning.command.empty()) return Invalid(field + ".command", "must not be empty");
    if (warning.timeout_seconds < 1) {
      return Invalid(field + ".timeoutSeconds", "must be >= 1");
    }
  }
  return {};
}

}  // namespace

Expected<void> ValidateGameSpec(const GameSpec& spec) {
  if (spec.image.empty()) return Invalid("spec.image", "must not be empty");
  for (const auto& [name, source] : spec.secret_env) {
    const std::string field = "spec.secretEnv." + name;
    if (name.empty() || name.find('=') != std::string::npos) {
      return Invalid("spec.secretEnv", "names must be non-empty and without '='");
    }
    if (spec.env.contains(name)) {
      return Invalid(field, "is also in spec.env; a variable comes from one of them");
    }
    if (!IsCleanRelativePath(source.file)) {
      return Invalid(field + ".file",
                     "must be a relative path under --secrets-dir (no '..', not absolute)");
    }
  }
  if (spec.restart_generation < 0) {
    return Invalid("spec.restartGeneration", "must be >= 0");
  }
  if (spec.stop_timeout_seconds < 0) {
    return Invalid("spec.stopTimeoutSeconds", "must be >= 0");
  }
  for (size_t i = 0; i < spec.ports.size(); ++i) {
    const PortMapping& port = spec.ports[i];
    const std::string field = "spec.ports[" + std::to_string(i) + "]";
    if (port.container_port < 1 || port.container_port > 65535) {
      return Invalid(field + ".containerPort", "must be in 1..65535");
    }
    if (port.host_port < 0 || port.host_port > 65535) {
      return Invalid(field + ".hostPort", "must be in 0..65535");
    }
    if (port.protocol != "tcp" && port.protocol != "udp") {
      return Invalid(field + ".protocol", "must be tcp or udp");
    }
    if (port.host_ip.empty()) {
      return Invalid(field + ".hostIP", "must not be empty");
    }
  }
  if (spec.health_check) {
    const HealthCheck& check = *spec.health_check;
    if (check.command.empty()) {
      return Invalid("spec.healthCheck.command", "must not be empty");
    }
    if (check.interval_seconds < 1) {
      return Invalid("spec.healthCheck.intervalSeconds", "must be >= 1");
    }
    if (check.timeout_seconds < 1) {
      return Invalid("spec.healthCheck.timeoutSeconds", "must be >= 1");
    }
    if (check.retries < 0) {
      return Invalid("spec.healthCheck.retries", "must be >= 0");
    }
  }
  if (spec.resources.memory_mib && *spec.resources.memory_mib < 4) {
    return Invalid("spec.resources.memoryMiB", "must be >= 4");
  }
  if (spec.resources.cpus && *spec.resources.cpus <= 0) {
    return Invalid("spec.resources.cpus", "must be > 0");
  }
  if (spec.max_consecutive_failures && *spec.max_consecutive_failures < 1) {
    return Invalid("spec.maxConsecutiveFailures", "must be >= 1");
  }
  if (auto volumes = ValidateVolumes(spec); !volumes) return volumes;
  if (auto hooks = ValidateHooks(spec); !hooks) return hooks;
  if (auto schedule = ValidateSchedule(spec); !schedule) return schedule;
  return ValidatePlacement(spec);
}

}  // namespace rtm
