// Where an HTTP peer listens: a unix socket or a TCP host and port. Shared
// by the Docker engine client (controller/docker/) and the etcd client
// (store/etcd/).
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>

namespace rtm {

// TLS on a TCP endpoint: the peer's certificate is verified (chain and
// host name) against `ca_file` ("": the system's CAs); `cert_file` and
// `key_file` ("": none) are this client's certificate, for peers that ask.
struct HttpTls {
  std::string ca_file;
  std::string cert_file;
  std::string key_file;

  friend bool operator==(const HttpTls&, const HttpTls&) = default;
};

struct HttpEndpoint {
  enum class Transport { kUnix, kTcp };

  Transport transport = Transport::kUnix;
  std::string socket_path;  // kUnix: absolute path of the socket
  std::string host;         // kTcp: name or address, without IPv6 brackets
  uint16_t port = 0;        // kTcp
  std::string text;         // as written by the operator, for messages
  std::optional<HttpTls> tls;  // kTcp: HTTPS when set

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
