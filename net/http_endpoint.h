// Where an HTTP peer listens: a unix socket or a TCP host and port. Shared
// by the Docker engine client (controller/docker/) and the etcd client
// (store/etcd/).
#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>

namespace rtm {

struct HttpEndpoint {
  enum class Transport { kUnix, kTcp };

  Transport transport = Transport::kUnix;
  std::string socket_path;  // kUnix: absolute path of the socket
  std::string host;         // kTcp: name or address, without IPv6 brackets
  uint16_t port = 0;        // kTcp
  std::string text;         // as written by the operator, for messages

  friend bool operator==(const HttpEndpoint&, const HttpEndpoint&) = default;
};

// Parses a TCP authority, `host`, `host:port` or `[v6]:port` (a trailing
// "/" allowed; no path, query or user), into a kTcp endpoint whose `text`
// is `text`. `port` defaults to `default_port`. On failure, the reason
// ("missing host", "bad port \"x\"", ...), to be wrapped by the caller into
// a message that names the flag.
std::expected<HttpEndpoint, std::string> ParseTcpAuthority(
    std::string_view authority, uint16_t default_port, std::string_view text);

}  // namespace rtm
