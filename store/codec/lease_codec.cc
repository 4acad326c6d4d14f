#include "store/codec/lease_codec.h"

#include <cstdint>

#include <nlohmann/json.hpp>

namespace rtm {

using nlohmann::json;

std::string EncodeStoredLease(const StoredLease& lease) {
  const json value = {
      {"token", lease.token},
      {"expiresAtUnixMs", lease.expires_at.time_since_epoch().count()}};
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::optional<StoredLease> DecodeStoredLease(std::string_view text) {
  const json value = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!value.is_object()) return std::nullopt;
  const auto token = value.find("token");
  const auto expires_at = value.find("expiresAtUnixMs");
  if (token == value.end() || !token->is_string() ||
      expires_at == value.end() || !expires_at->is_number_integer()) {
    return std::nullopt;
  }
  return StoredLease{token->get<std::string>(),
                     Timestamp(Duration(expires_at->get<int64_t>()))};
}

Timestamp LeaseExpiryAfter(Timestamp now, Duration ttl) {
  const Duration room = Timestamp::max() - now;
  return ttl >= room ? Timestamp::max() : now + ttl;
}

}  // namespace rtm
