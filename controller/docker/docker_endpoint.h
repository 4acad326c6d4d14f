// Where the Docker engine listens (docs/contract.md §3): `--docker-host`, else
// $DOCKER_HOST, else unix:///var/run/docker.sock.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "net/http_endpoint.h"
#include "reconcile/domain/error.h"

namespace rtm {

inline constexpr std::string_view kDefaultDockerHost =
    "unix:///var/run/docker.sock";

// The first non-empty of `flag_value` and `docker_host_env` (may be null),
// else kDefaultDockerHost.
std::string_view ChooseDockerHost(std::string_view flag_value,
                                  const char* docker_host_env);

// Accepts `unix:///abs/path`, `tcp://host:port` and `http://host:port` (port
// defaults to 2375; IPv6 as `[::1]:2375`); an empty text is the default.
// Anything else → kInvalidRequest naming the offending value.
Expected<HttpEndpoint> ParseDockerEndpoint(std::string_view text);

}  // namespace rtm
