#include "store/etcd/etcd_game_lease_store.h"

#include <chrono>
#include <optional>
#include <string>

#include "store/codec/lease_codec.h"
#include "store/etcd/etcd_values.h"

namespace rtm {
namespace {

Expected<std::optional<StoredLease>> DecodeHeld(
    const std::optional<etcd::KeyValue>& kv) {
  if (!kv) return std::optional<StoredLease>();
  std::optional<StoredLease> held = DecodeStoredLease(kv->value);
  if (!held) {
    return Fail(ErrorCode::kInternal, "unreadable lease at etcd key " + kv->key);
  }
  return held;
}

}  // namespace

EtcdGameLeaseStore::EtcdGameLeaseStore(etcd::Client& client,
                                       const EtcdKeys& keys, Clock& clock)
    : client_(client), keys_(keys), clock_(clock) {}

Expected<bool> EtcdGameLeaseStore::TryAcquire(std::string_view game_id,
                                              std::string_view token,
                                              Duration ttl) {
  if (token.empty()) {
    return Fail(ErrorCode::kInvalidRequest, "lease token must not be empty");
  }
  if (ttl <= Duration::zero()) {
    return Fail(ErrorCode::kInvalidRequest, "lease ttl must be positive");
  }
  const std::string key = keys_.Lease(game_id);
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    auto kv = ReadKey(client_, key);
    if (!kv) return std::unexpected(kv.error());
    auto held = DecodeHeld(*kv);
    if (!held) return std::unexpected(held.error());
    const Timestamp now = clock_.Now();
    if (*held && (*held)->token != token && (*held)->expires_at > now) {
      return false;
    }
    const uint64_t seen = *kv ? static_cast<uint64_t>((*kv)->mod_revision) : 0;
    auto written = CompareAndPut(
        client_, key, seen,
        EncodeStoredLease(StoredLease{std::string(token),
                                      LeaseExpiryAfter(now, ttl)}),
        "lease of game " + std::string(game_id));
    if (written) return true;
    if (written.error().code != ErrorCode::kConflict) {
      return std::unexpected(written.error());
    }
  }
  return false;  // others keep taking it
}

Expected<void> EtcdGameLeaseStore::Release(std::string_view game_id,
                                           std::string_view token,
                                           Duration timeout) {
  const std::string key = keys_.Lease(game_id);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    if (std::chrono::steady_clock::now() >= deadline) break;
    auto kv = ReadKey(client_, key);
    if (!kv) return std::unexpected(kv.error());
    auto held = DecodeHeld(*kv);
    if (!held) return std::unexpected(held.error());
    if (!*held || (*held)->token != token) return {};
    etcd::TxnRequest txn;
    txn.compare.push_back(
        etcd::Compare{key, etcd::Compare::Target::kMod, (*kv)->mod_revision});
    txn.success.push_back(etcd::Operation::Delete(key));
    auto response = client_.Txn(txn);
    if (!response) return std::unexpected(response.error());
    if (response->succeeded) return {};
  }
  return Fail(ErrorCode::kServiceUnavailable,
              "could not release the lease of game " + std::string(game_id) +
                  " in time");
}

}  // namespace rtm
