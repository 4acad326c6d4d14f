#include "controller/docker/docker_endpoint.h"

#include <charconv>

namespace rtm {
namespace {

constexpr uint16_t kDefaultTcpPort = 2375;

std::unexpected<Error> Invalid(std::string_view text, std::string_view why) {
  return Fail(ErrorCode::kInvalidRequest,
              "invalid docker host \"" + std::string(text) +
                  "\": " + std::string(why) +
                  " (expected unix:///path/to/socket or tcp://host:port)");
}

bool ConsumePrefix(std::string_view& text, std::string_view prefix) {
  if (!text.starts_with(prefix)) return false;
  text.remove_prefix(prefix.size());
  return true;
}

Expected<DockerEndpoint> ParseUnix(std::string_view text,
                                   std::string_view path) {
  if (path.empty()) return Invalid(text, "missing socket path");
  if (path.front() != '/') return Invalid(text, "socket path must be absolute");
  DockerEndpoint endpoint;
  endpoint.transport = DockerEndpoint::Transport::kUnix;
  endpoint.socket_path = std::string(path);
  endpoint.text = std::string(text);
  return endpoint;
}

Expected<uint16_t> ParsePort(std::string_view text, std::string_view digits) {
  unsigned value = 0;
  const auto [end, error] =
      std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (digits.empty() || error != std::errc{} ||
      end != digits.data() + digits.size() || value == 0 || value > 65535) {
    return Invalid(text, "bad port \"" + std::string(digits) + "\"");
  }
  return static_cast<uint16_t>(value);
}

Expected<DockerEndpoint> ParseTcp(std::string_view text,
                                  std::string_view authority) {
  if (authority.ends_with('/')) authority.remove_suffix(1);
  if (authority.find_first_of("/?#@") != std::string_view::npos) {
    return Invalid(text, "a tcp endpoint takes no path, query or user");
  }
  std::string_view host = authority;
  std::string_view port_digits;
  bool has_port = false;
  if (authority.starts_with('[')) {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      return Invalid(text, "unterminated IPv6 address");
    }
    host = authority.substr(1, close - 1);
    const std::string_view rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return Invalid(text, "junk after IPv6 address");
      port_digits = rest.substr(1);
      has_port = true;
    }
  } else if (const size_t colon = authority.rfind(':');
             colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port_digits = authority.substr(colon + 1);
    has_port = true;
  }
  if (host.empty()) return Invalid(text, "missing host");
  if (host.find(':') != std::string_view::npos && !authority.starts_with('[')) {
    return Invalid(text, "write IPv6 addresses in brackets");
  }
  DockerEndpoint endpoint;
  endpoint.transport = DockerEndpoint::Transport::kTcp;
  endpoint.host = std::string(host);
  endpoint.port = kDefaultTcpPort;
  if (has_port) {
    auto port = ParsePort(text, port_digits);
    if (!port) return std::unexpected(port.error());
    endpoint.port = *port;
  }
  endpoint.text = std::string(text);
  return endpoint;
}

}  // namespace

std::string_view ChooseDockerHost(std::string_view flag_value,
                                  const char* docker_host_env) {
  if (!flag_value.empty()) return flag_value;
  if (docker_host_env != nullptr && *docker_host_env != '\0') {
    return docker_host_env;
  }
  return kDefaultDockerHost;
}

Expected<DockerEndpoint> ParseDockerEndpoint(std::string_view text) {
  if (text.empty()) text = kDefaultDockerHost;
  std::string_view rest = text;
  if (ConsumePrefix(rest, "unix://")) return ParseUnix(text, rest);
  if (ConsumePrefix(rest, "tcp://") || ConsumePrefix(rest, "http://")) {
    return ParseTcp(text, rest);
  }
  if (text.starts_with("https://")) {
    return Invalid(text, "TLS endpoints are not supported");
  }
  return Invalid(text, "unsupported scheme");
}

}  // namespace rtm
