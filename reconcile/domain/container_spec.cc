#include "reconcile/domain/container_spec.h"

#include <algorithm>

#include <cmath>
#include <cstdio>

namespace rtm {
namespace {

// Bump when the canonical form below changes meaning; the scheme prefix makes
// an old hash differ visibly instead of silently matching.
constexpr std::string_view kSpecHashScheme = "v1";

// Length-prefixed fields, so that no two different specs share a form.
class CanonicalWriter {
 public:
  void Field(std::string_view text) {
    out_ += std::to_string(text.size());
    out_ += ':';
    out_ += text;
  }
  void Field(int64_t number) { Field(std::to_string(number)); }
  void Field(double number) {
    char text[32];
    std::snprintf(text, sizeof text, "%.6f", number);
    Field(std::string_view(text));
  }
  const std::string& str() const { return out_; }

 private:
  std::string out_;
};

uint64_t Fnv1a64(std::string_view bytes) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char byte : bytes) {
    hash ^= byte;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

}  // namespace

std::string ContainerName(std::string_view game_id) {
  return "rtm-" + std::string(game_id);
}

// nodeName and nodeSelector are left out on purpose: where a game runs is
// not how its container is made, and hashing them would recreate every
// container when placement is added to a spec.
std::string SpecHash(const GameSpec& spec) {
  CanonicalWriter w;
  w.Field(spec.image);
  w.Field(static_cast<int64_t>(spec.command.size()));
  for (const auto& arg : spec.command) w.Field(arg);
  w.Field(static_cast<int64_t>(spec.env.size()));
  for (const auto& [key, value] : spec.env) {
    w.Field(key);
    w.Field(value);
  }
  w.Field(static_cast<int64_t>(spec.ports.size()));
  for (const auto& port : spec.ports) {
    w.Field(static_cast<int64_t>(port.container_port));
    w.Field(static_cast<int64_t>(port.host_port));
    w.Field(port.protocol);
    w.Field(port.host_ip);
  }
  w.Field(static_cast<int64_t>(spec.health_check.has_value()));
  if (spec.health_check) {
    w.Field(static_cast<int64_t>(spec.health_check->command.size()));
    for (const auto& arg : spec.health_check->command) w.Field(arg);
    w.Field(static_cast<int64_t>(spec.health_check->interval_seconds));
    w.Field(static_cast<int64_t>(spec.health_check->timeout_seconds));
    w.Field(static_cast<int64_t>(spec.health_check->retries));
  }
  w.Field(static_cast<int64_t>(spec.stop_timeout_seconds));
  w.Field(spec.resources.memory_mib.value_or(-1));
  w.Field(spec.resources.cpus.value_or(-1.0));
  if (!spec.volumes.empty()) {
    w.Field(std::string("volumes"));
    w.Field(static_cast<int64_t>(spec.volumes.size()));
    for (const VolumeMount& volume : spec.volumes) {
      w.Field(volume.name);
      w.Field(volume.mount_path);
      w.Field(static_cast<int64_t>(volume.read_only));
      w.Field(volume.host_path);
    }
  }
  if (!spec.stop_signal.empty()) {
    w.Field(std::string("stopSignal"));
    w.Field(spec.stop_signal);
  }
  if (!spec.secret_env.empty()) {
    // The digests, never the values (which are not in the spec).
    w.Field(std::string("secretEnv"));
    w.Field(static_cast<int64_t>(spec.secret_env.size()));
    for (const auto& [name, source] : spec.secret_env) {
      w.Field(name);
      w.Field(source.file);
      w.Field(source.digest);
    }
  }

  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx",
                static_cast<unsigned long long>(Fnv1a64(w.str())));
  return std::string(kSpecHashScheme) + "-" + hex;
}

bool FollowFieldsOutsideContainer(GameSpec& spec, const GameSpec& desired) {
  bool changed = false;
  const auto follow = [&changed](auto& field, const auto& wanted) {
    if (field == wanted) return;
    field = wanted;
    changed = true;
  };
  follow(spec.pre_stop, desired.pre_stop);
  follow(spec.drain, desired.drain);
  follow(spec.volume_reclaim_policy, desired.volume_reclaim_policy);
  follow(spec.max_consecutive_failures, desired.max_consecutive_failures);
  follow(spec.node_name, desired.node_name);
  follow(spec.node_selector, desired.node_selector);
  return changed;
}

std::string VolumeName(std::string_view game_id, std::string_view volume) {
  return "rtm-" + std::string(game_id) + "-" + std::string(volume);
}

std::vector<std::string> NamedVolumesOf(std::string_view game_id, const GameSpec& spec) {
  std::vector<std::string> names;
  for (const VolumeMount& volume : spec.volumes) {
    if (volume.host_path.empty()) names.push_back(VolumeName(game_id, volume.name));
  }
  return names;
}

std::map<std::string, std::string> OwnedSelector(std::string_view network) {
  return {{std::string(kLabelManaged), "true"},
          {std::string(kLabelNetwork), std::string(network)}};
}

bool IsOwned(const std::map<std::string, std::string>& labels,
             std::string_view network) {
  auto managed = labels.find(std::string(kLabelManaged));
  auto owner = labels.find(std::string(kLabelNetwork));
  return managed != labels.end() && managed->second == "true" &&
         owner != labels.end() && owner->second == network;
}

ContainerSpec WithSecretValues(ContainerSpec spec,
                               const std::map<std::string, std::string>& values) {
  for (const auto& [name, value] : values) spec.env.push_back(name + "=" + value);
  std::sort(spec.env.begin(), spec.env.end(), [](const std::string& a, const std::string& b) {
    return std::string_view(a).substr(0, a.find('=')) < std::string_view(b).substr(0, b.find('='));
  });
  return spec;
}

ContainerSpec BuildContainerSpec(const ContainerIdentity& identity,
                                 const GameSpec& spec,
                                 std::string_view network) {
  ContainerSpec out;
  out.name = ContainerName(identity.game_id);
  out.hostname = identity.game_id;
  out.image = spec.image;
  out.command = spec.command;
  for (const auto& [key, value] : spec.env) out.env.push_back(key + "=" + value);
  out.labels = {
      {std::string(kLabelManaged), "true"},
      {std::string(kLabelGame), identity.game_id},
      {std::string(kLabelGeneration), std::to_string(identity.generation)},
      {std::string(kLabelRestartGeneration),
       std::to_string(spec.restart_generation)},
      {std::string(kLabelSpecHash), SpecHash(spec)},
      {std::string(kLabelImage), spec.image},
      {std::string(kLabelNetwork), std::string(network)},
  };
  out.network = std::string(network);
  out.network_aliases = {identity.game_id};
  out.init = true;
  out.stop_timeout_seconds = spec.stop_timeout_seconds;
  out.stop_signal = spec.stop_signal;
  out.ports = spec.ports;
  out.health_check = spec.health_check;
  if (spec.resources.memory_mib) {
    out.memory_bytes = *spec.resources.memory_mib * 1024 * 1024;
  }
  if (spec.resources.cpus) {
    out.nano_cpus = std::llround(*spec.resources.cpus * 1e9);
  }
  for (const VolumeMount& volume : spec.volumes) {
    ContainerMount mount{.bind = !volume.host_path.empty(),
                         .source = volume.host_path,
                         .target = volume.mount_path,
                         .read_only = volume.read_only};
    if (!mount.bind) {
      mount.source = VolumeName(identity.game_id, volume.name);
      mount.volume_labels = {{std::string(kLabelManaged), "true"},
                             {std::string(kLabelVolumeOf), identity.game_id},
                             {std::string(kLabelNetwork), std::string(network)}};
    }
    out.mounts.push_back(std::move(mount));
  }
  return out;
}

}  // namespace rtm
