#include "controller/docker/docker_endpoint.h"

#include <utility>

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

Expected<HttpEndpoint> ParseUnix(std::string_view text,
                                   std::string_view path) {
  if (path.empty()) return Invalid(text, "missing socket path");
  if (path.front() != '/') return Invalid(text, "socket path must be absolute");
  HttpEndpoint endpoint;
  endpoint.transport = HttpEndpoint::Transport::kUnix;
  endpoint.socket_path = std::string(path);
  endpoint.text = std::string(text);
  return endpoint;
}

Expected<HttpEndpoint> ParseTcp(std::string_view text,
                                std::string_view authority) {
  auto endpoint = ParseTcpAuthority(authority, kDefaultTcpPort, text);
  if (!endpoint) return Invalid(text, endpoint.error());
  return *std::move(endpoint);
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

Expected<HttpEndpoint> ParseDockerEndpoint(std::string_view text) {
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
