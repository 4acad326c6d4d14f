// HTTP calls to the Docker Engine API at one endpoint, over a small pool of
// keep-alive connections. Thread-safe: each call takes a connection of its
// own (reused when one is idle), so concurrent calls never share one.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "controller/docker/docker_endpoint.h"
#include "net/http_connection.h"
#include "reconcile/domain/error.h"
#include "reconcile/domain/time.h"

namespace rtm {

// Every path is sent below this API version prefix.
inline constexpr std::string_view kDockerApiPrefix = "/v1.41";

// A streamed response body on a dedicated connection (never pooled). Used
// by one thread at a time.
class HttpBodyStream {
 public:
  HttpBodyStream(std::unique_ptr<HttpConnection> connection,
                 std::string endpoint_text);

  // Body bytes received before `deadline` (possibly empty); nullopt when
  // nothing arrived by then. The body ending or the connection breaking →
  // kServiceUnavailable, and every later call fails the same way; ended()
  // then tells which.
  Expected<std::optional<std::string>> ReadSome(Deadline deadline);

  // True once ReadSome found the body ended as the engine meant it to.
  bool ended() const { return ended_; }

 private:
  std::unique_ptr<HttpConnection> connection_;
  std::string endpoint_text_;
  bool ended_ = false;
};

// Transport failures and timeouts → kServiceUnavailable, with a message
// that names the endpoint ("docker engine at unix:///... unreachable: ...").
// Any HTTP status is a successful call: the caller interprets it.
class DockerHttpClient {
 public:
  static constexpr Duration kDefaultTimeout = std::chrono::seconds(10);
  static constexpr size_t kMaxIdleConnections = 8;

  explicit DockerHttpClient(HttpEndpoint endpoint);
  ~DockerHttpClient();
  DockerHttpClient(const DockerHttpClient&) = delete;
  DockerHttpClient& operator=(const DockerHttpClient&) = delete;

  // `path` is below kDockerApiPrefix, query included: "/containers/json".
  // A pooled connection found closed by the engine is replaced
  // transparently, once.
  Expected<HttpResponse> Call(HttpMethod method, std::string_view path,
                              std::optional<std::string> json_body,
                              Duration timeout = kDefaultTimeout);
  Expected<HttpResponse> Get(std::string_view path,
                             Duration timeout = kDefaultTimeout);

  // Opens a dedicated connection, sends GET `path` and reads the response
  // header by `header_timeout`. 404 → kNotFound, any other status than 200
  // → kServiceUnavailable, with the engine's message.
  Expected<std::unique_ptr<HttpBodyStream>> OpenStream(
      std::string_view path, Duration header_timeout = kDefaultTimeout);
  // The same for any method, with a JSON body (POST /exec/{id}/start).
  Expected<std::unique_ptr<HttpBodyStream>> OpenStream(
      HttpMethod method, std::string_view path,
      std::optional<std::string> json_body, Duration header_timeout);

  const HttpEndpoint& endpoint() const { return endpoint_; }

 private:
  struct Lease {
    std::unique_ptr<HttpConnection> connection;
    bool reused = false;
  };

  // Unless `fresh`, an idle pooled connection the engine has not closed;
  // else a new one.
  TransportExpected<Lease> Acquire(Deadline deadline, bool fresh);
  void Release(std::unique_ptr<HttpConnection> connection);
  Expected<HttpResponse> CallOnce(const HttpRequest& request, Duration timeout);

  const HttpEndpoint endpoint_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<HttpConnection>> idle_;  // guarded by mutex_
};

// The engine's explanation of a refusal: the `message` of its JSON error
// body, else the body itself, else "HTTP <status>".
std::string EngineMessage(const HttpResponse& response);

}  // namespace rtm
