// The transport layer of the etcd client: calls to etcd's v3 JSON gateway
// (/v3/...) over HTTP/1.1 at several endpoints (the members of one
// cluster), each call bounded by a deadline. Thread-safe.
//
// Failover: a call goes to the endpoint that answered last; when that
// endpoint cannot be reached, or answers UNAVAILABLE (e.g. "no leader":
// every request carries etcd's `hasleader` metadata, so a member cut off
// from the quorum refuses instead of serving stale data), the next
// endpoint is tried, until the call's deadline. A write whose request may
// have reached etcd is never re-sent (its outcome is unknown: an error);
// reads are re-sent freely.
//
// Errors: kServiceUnavailable when no endpoint answered in time (the
// message names the endpoints and the last failure); kInternal for a
// refusal or an answer that does not decode.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/http_connection.h"
#include "reconcile/domain/error.h"
#include "reconcile/domain/time.h"
#include "store/etcd/etcd_wire.h"

namespace rtm::etcd {

struct ClientOptions {
  // The whole of one unary call, failover included.
  Duration call_timeout = std::chrono::seconds(5);
  // One connection attempt to one endpoint.
  Duration connect_timeout = std::chrono::seconds(1);
  // etcd authentication ("": none): the client authenticates on first use
  // and again when etcd says its token expired, and sends the token with
  // every call and watch.
  std::string user;
  std::string password;
};

// One open watch: a streamed response on a connection of its own. Used by
// one thread at a time, except Interrupt.
// Shared by a client and the watch streams it opened.
struct TrafficCounters {
  std::atomic<uint64_t> requests{0};
  std::atomic<uint64_t> watches{0};
  std::atomic<uint64_t> bytes_sent{0};
  std::atomic<uint64_t> bytes_received{0};
};

class WatchStream {
 public:
  WatchStream(std::unique_ptr<HttpConnection> connection,
              std::string endpoint_text,
              std::shared_ptr<TrafficCounters> traffic = nullptr);

  // The next message, or nullopt when none arrived by `deadline` (the
  // stream stays usable). The stream ending, breaking or carrying an
  // error → an Error (kServiceUnavailable), and the stream is done.
  Expected<std::optional<WatchResponse>> Next(Deadline deadline);

  // From any thread: makes a Next in progress (or the next one) fail now.
  void Interrupt();

  const std::string& endpoint_text() const { return endpoint_text_; }

 private:
  std::unique_ptr<HttpConnection> connection_;
  std::string endpoint_text_;
  std::shared_ptr<TrafficCounters> traffic_;
  WatchStreamDecoder decoder_;
  bool done_ = false;
};

class Client {
 public:
  static constexpr size_t kMaxIdleConnectionsPerEndpoint = 4;

  // `endpoints` is not empty.
  Client(std::vector<HttpEndpoint> endpoints, ClientOptions options = {});
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  Expected<RangeResponse> Range(const RangeRequest& request);
  Expected<TxnResponse> Txn(const TxnRequest& request);
  // Compacts history before `revision`; waits for the compaction to be
  // applied when `physical`. Compacting at or below the already compacted
  // revision is a success (nothing to do).
  Expected<void> Compact(int64_t revision, bool physical);
  Expected<LeaseGrant> GrantLease(int64_t ttl_seconds);
  // ttl_seconds 0 in the answer: the lease is gone.
  Expected<LeaseGrant> KeepAliveOnce(int64_t lease_id);
  Expected<void> RevokeLease(int64_t lease_id);
  Expected<etcd::LeaseTimeToLive> TimeToLive(int64_t lease_id);

  // Opens a watch on the first endpoint that answers, and reads until the
  // watch is created. Errors as for unary calls.
  Expected<std::unique_ptr<WatchStream>> Watch(const WatchRequest& request);

  // The error of the last write (a transaction that puts or deletes) that
  // etcd did not take for its own reasons: out of reach, or refusing it
  // (over its space quota: "etcdserver: mvcc: database space exceeded"),
  // until a write succeeds; success before any write. A conditional write
  // that lost and a refused request (kConflict, kInvalidRequest) say
  // nothing of the store. No I/O; thread-safe.
  Expected<void> Writable() const;

  // "host:port,host:port" as the operator wrote them.
  std::string EndpointsText() const;

  // What this client sent and received so far (for /metrics and the idle
  // benchmark): requests include every attempt (failover, watch opens).
  struct Traffic {
    uint64_t requests = 0;
    uint64_t watches = 0;  // watch streams opened
    uint64_t bytes_sent = 0;
    uint64_t bytes_received = 0;  // responses and watch streams
  };
  Traffic traffic() const;

 private:
  enum class Retry { kReadOnly, kWrite };
  struct Endpoint;

  // The body of the 200 answer of `path`, or an Error; authenticated
  // (options_.user) with one new token when etcd refused the last one.
  Expected<std::string> Call(std::string_view path, std::string body,
                             Retry retry);
  // One Call, with `token` ("": none) as its Authorization.
  Expected<std::string> Send(std::string_view path, const std::string& body, Retry retry,
                             const std::string& token);
  // Watch with `token` ("": none) as its Authorization.
  Expected<std::unique_ptr<WatchStream>> OpenWatch(const WatchRequest& request,
                                                   const std::string& token);
  // The token to send: "" without authentication; a new one when the
  // held one is `stale` or there is none yet. Errors name the user.
  Expected<std::string> AuthToken(const std::string& stale);
  TransportExpected<std::unique_ptr<HttpConnection>> Acquire(
      Endpoint& endpoint, Deadline deadline, bool& reused);
  void Release(Endpoint& endpoint, std::unique_ptr<HttpConnection> connection);

  const ClientOptions options_;
  std::vector<std::unique_ptr<Endpoint>> endpoints_;
  std::atomic<size_t> preferred_{0};  // the endpoint that answered last
  std::shared_ptr<TrafficCounters> traffic_;
  mutable std::mutex write_health_mutex_;
  std::optional<Error> write_failure_;  // under write_health_mutex_
  std::mutex auth_mutex_;
  std::string auth_token_;  // under auth_mutex_; "" until authenticated
};

}  // namespace rtm::etcd
