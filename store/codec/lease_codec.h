// The stored text of a game lease (reconcile/ports/game_lease_store.h), as
// every store backend keeps it: {"token": ..., "expiresAtUnixMs": ...},
// the expiry on the clock the store was given.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "reconcile/domain/time.h"

namespace rtm {

struct StoredLease {
  std::string token;
  Timestamp expires_at;
};

std::string EncodeStoredLease(const StoredLease& lease);
// nullopt when `text` is not a stored lease.
std::optional<StoredLease> DecodeStoredLease(std::string_view text);

// now + ttl, saturated instead of overflowing for an enormous ttl.
Timestamp LeaseExpiryAfter(Timestamp now, Duration ttl);

}  // namespace rtm
