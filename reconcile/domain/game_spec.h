// The desired state of one game runtime: the `spec` of a GameRuntime
// manifest (docs/contract.md §2), already validated.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reconcile/domain/error.h"

namespace rtm {

enum class DesiredState { kRunning, kStopped };

struct PortMapping {
  int container_port = 0;
  int host_port = 0;  // 0: ephemeral
  std::string protocol = "tcp";  // tcp | udp
  std::string host_ip = "127.0.0.1";

  friend bool operator==(const PortMapping&, const PortMapping&) = default;
};

struct HealthCheck {
  std::vector<std::string> command;  // argv, run inside the container
  int interval_seconds = 30;
  int timeout_seconds = 30;
  int retries = 3;

  friend bool operator==(const HealthCheck&, const HealthCheck&) = default;
};

struct Resources {
  std::optional<int64_t> memory_mib;
  std::optional<double> cpus;

  friend bool operator==(const Resources&, const Resources&) = default;
};

struct GameSpec {
  std::string image;  // the image_ref; required
  std::vector<std::string> command;  // argv; empty: the image's default
  std::map<std::string, std::string> env;
  DesiredState state = DesiredState::kRunning;
  int64_t restart_generation = 0;
  std::vector<PortMapping> ports;
  std::optional<HealthCheck> health_check;
  int stop_timeout_seconds = 10;
  Resources resources;

  friend bool operator==(const GameSpec&, const GameSpec&) = default;
};

// A game id is a DNS label: ^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$
bool IsValidGameId(std::string_view id);

// Checks the invariants every lifecycle service relies on; the error
// (kInvalidRequest) names the offending field, e.g. "spec.ports[1].hostPort".
Expected<void> ValidateGameSpec(const GameSpec& spec);

}  // namespace rtm
