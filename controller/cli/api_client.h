// The HTTP conversation of the client commands with the rtmanager REST API
// (docs/contract.md §6), behind an interface so that the commands run against a fake
// in tests. Implementations never throw.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "reconcile/domain/error.h"

namespace rtm {

// One HTTP answer, whatever its status.
struct HttpReply {
  int status = 0;
  std::string body;
};

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

// Where the API is, who calls it, and whom to trust (the client commands'
// --server, --token-file, --ca-file and --insecure-skip-tls-verify).
struct ApiEndpoint {
  std::string server;        // "http(s)://host:port" or "host:port"
  std::string bearer_token;  // sent with every call; "": none
  // https: the PEM file of the CAs that may have signed the server's
  // certificate; "": the system's CAs.
  std::string ca_file;
  // https: the certificate is not checked at all (the connection is
  // encrypted but the server unauthenticated).
  bool insecure_skip_tls_verify = false;
};
using Deadline = std::chrono::steady_clock::time_point;

class ApiClient {
 public:
  virtual ~ApiClient() = default;

  // The server's base URL as the user named it, for messages.
  virtual std::string BaseUrl() const = 0;

  // `target` is the path and query, e.g. "/v1/runtimes/x/operations?limit=5".
  // kServiceUnavailable "cannot reach rtmanager at URL: ..." when no HTTP
  // answer came back; any HTTP status is a value.
  virtual Expected<HttpReply> Get(const std::string& target) = 0;
  virtual Expected<HttpReply> Post(const std::string& target,
                                   const HttpHeaders& headers) = 0;

  // A streaming GET. On a 200 answer every line of the body (without its
  // '\n') goes to `on_line` until on_line returns false, the server ends
  // the body or `deadline` passes; the reply is then {200, ""}. Any other
  // status comes back with its whole body and on_line is not called.
  // Errors as Get; a stream that breaks after the 200 simply ends.
  virtual Expected<HttpReply> Stream(
      const std::string& target, Deadline deadline,
      const std::function<bool(std::string_view line)>& on_line) = 0;
};

}  // namespace rtm
