#include "controller/docker/docker_http_client.h"

#include <nlohmann/json.hpp>

namespace rtm {
namespace {

std::string FormatDuration(Duration duration) {
  if (duration.count() % 1000 == 0) {
    return std::to_string(duration.count() / 1000) + "s";
  }
  return std::to_string(duration.count()) + "ms";
}

std::string RequestLine(const HttpRequest& request) {
  std::string line(ToString(request.method));
  line += ' ';
  line += request.target;
  return line;
}

std::unexpected<Error> Unreachable(std::string_view endpoint_text,
                                   std::string_view detail) {
  return Fail(ErrorCode::kServiceUnavailable,
              "docker engine at " + std::string(endpoint_text) +
                  " unreachable: " + std::string(detail));
}

std::unexpected<Error> CallFailed(std::string_view endpoint_text,
                                  const HttpRequest& request,
                                  const TransportError& error,
                                  Duration timeout) {
  std::string detail = RequestLine(request) + ": " + error.message;
  if (error.timed_out) detail += " after " + FormatDuration(timeout);
  return Unreachable(endpoint_text, detail);
}

HttpRequest MakeRequest(HttpMethod method, std::string_view path,
                        std::optional<std::string> json_body) {
  std::string target(kDockerApiPrefix);
  target += path;
  return HttpRequest{method, std::move(target), std::move(json_body)};
}

std::unexpected<Error> Unexpected(std::string_view what,
                                  const std::exception& error) {
  return Fail(ErrorCode::kInternal,
              std::string(what) + ": unexpected error: " + error.what());
}

}  // namespace

HttpBodyStream::HttpBodyStream(std::unique_ptr<HttpConnection> connection,
                               std::string endpoint_text)
    : connection_(std::move(connection)),
      endpoint_text_(std::move(endpoint_text)) {}

Expected<std::optional<std::string>> HttpBodyStream::ReadSome(
    Deadline deadline) {
  try {
    auto bytes = connection_->ReadBodySome(deadline);
    if (!bytes) {
      if (bytes.error().body_ended) ended_ = true;
      return Fail(ErrorCode::kServiceUnavailable,
                  "docker engine at " + endpoint_text_ +
                      ": stream broken: " + bytes.error().message);
    }
    return std::move(*bytes);
  } catch (const std::exception& error) {
    return Unexpected("read docker stream", error);
  }
}

DockerHttpClient::DockerHttpClient(HttpEndpoint endpoint)
    : endpoint_(std::move(endpoint)) {}

DockerHttpClient::~DockerHttpClient() = default;

Expected<HttpResponse> DockerHttpClient::Get(std::string_view path,
                                             Duration timeout) {
  return Call(HttpMethod::kGet, path, std::nullopt, timeout);
}

Expected<HttpResponse> DockerHttpClient::Call(
    HttpMethod method, std::string_view path,
    std::optional<std::string> json_body, Duration timeout) {
  try {
    return CallOnce(MakeRequest(method, path, std::move(json_body)), timeout);
  } catch (const std::exception& error) {
    return Unexpected("docker call", error);
  }
}

Expected<HttpResponse> DockerHttpClient::CallOnce(const HttpRequest& request,
                                                  Duration timeout) {
  const Deadline deadline = std::chrono::steady_clock::now() + timeout;
  bool retrying = false;
  for (;;) {
    auto lease = Acquire(deadline, /*fresh=*/retrying);
    if (!lease) {
      return CallFailed(endpoint_.text, request, lease.error(), timeout);
    }
    auto response = lease->connection->RoundTrip(request, deadline);
    if (response) {
      Release(std::move(lease->connection));
      return std::move(*response);
    }
    if (lease->reused && !retrying && response.error().closed_before_response) {
      retrying = true;
      continue;
    }
    return CallFailed(endpoint_.text, request, response.error(), timeout);
  }
}

Expected<std::unique_ptr<HttpBodyStream>> DockerHttpClient::OpenStream(
    std::string_view path, Duration header_timeout) {
  return OpenStream(HttpMethod::kGet, path, std::nullopt, header_timeout);
}

Expected<std::unique_ptr<HttpBodyStream>> DockerHttpClient::OpenStream(
    HttpMethod method, std::string_view path,
    std::optional<std::string> json_body, Duration header_timeout) {
  try {
    const HttpRequest request = MakeRequest(method, path, std::move(json_body));
    const Deadline deadline = std::chrono::steady_clock::now() + header_timeout;
    auto connection = ConnectHttp(endpoint_, deadline);
    if (!connection) {
      return CallFailed(endpoint_.text, request, connection.error(),
                        header_timeout);
    }
    auto status = (*connection)->StartStreaming(request, deadline);
    if (!status) {
      return CallFailed(endpoint_.text, request, status.error(),
                        header_timeout);
    }
    auto stream = std::make_unique<HttpBodyStream>(std::move(*connection),
                                                   endpoint_.text);
    if (*status == 200) return stream;

    HttpResponse refusal{*status, {}};
    while (refusal.body.size() < 64 * 1024) {
      auto bytes = stream->ReadSome(deadline);
      if (!bytes || !*bytes) break;
      refusal.body += **bytes;
    }
    return Fail(*status == 404 ? ErrorCode::kNotFound : ErrorCode::kServiceUnavailable,
                RequestLine(request) + ": docker engine at " + endpoint_.text +
                    " refused: " + EngineMessage(refusal) + " (HTTP " +
                    std::to_string(*status) + ")");
  } catch (const std::exception& error) {
    return Unexpected("open docker stream", error);
  }
}

TransportExpected<DockerHttpClient::Lease> DockerHttpClient::Acquire(
    Deadline deadline, bool fresh) {
  std::vector<std::unique_ptr<HttpConnection>> stale;
  if (!fresh) {
    std::lock_guard lock(mutex_);
    while (!idle_.empty()) {
      auto connection = std::move(idle_.back());
      idle_.pop_back();
      if (!connection->PeerClosedWhileIdle()) {
        return Lease{std::move(connection), true};
      }
      stale.push_back(std::move(connection));
    }
  }
  auto connection = ConnectHttp(endpoint_, deadline);
  if (!connection) return std::unexpected(connection.error());
  return Lease{std::move(*connection), false};
}

void DockerHttpClient::Release(std::unique_ptr<HttpConnection> connection) {
  if (!connection->Reusable()) return;
  std::lock_guard lock(mutex_);
  if (idle_.size() < kMaxIdleConnections) {
    idle_.push_back(std::move(connection));
  }
}

std::string EngineMessage(const HttpResponse& response) {
  const auto body = nlohmann::json::parse(response.body, nullptr, false);
  if (body.is_object()) {
    const auto message = body.find("message");
    if (message != body.end() && message->is_string()) {
      return message->get<std::string>();
    }
  }
  std::string text = response.body;
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
    text.pop_back();
  }
  if (text.empty()) return "HTTP " + std::to_string(response.status);
  return text;
}

}  // namespace rtm
