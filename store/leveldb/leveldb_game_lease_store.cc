#include "store/leveldb/leveldb_game_lease_store.h"

#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "store/leveldb/exception_guard.h"
#include "store/leveldb/store_keys.h"

namespace rtm {
namespace {

using nlohmann::json;

struct Lease {
  std::string token;
  Timestamp expires_at;
};

std::string EncodeLease(const Lease& lease) {
  const json value = {
      {"token", lease.token},
      {"expiresAtUnixMs", lease.expires_at.time_since_epoch().count()}};
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::optional<Lease> DecodeLease(std::string_view text) {
  const json value = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!value.is_object()) return std::nullopt;
  const auto token = value.find("token");
  const auto expires_at = value.find("expiresAtUnixMs");
  if (token == value.end() || !token->is_string() ||
      expires_at == value.end() || !expires_at->is_number_integer()) {
    return std::nullopt;
  }
  return Lease{token->get<std::string>(),
               Timestamp(Duration(expires_at->get<int64_t>()))};
}

// now + ttl, saturated instead of overflowing for an enormous ttl.
Timestamp ExpiryAfter(Timestamp now, Duration ttl) {
  const Duration room = Timestamp::max() - now;
  return ttl >= room ? Timestamp::max() : now + ttl;
}

}  // namespace

LeveldbGameLeaseStore::LeveldbGameLeaseStore(LeveldbDatabase& database,
                                             Clock& clock)
    : database_(database), clock_(clock) {}

Expected<bool> LeveldbGameLeaseStore::TryAcquire(std::string_view game_id,
                                                 std::string_view token,
                                                 Duration ttl) {
  return GuardExceptions<bool>("acquire game lease", [&] {
    return TryAcquireUnguarded(game_id, token, ttl);
  });
}

Expected<void> LeveldbGameLeaseStore::Release(std::string_view game_id,
                                              std::string_view token,
                                              Duration /*timeout*/) {
  return GuardExceptions<void>("release game lease",
                               [&] { return ReleaseUnguarded(game_id, token); });
}

Expected<bool> LeveldbGameLeaseStore::TryAcquireUnguarded(
    std::string_view game_id, std::string_view token, Duration ttl) {
  if (token.empty()) {
    return Fail(ErrorCode::kInvalidRequest, "lease token must not be empty");
  }
  if (ttl <= Duration::zero()) {
    return Fail(ErrorCode::kInvalidRequest, "lease ttl must be positive");
  }
  const std::string key = LeaseKey(game_id);
  const std::lock_guard<std::mutex> lock(mutex_);
  auto stored = database_.Get(key);
  if (!stored) return std::unexpected(stored.error());
  const Timestamp now = clock_.Now();
  if (stored->has_value()) {
    const std::optional<Lease> held = DecodeLease(**stored);
    if (!held) {
      return Fail(ErrorCode::kInternal, "unreadable lease at key " + key);
    }
    if (held->token != token && held->expires_at > now) return false;
  }
  leveldb::WriteBatch batch;
  batch.Put(key, EncodeLease(Lease{std::string(token), ExpiryAfter(now, ttl)}));
  if (auto written = database_.Write(batch, Durability::kBuffered); !written) {
    return std::unexpected(written.error());
  }
  return true;
}

Expected<void> LeveldbGameLeaseStore::ReleaseUnguarded(
    std::string_view game_id, std::string_view token) {
  const std::string key = LeaseKey(game_id);
  const std::lock_guard<std::mutex> lock(mutex_);
  auto stored = database_.Get(key);
  if (!stored) return std::unexpected(stored.error());
  if (!stored->has_value()) return {};
  const std::optional<Lease> held = DecodeLease(**stored);
  if (!held) return Fail(ErrorCode::kInternal, "unreadable lease at key " + key);
  if (held->token != token) return {};
  leveldb::WriteBatch batch;
  batch.Delete(key);
  return database_.Write(batch, Durability::kBuffered);
}

}  // namespace rtm
