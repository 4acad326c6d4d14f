#include "store/etcd/etcd_client.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include <nlohmann/json.hpp>

namespace rtm::etcd {
namespace {

// etcd's gRPC metadata "hasleader=true", as the gateway forwards it: a
// member without a leader answers UNAVAILABLE "no leader".
const std::pair<std::string, std::string> kRequireLeader{
    "Grpc-Metadata-hasleader", "true"};

constexpr int kGrpcOutOfRange = 11;
constexpr int kGrpcUnavailable = 14;

Deadline DeadlineIn(Duration timeout) {
  return std::chrono::steady_clock::now() +
         std::chrono::duration_cast<std::chrono::steady_clock::duration>(
             timeout);
}

HttpRequest Post(std::string_view path, std::string body) {
  HttpRequest request;
  request.method = HttpMethod::kPost;
  request.target = std::string(path);
  request.json_body = std::move(body);
  request.headers.push_back(kRequireLeader);
  return request;
}

// etcd's refusal of a token that lapsed (or of a member restarted since).
bool IsStaleToken(const Error& error) {
  return error.message.find("invalid auth token") != std::string::npos;
}

std::string RefusalText(const HttpResponse& response) {
  if (auto error = DecodeGatewayError(response.body)) {
    return error->message.empty() ? "HTTP " + std::to_string(response.status)
                                  : error->message;
  }
  return "HTTP " + std::to_string(response.status);
}

}  // namespace

struct Client::Endpoint {
  HttpEndpoint address;
  std::mutex mutex;
  std::vector<std::unique_ptr<HttpConnection>> idle;  // guarded by mutex
};

WatchStream::WatchStream(std::unique_ptr<HttpConnection> connection,
                         std::string endpoint_text,
                         std::shared_ptr<TrafficCounters> traffic)
    : connection_(std::move(connection)),
      endpoint_text_(std::move(endpoint_text)),
      traffic_(std::move(traffic)) {}

Expected<std::optional<WatchResponse>> WatchStream::Next(Deadline deadline) {
  while (true) {
    if (done_) {
      return Fail(ErrorCode::kServiceUnavailable,
                  "etcd watch at " + endpoint_text_ + " ended");
    }
    if (auto message = decoder_.Next()) {
      if (!*message) done_ = true;
      if (!*message) return std::unexpected(message->error());
      return std::optional<WatchResponse>(**std::move(message));
    }
    auto bytes = connection_->ReadBodySome(deadline);
    if (!bytes) {
      // The body ended: a final message may be buffered without newline.
      decoder_.End();
      if (auto message = decoder_.Next()) {
        done_ = true;
        if (!*message) return std::unexpected(message->error());
        return std::optional<WatchResponse>(**std::move(message));
      }
      done_ = true;
      return Fail(ErrorCode::kServiceUnavailable,
                  "etcd watch at " + endpoint_text_ +
                      " broke: " + bytes.error().message);
    }
    if (!bytes->has_value()) return std::optional<WatchResponse>();
    if (traffic_) traffic_->bytes_received += (*bytes)->size();
    decoder_.Feed(**bytes);
  }
}

void WatchStream::Interrupt() { connection_->Interrupt(); }

Client::Client(std::vector<HttpEndpoint> endpoints, ClientOptions options)
    : options_(options), traffic_(std::make_shared<TrafficCounters>()) {
  for (HttpEndpoint& address : endpoints) {
    auto endpoint = std::make_unique<Endpoint>();
    endpoint->address = std::move(address);
    endpoints_.push_back(std::move(endpoint));
  }
}

Client::~Client() = default;

Client::Traffic Client::traffic() const {
  return Traffic{traffic_->requests.load(), traffic_->watches.load(),
                 traffic_->bytes_sent.load(), traffic_->bytes_received.load()};
}

std::string Client::EndpointsText() const {
  std::string text;
  for (const auto& endpoint : endpoints_) {
    if (!text.empty()) text += ",";
    text += endpoint->address.text;
  }
  return text;
}

TransportExpected<std::unique_ptr<HttpConnection>> Client::Acquire(
    Endpoint& endpoint, Deadline deadline, bool& reused) {
  {
    std::lock_guard lock(endpoint.mutex);
    while (!endpoint.idle.empty()) {
      std::unique_ptr<HttpConnection> connection =
          std::move(endpoint.idle.back());
      endpoint.idle.pop_back();
      if (!connection->PeerClosedWhileIdle()) {
        reused = true;
        return connection;
      }
    }
  }
  reused = false;
  return ConnectHttp(endpoint.address,
                     std::min(deadline, DeadlineIn(options_.connect_timeout)));
}

void Client::Release(Endpoint& endpoint,
                     std::unique_ptr<HttpConnection> connection) {
  if (!connection->Reusable()) return;
  std::lock_guard lock(endpoint.mutex);
  if (endpoint.idle.size() < kMaxIdleConnectionsPerEndpoint) {
    endpoint.idle.push_back(std::move(connection));
  }
}

Expected<std::string> Client::Call(std::string_view path, std::string body,
                                   Retry retry) {
  Expected<std::string> token = AuthToken("");
  if (!token) return std::unexpected(token.error());
  Expected<std::string> answer = Send(path, body, retry, *token);
  // A simple token lapses after --auth-token-ttl: one new one, once.
  if (!answer && !token->empty() && IsStaleToken(answer.error())) {
    token = AuthToken(*token);
    if (!token) return std::unexpected(token.error());
    answer = Send(path, body, retry, *token);
  }
  return answer;
}

Expected<std::string> Client::AuthToken(const std::string& stale) {
  if (options_.user.empty()) return std::string();
  std::lock_guard lock(auth_mutex_);
  if (!auth_token_.empty() && auth_token_ != stale) return auth_token_;
  const nlohmann::json credentials{{"name", options_.user}, {"password", options_.password}};
  Expected<std::string> answer =
      Send("/v3/auth/authenticate", credentials.dump(), Retry::kReadOnly, "");
  if (!answer) {
    return Fail(answer.error().code == ErrorCode::kServiceUnavailable
                    ? ErrorCode::kServiceUnavailable
                    : ErrorCode::kInvalidRequest,
                "etcd authentication as user \"" + options_.user +
                    "\": " + answer.error().message);
  }
  const nlohmann::json decoded = nlohmann::json::parse(*answer, nullptr, false);
  if (!decoded.is_object() || !decoded.contains("token") || !decoded["token"].is_string()) {
    return Fail(ErrorCode::kInternal, "etcd authentication as user \"" + options_.user +
                                          "\": no token in the answer");
  }
  auth_token_ = decoded["token"].get<std::string>();
  return auth_token_;
}

Expected<std::string> Client::Send(std::string_view path, const std::string& body,
                                   Retry retry, const std::string& token) {
  const Deadline deadline = DeadlineIn(options_.call_timeout);
  HttpRequest request = Post(path, body);
  if (!token.empty()) request.headers.emplace_back("Authorization", token);
  const size_t first = preferred_.load();
  std::string last_failure = "no endpoint tried";
  // Each endpoint once, then around again while time is left.
  for (size_t attempt = 0; std::chrono::steady_clock::now() < deadline;
       ++attempt) {
    if (attempt >= endpoints_.size() * 4) break;
    const size_t index = (first + attempt) % endpoints_.size();
    Endpoint& endpoint = *endpoints_[index];
    bool reused = false;
    auto connection = Acquire(endpoint, deadline, reused);
    if (!connection) {
      last_failure = endpoint.address.text + ": " + connection.error().message;
      continue;  // nothing was sent
    }
    ++traffic_->requests;
    traffic_->bytes_sent += request.target.size() + request.json_body->size();
    auto response = (*connection)->RoundTrip(request, deadline);
    if (response) traffic_->bytes_received += response->body.size();
    if (!response) {
      last_failure = endpoint.address.text + ": " + response.error().message;
      const bool unsent = response.error().closed_before_response && reused;
      if (retry == Retry::kReadOnly || unsent) continue;
      return Fail(ErrorCode::kServiceUnavailable,
                  "etcd at " + endpoint.address.text + " did not answer " +
                      std::string(path) + " (" + response.error().message +
                      "); the write may or may not have been applied");
    }
    Release(endpoint, *std::move(connection));
    if (response->status == 200) {
      preferred_.store(index);
      return std::move(response->body);
    }
    const auto error = DecodeGatewayError(response->body);
    if (error && error->grpc_code == kGrpcUnavailable) {
      // "no leader" is refused before anything is applied; other
      // UNAVAILABLE answers (a leader change) may follow a write.
      last_failure = endpoint.address.text + ": " + error->message;
      const bool unapplied =
          error->message.find("no leader") != std::string::npos;
      if (retry == Retry::kReadOnly || unapplied) continue;
      return Fail(ErrorCode::kServiceUnavailable,
                  "etcd at " + endpoint.address.text + " answered " +
                      std::string(path) + " with \"" + error->message +
                      "\"; the write may or may not have been applied");
    }
    if (error && error->grpc_code == kGrpcOutOfRange) {
      return Fail(ErrorCode::kConflict, "etcd at " + endpoint.address.text +
                                            " refused " + std::string(path) +
                                            ": " + error->message);
    }
    return Fail(ErrorCode::kInternal, "etcd at " + endpoint.address.text +
                                          " refused " + std::string(path) +
                                          ": " + RefusalText(*response));
  }
  return Fail(ErrorCode::kServiceUnavailable,
              "etcd unreachable at " + EndpointsText() + " (" + last_failure +
                  ")");
}

Expected<RangeResponse> Client::Range(const RangeRequest& request) {
  auto body = Call("/v3/kv/range", EncodeRange(request), Retry::kReadOnly);
  if (!body) return std::unexpected(body.error());
  return DecodeRange(*body);
}

Expected<TxnResponse> Client::Txn(const TxnRequest& request) {
  const bool writes = std::ranges::any_of(
                          request.success,
                          [](const Operation& op) {
                            return op.kind != Operation::Kind::kRange;
                          }) ||
                      std::ranges::any_of(request.failure, [](const Operation& op) {
                        return op.kind != Operation::Kind::kRange;
                      });
  auto body = Call("/v3/kv/txn", EncodeTxn(request),
                   writes ? Retry::kWrite : Retry::kReadOnly);
  if (writes) {
    const std::lock_guard lock(write_health_mutex_);
    if (body) {
      write_failure_.reset();
    } else if (body.error().code == ErrorCode::kServiceUnavailable ||
               body.error().code == ErrorCode::kInternal) {
      write_failure_ = body.error();
    }
  }
  if (!body) return std::unexpected(body.error());
  return DecodeTxn(*body);
}

Expected<void> Client::Writable() const {
  const std::lock_guard lock(write_health_mutex_);
  if (!write_failure_) return {};
  return Fail(write_failure_->code, "the store takes no writes: " + write_failure_->message);
}

Expected<void> Client::Compact(int64_t revision, bool physical) {
  auto body = Call("/v3/kv/compaction", EncodeCompaction(revision, physical),
                   Retry::kReadOnly);  // compacting twice is harmless
  if (!body) {
    if (body.error().code == ErrorCode::kConflict &&
        body.error().message.find("compacted") != std::string::npos) {
      return {};
    }
    return std::unexpected(body.error());
  }
  return {};
}

Expected<LeaseGrant> Client::GrantLease(int64_t ttl_seconds) {
  auto body = Call("/v3/lease/grant", EncodeLeaseGrant(ttl_seconds),
                   Retry::kWrite);
  if (!body) return std::unexpected(body.error());
  return DecodeLeaseGrant(*body);
}

Expected<LeaseGrant> Client::KeepAliveOnce(int64_t lease_id) {
  auto body = Call("/v3/lease/keepalive", EncodeLeaseId(lease_id),
                   Retry::kReadOnly);  // a renewal may be repeated
  if (!body) return std::unexpected(body.error());
  return DecodeLeaseKeepAlive(*body);
}

Expected<void> Client::RevokeLease(int64_t lease_id) {
  auto body = Call("/v3/lease/revoke", EncodeLeaseId(lease_id),
                   Retry::kReadOnly);  // revoking twice is harmless
  if (!body) return std::unexpected(body.error());
  return {};
}

Expected<LeaseTimeToLive> Client::TimeToLive(int64_t lease_id) {
  auto body = Call("/v3/lease/timetolive", EncodeLeaseId(lease_id),
                   Retry::kReadOnly);
  if (!body) return std::unexpected(body.error());
  return DecodeLeaseTimeToLive(*body);
}

Expected<std::unique_ptr<WatchStream>> Client::Watch(
    const WatchRequest& request) {
  Expected<std::string> token = AuthToken("");
  if (!token) return std::unexpected(token.error());
  auto stream = OpenWatch(request, *token);
  if (!stream && !token->empty() && IsStaleToken(stream.error())) {
    token = AuthToken(*token);
    if (!token) return std::unexpected(token.error());
    stream = OpenWatch(request, *token);
  }
  return stream;
}

Expected<std::unique_ptr<WatchStream>> Client::OpenWatch(const WatchRequest& request,
                                                         const std::string& token) {
  const Deadline deadline = DeadlineIn(options_.call_timeout);
  HttpRequest http = Post("/v3/watch", EncodeWatchCreate(request));
  if (!token.empty()) http.headers.emplace_back("Authorization", token);
  const size_t first = preferred_.load();
  std::string last_failure = "no endpoint tried";
  for (size_t attempt = 0; attempt < endpoints_.size() * 4 &&
                           std::chrono::steady_clock::now() < deadline;
       ++attempt) {
    const size_t index = (first + attempt) % endpoints_.size();
    const HttpEndpoint& address = endpoints_[index]->address;
    auto connection = ConnectHttp(
        address, std::min(deadline, DeadlineIn(options_.connect_timeout)));
    if (!connection) {
      last_failure = address.text + ": " + connection.error().message;
      continue;
    }
    ++traffic_->watches;
    traffic_->bytes_sent += http.target.size() + http.json_body->size();
    auto status = (*connection)->StartStreaming(http, deadline);
    if (!status) {
      last_failure = address.text + ": " + status.error().message;
      continue;
    }
    auto stream = std::make_unique<WatchStream>(*std::move(connection),
                                                address.text, traffic_);
    if (*status != 200) {
      last_failure = address.text + ": HTTP " + std::to_string(*status);
      continue;
    }
    // The first message confirms the watch (or refuses it).
    auto created = stream->Next(deadline);
    if (!created || !created->has_value()) {
      last_failure = address.text + ": " +
                     (created ? std::string("no answer in time")
                              : created.error().message);
      continue;
    }
    if ((*created)->canceled) {
      if ((*created)->compact_revision != 0) {
        return Fail(ErrorCode::kConflict,
                    "etcd watch from revision " +
                        std::to_string(request.start_revision) +
                        " refused: history compacted up to " +
                        std::to_string((*created)->compact_revision));
      }
      return Fail(ErrorCode::kInternal,
                  "etcd at " + address.text + " refused the watch: " +
                      (*created)->cancel_reason);
    }
    preferred_.store(index);
    return stream;
  }
  return Fail(ErrorCode::kServiceUnavailable,
              "etcd unreachable at " + EndpointsText() + " (" + last_failure +
                  ")");
}

}  // namespace rtm::etcd
