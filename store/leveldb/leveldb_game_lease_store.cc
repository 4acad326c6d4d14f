#include "store/leveldb/leveldb_game_lease_store.h"

#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "store/codec/lease_codec.h"
#include "store/leveldb/exception_guard.h"
#include "store/leveldb/store_keys.h"

namespace rtm {

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
    const std::optional<StoredLease> held = DecodeStoredLease(**stored);
    if (!held) {
      return Fail(ErrorCode::kInternal, "unreadable lease at key " + key);
    }
    if (held->token != token && held->expires_at > now) return false;
  }
  leveldb::WriteBatch batch;
  batch.Put(key, EncodeStoredLease(
                       StoredLease{std::string(token), LeaseExpiryAfter(now, ttl)}));
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
  const std::optional<StoredLease> held = DecodeStoredLease(**stored);
  if (!held) return Fail(ErrorCode::kInternal, "unreadable lease at key " + key);
  if (held->token != token) return {};
  leveldb::WriteBatch batch;
  batch.Delete(key);
  return database_.Write(batch, Durability::kBuffered);
}

}  // namespace rtm
