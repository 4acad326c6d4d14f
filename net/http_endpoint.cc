#include "net/http_endpoint.h"

#include <charconv>

namespace rtm {

std::expected<HttpEndpoint, std::string> ParseTcpAuthority(
    std::string_view authority, uint16_t default_port, std::string_view text) {
  if (authority.ends_with('/')) authority.remove_suffix(1);
  if (authority.find_first_of("/?#@") != std::string_view::npos) {
    return std::unexpected("a tcp endpoint takes no path, query or user");
  }
  std::string_view host = authority;
  std::string_view port_digits;
  bool has_port = false;
  if (authority.starts_with('[')) {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      return std::unexpected("unterminated IPv6 address");
    }
    host = authority.substr(1, close - 1);
    const std::string_view rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return std::unexpected("junk after IPv6 address");
      port_digits = rest.substr(1);
      has_port = true;
    }
  } else if (const size_t colon = authority.rfind(':');
             colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port_digits = authority.substr(colon + 1);
    has_port = true;
  }
  if (host.empty()) return std::unexpected("missing host");
  if (host.find(':') != std::string_view::npos && !authority.starts_with('[')) {
    return std::unexpected("write IPv6 addresses in brackets");
  }
  HttpEndpoint endpoint;
  endpoint.transport = HttpEndpoint::Transport::kTcp;
  endpoint.host = std::string(host);
  endpoint.port = default_port;
  if (has_port) {
    unsigned value = 0;
    const auto [end, error] = std::from_chars(
        port_digits.data(), port_digits.data() + port_digits.size(), value);
    if (port_digits.empty() || error != std::errc{} ||
        end != port_digits.data() + port_digits.size() || value == 0 ||
        value > 65535) {
      return std::unexpected("bad port \"" + std::string(port_digits) + "\"");
    }
    endpoint.port = static_cast<uint16_t>(value);
  }
  endpoint.text = std::string(text);
  return endpoint;
}

}  // namespace rtm
