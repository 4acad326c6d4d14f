// Where the Docker engine listens (docs/contract.md §3): `--docker-host`, else
// $DOCKER_HOST, else unix:///var/run/docker.sock.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "reconcile/domain/error.h"

namespace rtm {

inline constexpr std::string_view kDefaultDockerHost =
    "unix:///var/run/docker.sock";

struct DockerEndpoint {
  enum class Transport { kUnix, kTcp };

  Transport transport = Transport::kUnix;
  std::string socket_path;  // kUnix: absolute path of the socket
  std::string host;         // kTcp: name or address, without IPv6 brackets
  uint16_t port = 0;        // kTcp
  std::string text;         // as written by the operator, for messages

  friend bool operator==(const DockerEndpoint&,
                         const DockerEndpoint&) = default;
};

// The first non-empty of `flag_value` and `docker_host_env` (may be null),
// else kDefaultDockerHost.
std::string_view ChooseDockerHost(std::string_view flag_value,
                                  const char* docker_host_env);

// Accepts `unix:///abs/path`, `tcp://host:port` and `http://host:port` (port
// defaults to 2375; IPv6 as `[::1]:2375`); an empty text is the default.
// Anything else → kInvalidRequest naming the offending value.
Expected<DockerEndpoint> ParseDockerEndpoint(std::string_view text);

}  // namespace rtm
