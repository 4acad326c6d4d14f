// One HTTP/1.1 connection (unix socket or TCP), with every operation bounded
// by a deadline. Transport only: no Docker or etcd semantics.
#pragma once

#include <chrono>
#include <expected>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "net/http_endpoint.h"

namespace rtm {

using Deadline = std::chrono::steady_clock::time_point;

enum class HttpMethod { kGet, kPost, kDelete };

std::string_view ToString(HttpMethod method);

struct HttpRequest {
  HttpMethod method = HttpMethod::kGet;
  std::string target;  // origin form: "/v1.41/containers/json?all=1"
  std::optional<std::string> json_body;
  // Extra request headers (name, value); Host, User-Agent, Content-Type
  // and Content-Length are set by the connection.
  std::vector<std::pair<std::string, std::string>> headers;
};

struct HttpResponse {
  int status = 0;
  std::string body;
};

struct TransportError {
  std::string message;  // "connect: Connection refused", "timed out", ...
  bool timed_out = false;
  // The peer closed without sending a byte of the response: the request may
  // be retried once on a fresh connection when this one was reused.
  bool closed_before_response = false;
  // ReadBodySome: the streamed body ended as the server meant it to (not
  // a broken connection).
  bool body_ended = false;
};

template <typename T>
using TransportExpected = std::expected<T, TransportError>;

// Used by one thread at a time. A failed or timed-out operation closes the
// connection for good: Reusable() is then false.
class HttpConnection {
 public:
  virtual ~HttpConnection() = default;

  // Sends `request` and reads the complete response.
  virtual TransportExpected<HttpResponse> RoundTrip(const HttpRequest& request,
                                                    Deadline deadline) = 0;

  // Sends `request` and reads the response header only; returns the status.
  // The body is then read piece by piece with ReadBodySome.
  virtual TransportExpected<int> StartStreaming(const HttpRequest& request,
                                                Deadline deadline) = 0;

  // The next body bytes of a streamed response (possibly none yet); nullopt
  // when `deadline` passes first, in which case the read stays pending and
  // the stream stays usable. An error when the body ended (body_ended) or
  // the connection broke.
  virtual TransportExpected<std::optional<std::string>> ReadBodySome(
      Deadline deadline) = 0;

  // True after a complete keep-alive response.
  virtual bool Reusable() const = 0;

  // True when the peer closed the idle connection, or sent bytes nobody
  // asked for: either way it cannot serve another request.
  virtual bool PeerClosedWhileIdle() = 0;

  // Callable from any thread, also while another thread is inside a call:
  // shuts the socket down, so that the call in progress (or the next one)
  // fails promptly instead of waiting for its deadline.
  virtual void Interrupt() = 0;
};

TransportExpected<std::unique_ptr<HttpConnection>> ConnectHttp(
    const HttpEndpoint& endpoint, Deadline deadline);

}  // namespace rtm
