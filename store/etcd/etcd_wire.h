// The wire layer of the etcd client: etcd v3 requests and responses as the
// JSON gateway (/v3/...) carries them, encoded and decoded without I/O.
// Keys and values are base64 on the wire and plain bytes here; int64 fields
// are JSON strings on the wire; absent fields mean zero (proto3), e.g. a
// failed transaction has no "succeeded" and a PUT event has no "type".
// Facts about the gateway: docs/etcd.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reconcile/domain/error.h"

namespace rtm::etcd {

// Base64 (standard alphabet, padded) as the gateway encodes bytes.
std::string EncodeBase64(std::string_view bytes);
// nullopt when `text` is not base64.
std::optional<std::string> DecodeBase64(std::string_view text);

// The end of the range of every key that starts with `prefix` (etcd's
// range_end for a prefix).
std::string PrefixEnd(std::string_view prefix);

struct KeyValue {
  std::string key;
  std::string value;
  int64_t create_revision = 0;
  int64_t mod_revision = 0;
  int64_t version = 0;
  int64_t lease = 0;
};

enum class SortOrder { kNone, kAscend, kDescend };
enum class SortTarget { kKey, kCreate, kMod };

struct RangeRequest {
  std::string key;
  std::string range_end;  // empty: the one key
  int64_t limit = 0;      // 0: no limit
  int64_t revision = 0;   // 0: the newest
  SortOrder sort_order = SortOrder::kNone;
  SortTarget sort_target = SortTarget::kKey;
  bool keys_only = false;
  bool count_only = false;
  int64_t min_mod_revision = 0;
};

struct RangeResponse {
  int64_t revision = 0;  // the store's revision the read saw
  std::vector<KeyValue> kvs;
  bool more = false;
  int64_t count = 0;
};

// One comparison of a transaction's guard, always "equal".
struct Compare {
  enum class Target { kMod, kCreate, kVersion, kValue, kLease };
  std::string key;
  Target target = Target::kMod;
  int64_t number = 0;  // kMod, kCreate, kVersion, kLease
  std::string value;   // kValue
};

struct Operation {
  enum class Kind { kPut, kRange, kDeleteRange };
  Kind kind = Kind::kPut;
  std::string key;
  std::string value;      // kPut
  int64_t lease = 0;      // kPut
  std::string range_end;  // kRange, kDeleteRange
  int64_t limit = 0;      // kRange

  static Operation Put(std::string key, std::string value, int64_t lease = 0);
  static Operation Get(std::string key);
  static Operation Delete(std::string key);
};

struct TxnRequest {
  std::vector<Compare> compare;  // all must hold
  std::vector<Operation> success;
  std::vector<Operation> failure;
};

struct TxnResponse {
  int64_t revision = 0;  // the store's revision after the transaction
  bool succeeded = false;
  // One per operation of the branch taken; only kRange ones carry data.
  std::vector<RangeResponse> ranges;
};

struct LeaseGrant {
  int64_t id = 0;
  int64_t ttl_seconds = 0;
};

// /v3/lease/timetolive: TTL -1 when the lease is gone.
struct LeaseTimeToLive {
  int64_t remaining_seconds = -1;
  int64_t granted_seconds = 0;
};

struct WatchRequest {
  std::string key;
  std::string range_end;
  int64_t start_revision = 0;  // 0: from now
  bool progress_notify = false;
};

struct WatchEvent {
  enum class Type { kPut, kDelete };
  Type type = Type::kPut;
  KeyValue kv;
};

// One message of a watch stream.
struct WatchResponse {
  int64_t revision = 0;  // header revision
  bool created = false;
  bool canceled = false;
  int64_t compact_revision = 0;  // with canceled: history before it is gone
  std::string cancel_reason;
  std::vector<WatchEvent> events;
};

// Requests: the JSON body of each gateway call.
std::string EncodeRange(const RangeRequest& request);
std::string EncodeTxn(const TxnRequest& request);
std::string EncodeCompaction(int64_t revision, bool physical);
std::string EncodeLeaseGrant(int64_t ttl_seconds);
std::string EncodeLeaseId(int64_t id);  // keepalive and revoke
std::string EncodeWatchCreate(const WatchRequest& request);

// Responses of a successful (HTTP 200) call; kInternal naming the field
// when the body is not what the gateway sends.
Expected<RangeResponse> DecodeRange(std::string_view body);
Expected<TxnResponse> DecodeTxn(std::string_view body);
Expected<int64_t> DecodeHeaderRevision(std::string_view body);
Expected<LeaseGrant> DecodeLeaseGrant(std::string_view body);
// The keepalive answer; ttl_seconds 0 when the lease is gone.
Expected<LeaseGrant> DecodeLeaseKeepAlive(std::string_view body);

// An error answer of the gateway: {"error": "...", "code": N, "message":
// "..."} (unary) or {"error": {"grpc_code": N, "message": "..."}} (a stream).
struct GatewayError {
  int grpc_code = 0;  // 14 UNAVAILABLE, 11 OUT_OF_RANGE (compacted), ...
  std::string message;
};
Expected<LeaseTimeToLive> DecodeLeaseTimeToLive(std::string_view body);

std::optional<GatewayError> DecodeGatewayError(std::string_view body);

// Splits the body of a watch stream into messages: feed bytes as they
// arrive, take complete messages out. Messages are JSON objects, one per
// line, except that a final error may lack its newline: once End() says
// the body ended, a complete JSON text left without one is a message too.
// The messages do not depend on how the body was cut into pieces.
class WatchStreamDecoder {
 public:
  void Feed(std::string_view bytes);
  // The body ended: nothing more will be fed.
  void End();
  // The next complete message, nullopt when none is complete yet; an error
  // message of the gateway or undecodable JSON → an Error
  // (kServiceUnavailable for grpc UNAVAILABLE, else kInternal).
  std::optional<Expected<WatchResponse>> Next();
  // Buffered bytes of an incomplete message.
  size_t pending_bytes() const { return buffer_.size() - taken_; }

 private:
  std::string buffer_;
  size_t taken_ = 0;  // buffer_'s bytes before this were returned as messages
  bool ended_ = false;
};

}  // namespace rtm::etcd
