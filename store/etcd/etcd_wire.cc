#include "store/etcd/etcd_wire.h"

#include <array>
#include <charconv>
#include <utility>

#include <nlohmann/json.hpp>

namespace rtm::etcd {
namespace {

using nlohmann::json;

constexpr std::string_view kBase64Alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

struct DecodeError {
  std::string what;
};

[[noreturn]] void Bad(std::string what) { throw DecodeError{std::move(what)}; }

// proto3 int64 as the gateway writes it: a string (numbers accepted too);
// absent = 0.
int64_t Int(const json& object, const char* name) {
  auto found = object.find(name);
  if (found == object.end() || found->is_null()) return 0;
  if (found->is_number_integer()) return found->get<int64_t>();
  if (!found->is_string()) Bad(std::string(name) + " is not an integer");
  const std::string& text = found->get_ref<const std::string&>();
  int64_t value = 0;
  const auto [end, error] =
      std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size()) {
    Bad(std::string(name) + " is not an integer: \"" + text + "\"");
  }
  return value;
}

bool Bool(const json& object, const char* name) {
  auto found = object.find(name);
  if (found == object.end() || found->is_null()) return false;
  if (!found->is_boolean()) Bad(std::string(name) + " is not a boolean");
  return found->get<bool>();
}

std::string Text(const json& object, const char* name) {
  auto found = object.find(name);
  if (found == object.end() || found->is_null()) return {};
  if (!found->is_string()) Bad(std::string(name) + " is not a string");
  return found->get<std::string>();
}

std::string Bytes(const json& object, const char* name) {
  const std::string text = Text(object, name);
  auto bytes = DecodeBase64(text);
  if (!bytes) Bad(std::string(name) + " is not base64");
  return *std::move(bytes);
}

const json& Object(const json& object, const char* name) {
  static const json kEmpty = json::object();
  auto found = object.find(name);
  if (found == object.end() || found->is_null()) return kEmpty;
  if (!found->is_object()) Bad(std::string(name) + " is not an object");
  return *found;
}

const json& Array(const json& object, const char* name) {
  static const json kEmpty = json::array();
  auto found = object.find(name);
  if (found == object.end() || found->is_null()) return kEmpty;
  if (!found->is_array()) Bad(std::string(name) + " is not an array");
  return *found;
}

int64_t HeaderRevision(const json& response) {
  return Int(Object(response, "header"), "revision");
}

KeyValue ReadKeyValue(const json& object) {
  KeyValue kv;
  kv.key = Bytes(object, "key");
  kv.value = Bytes(object, "value");
  kv.create_revision = Int(object, "create_revision");
  kv.mod_revision = Int(object, "mod_revision");
  kv.version = Int(object, "version");
  kv.lease = Int(object, "lease");
  return kv;
}

RangeResponse ReadRange(const json& object) {
  RangeResponse response;
  response.revision = HeaderRevision(object);
  for (const json& kv : Array(object, "kvs")) {
    if (!kv.is_object()) Bad("kvs holds a non-object");
    response.kvs.push_back(ReadKeyValue(kv));
  }
  response.more = Bool(object, "more");
  response.count = Int(object, "count");
  return response;
}

template <typename Value, typename Read>
Expected<Value> Decode(std::string_view body, std::string_view what,
                       Read read) {
  json parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return Fail(ErrorCode::kInternal,
                "etcd " + std::string(what) + " answer is not a JSON object");
  }
  try {
    return read(parsed);
  } catch (const DecodeError& error) {
    return Fail(ErrorCode::kInternal, "etcd " + std::string(what) +
                                          " answer: " + error.what);
  } catch (const json::exception& error) {
    return Fail(ErrorCode::kInternal, "etcd " + std::string(what) +
                                          " answer: " + error.what());
  }
}

std::string Number(int64_t value) { return std::to_string(value); }

const char* SortOrderName(SortOrder order) {
  switch (order) {
    case SortOrder::kNone:
      return "NONE";
    case SortOrder::kAscend:
      return "ASCEND";
    case SortOrder::kDescend:
      return "DESCEND";
  }
  return "NONE";
}

const char* SortTargetName(SortTarget target) {
  switch (target) {
    case SortTarget::kKey:
      return "KEY";
    case SortTarget::kCreate:
      return "CREATE";
    case SortTarget::kMod:
      return "MOD";
  }
  return "KEY";
}

json RangeJson(const RangeRequest& request) {
  json body = {{"key", EncodeBase64(request.key)}};
  if (!request.range_end.empty()) {
    body["range_end"] = EncodeBase64(request.range_end);
  }
  if (request.limit != 0) body["limit"] = Number(request.limit);
  if (request.revision != 0) body["revision"] = Number(request.revision);
  if (request.sort_order != SortOrder::kNone) {
    body["sort_order"] = SortOrderName(request.sort_order);
    body["sort_target"] = SortTargetName(request.sort_target);
  }
  if (request.keys_only) body["keys_only"] = true;
  if (request.count_only) body["count_only"] = true;
  if (request.min_mod_revision != 0) {
    body["min_mod_revision"] = Number(request.min_mod_revision);
  }
  return body;
}

json CompareJson(const Compare& compare) {
  json body = {{"key", EncodeBase64(compare.key)}, {"result", "EQUAL"}};
  switch (compare.target) {
    case Compare::Target::kMod:
      body["target"] = "MOD";
      body["mod_revision"] = Number(compare.number);
      break;
    case Compare::Target::kCreate:
      body["target"] = "CREATE";
      body["create_revision"] = Number(compare.number);
      break;
    case Compare::Target::kVersion:
      body["target"] = "VERSION";
      body["version"] = Number(compare.number);
      break;
    case Compare::Target::kValue:
      body["target"] = "VALUE";
      body["value"] = EncodeBase64(compare.value);
      break;
    case Compare::Target::kLease:
      body["target"] = "LEASE";
      body["lease"] = Number(compare.number);
      break;
  }
  return body;
}

json OperationJson(const Operation& operation) {
  switch (operation.kind) {
    case Operation::Kind::kPut: {
      json put = {{"key", EncodeBase64(operation.key)},
                  {"value", EncodeBase64(operation.value)}};
      if (operation.lease != 0) put["lease"] = Number(operation.lease);
      return {{"request_put", std::move(put)}};
    }
    case Operation::Kind::kRange: {
      RangeRequest range;
      range.key = operation.key;
      range.range_end = operation.range_end;
      range.limit = operation.limit;
      return {{"request_range", RangeJson(range)}};
    }
    case Operation::Kind::kDeleteRange: {
      json remove = {{"key", EncodeBase64(operation.key)}};
      if (!operation.range_end.empty()) {
        remove["range_end"] = EncodeBase64(operation.range_end);
      }
      return {{"request_delete_range", std::move(remove)}};
    }
  }
  return json::object();
}

json OperationsJson(const std::vector<Operation>& operations) {
  json list = json::array();
  for (const Operation& operation : operations) {
    list.push_back(OperationJson(operation));
  }
  return list;
}

}  // namespace

std::string EncodeBase64(std::string_view bytes) {
  std::string text;
  text.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t group = (uint32_t(uint8_t(bytes[i])) << 16) |
                           (uint32_t(uint8_t(bytes[i + 1])) << 8) |
                           uint32_t(uint8_t(bytes[i + 2]));
    text += kBase64Alphabet[(group >> 18) & 63];
    text += kBase64Alphabet[(group >> 12) & 63];
    text += kBase64Alphabet[(group >> 6) & 63];
    text += kBase64Alphabet[group & 63];
  }
  const size_t rest = bytes.size() - i;
  if (rest > 0) {
    uint32_t group = uint32_t(uint8_t(bytes[i])) << 16;
    if (rest == 2) group |= uint32_t(uint8_t(bytes[i + 1])) << 8;
    text += kBase64Alphabet[(group >> 18) & 63];
    text += kBase64Alphabet[(group >> 12) & 63];
    text += rest == 2 ? kBase64Alphabet[(group >> 6) & 63] : '=';
    text += '=';
  }
  return text;
}

std::optional<std::string> DecodeBase64(std::string_view text) {
  static const std::array<int8_t, 256> kValues = [] {
    std::array<int8_t, 256> values{};
    values.fill(-1);
    for (size_t i = 0; i < kBase64Alphabet.size(); ++i) {
      values[uint8_t(kBase64Alphabet[i])] = static_cast<int8_t>(i);
    }
    return values;
  }();
  if (text.size() % 4 != 0) return std::nullopt;
  std::string bytes;
  bytes.reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    uint32_t group = 0;
    int padding = 0;
    for (size_t j = 0; j < 4; ++j) {
      const char c = text[i + j];
      if (c == '=' && last && j >= 2) {
        ++padding;
        group <<= 6;
        continue;
      }
      const int8_t value = kValues[uint8_t(c)];
      if (value < 0 || padding > 0) return std::nullopt;
      group = (group << 6) | uint32_t(value);
    }
    bytes += char((group >> 16) & 0xFF);
    if (padding < 2) bytes += char((group >> 8) & 0xFF);
    if (padding < 1) bytes += char(group & 0xFF);
  }
  return bytes;
}

std::string PrefixEnd(std::string_view prefix) {
  std::string end(prefix);
  while (!end.empty()) {
    if (uint8_t(end.back()) < 0xFF) {
      end.back() = char(uint8_t(end.back()) + 1);
      return end;
    }
    end.pop_back();
  }
  return std::string(1, '\0');  // every key
}

Operation Operation::Put(std::string key, std::string value, int64_t lease) {
  Operation operation;
  operation.kind = Kind::kPut;
  operation.key = std::move(key);
  operation.value = std::move(value);
  operation.lease = lease;
  return operation;
}

Operation Operation::Get(std::string key) {
  Operation operation;
  operation.kind = Kind::kRange;
  operation.key = std::move(key);
  return operation;
}

Operation Operation::Delete(std::string key) {
  Operation operation;
  operation.kind = Kind::kDeleteRange;
  operation.key = std::move(key);
  return operation;
}

std::string EncodeRange(const RangeRequest& request) {
  return RangeJson(request).dump();
}

std::string EncodeTxn(const TxnRequest& request) {
  json compare = json::array();
  for (const Compare& one : request.compare) compare.push_back(CompareJson(one));
  json body = {{"compare", std::move(compare)},
               {"success", OperationsJson(request.success)},
               {"failure", OperationsJson(request.failure)}};
  return body.dump();
}

std::string EncodeCompaction(int64_t revision, bool physical) {
  json body = {{"revision", Number(revision)}};
  if (physical) body["physical"] = true;
  return body.dump();
}

std::string EncodeLeaseGrant(int64_t ttl_seconds) {
  return json{{"TTL", Number(ttl_seconds)}}.dump();
}

std::string EncodeLeaseId(int64_t id) {
  return json{{"ID", Number(id)}}.dump();
}

std::string EncodeWatchCreate(const WatchRequest& request) {
  json create = {{"key", EncodeBase64(request.key)}};
  if (!request.range_end.empty()) {
    create["range_end"] = EncodeBase64(request.range_end);
  }
  if (request.start_revision != 0) {
    create["start_revision"] = Number(request.start_revision);
  }
  if (request.progress_notify) create["progress_notify"] = true;
  return json{{"create_request", std::move(create)}}.dump();
}

Expected<RangeResponse> DecodeRange(std::string_view body) {
  return Decode<RangeResponse>(body, "range",
                               [](const json& parsed) { return ReadRange(parsed); });
}

Expected<TxnResponse> DecodeTxn(std::string_view body) {
  return Decode<TxnResponse>(body, "txn", [](const json& parsed) {
    TxnResponse response;
    response.revision = HeaderRevision(parsed);
    response.succeeded = Bool(parsed, "succeeded");
    for (const json& one : Array(parsed, "responses")) {
      if (!one.is_object()) Bad("responses holds a non-object");
      if (auto range = one.find("response_range"); range != one.end()) {
        response.ranges.push_back(ReadRange(*range));
      } else {
        response.ranges.push_back(RangeResponse{});
      }
    }
    return response;
  });
}

Expected<int64_t> DecodeHeaderRevision(std::string_view body) {
  return Decode<int64_t>(body, "header",
                         [](const json& parsed) { return HeaderRevision(parsed); });
}

Expected<LeaseGrant> DecodeLeaseGrant(std::string_view body) {
  return Decode<LeaseGrant>(body, "lease grant", [](const json& parsed) {
    if (const std::string error = Text(parsed, "error"); !error.empty()) {
      Bad(error);
    }
    LeaseGrant grant{Int(parsed, "ID"), Int(parsed, "TTL")};
    if (grant.id == 0) Bad("no lease ID");
    return grant;
  });
}

Expected<LeaseGrant> DecodeLeaseKeepAlive(std::string_view body) {
  return Decode<LeaseGrant>(body, "lease keepalive", [](const json& parsed) {
    // One message of the keepalive stream: {"result": {...}}.
    const json& result = parsed.contains("result") ? Object(parsed, "result")
                                                   : parsed;
    return LeaseGrant{Int(result, "ID"), Int(result, "TTL")};
  });
}

Expected<LeaseTimeToLive> DecodeLeaseTimeToLive(std::string_view body) {
  return Decode<LeaseTimeToLive>(body, "lease timetolive", [](const json& parsed) {
    return LeaseTimeToLive{Int(parsed, "TTL"), Int(parsed, "grantedTTL")};
  });
}

std::optional<GatewayError> DecodeGatewayError(std::string_view body) {
  json parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) return std::nullopt;
  try {
    auto error = parsed.find("error");
    if (error == parsed.end()) return std::nullopt;
    if (error->is_object()) {  // a stream's error
      return GatewayError{static_cast<int>(Int(*error, "grpc_code")),
                          Text(*error, "message")};
    }
    GatewayError result{static_cast<int>(Int(parsed, "code")),
                        Text(parsed, "message")};
    if (result.message.empty() && error->is_string()) {
      result.message = error->get<std::string>();
    }
    return result;
  } catch (const DecodeError&) {
    return std::nullopt;
  }
}

void WatchStreamDecoder::Feed(std::string_view bytes) {
  if (taken_ > 0) {  // what was taken goes before the buffer grows
    buffer_.erase(0, taken_);
    taken_ = 0;
  }
  buffer_ += bytes;
}

void WatchStreamDecoder::End() { ended_ = true; }

std::optional<Expected<WatchResponse>> WatchStreamDecoder::Next() {
  std::string_view message;
  do {
    const std::string_view rest = std::string_view(buffer_).substr(taken_);
    if (const size_t newline = rest.find('\n'); newline != std::string_view::npos) {
      message = rest.substr(0, newline);
      taken_ += newline + 1;
    } else if (ended_ && !rest.empty() && json::accept(rest)) {
      message = rest;  // a final error without newline
      taken_ = buffer_.size();
    } else {
      return std::nullopt;
    }
  } while (message.find_first_not_of(" \r\t") == std::string_view::npos);
  if (auto error = DecodeGatewayError(message)) {
    const ErrorCode code = error->grpc_code == 14 ? ErrorCode::kServiceUnavailable
                                                  : ErrorCode::kInternal;
    return Expected<WatchResponse>(
        Fail(code, "etcd watch failed: " + error->message));
  }
  return Decode<WatchResponse>(message, "watch", [](const json& parsed) {
    const json& result = Object(parsed, "result");
    WatchResponse response;
    response.revision = HeaderRevision(result);
    response.created = Bool(result, "created");
    response.canceled = Bool(result, "canceled");
    response.compact_revision = Int(result, "compact_revision");
    response.cancel_reason = Text(result, "cancel_reason");
    for (const json& event : Array(result, "events")) {
      if (!event.is_object()) Bad("events holds a non-object");
      WatchEvent decoded;
      const std::string type = Text(event, "type");
      if (type == "DELETE") {
        decoded.type = WatchEvent::Type::kDelete;
      } else if (type.empty() || type == "PUT") {
        decoded.type = WatchEvent::Type::kPut;
      } else {
        Bad("unknown event type \"" + type + "\"");
      }
      decoded.kv = ReadKeyValue(Object(event, "kv"));
      response.events.push_back(std::move(decoded));
    }
    return response;
  });
}

}  // namespace rtm::etcd
