#pragma once

#include <string_view>

#include "reconcile/domain/error.h"
#include "reconcile/domain/time.h"

namespace rtm {

// Per-game mutual exclusion of lifecycle operations, held by an opaque
// token. A lease left by a dead holder expires `ttl` after it was taken.
class GameLeaseStore {
 public:
  virtual ~GameLeaseStore() = default;

  // true when the caller now holds the lease of game_id (free or expired
  // before), false when another token holds it. An error when the store
  // cannot answer; the caller must then assume it holds nothing.
  virtual Expected<bool> TryAcquire(std::string_view game_id,
                                    std::string_view token, Duration ttl) = 0;

  // Releases the lease only when `token` holds it; releasing a lease that
  // expired or belongs to another token is a successful no-op. Gives up
  // with kServiceUnavailable after `timeout`.
  virtual Expected<void> Release(std::string_view game_id,
                                 std::string_view token, Duration timeout) = 0;
};

}  // namespace rtm
