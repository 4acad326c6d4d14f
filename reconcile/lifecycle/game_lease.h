#pragma once

#include <string>

#include "reconcile/domain/error.h"
#include "reconcile/lifecycle/lifecycle_ports.h"

namespace rtm {

// Bound of the release call made when a lease goes out of scope, whatever
// happened to the operation it protected.
inline constexpr Duration kLeaseReleaseTimeout = std::chrono::seconds(5);

// A held per-game lease; released (with kLeaseReleaseTimeout) on
// destruction. A failed release is logged and left to expire by its TTL.
class GameLease {
 public:
  // Takes the lease of game_id under a fresh token and records the acquire
  // latency. Store error → kServiceUnavailable ("acquire game lease: ...");
  // held by another token → kConflict.
  static Expected<GameLease> Acquire(const LifecyclePorts& ports,
                                     Duration ttl, std::string game_id);

  GameLease(GameLease&& other) noexcept;
  GameLease& operator=(GameLease&&) = delete;
  GameLease(const GameLease&) = delete;
  GameLease& operator=(const GameLease&) = delete;
  ~GameLease();

 private:
  GameLease(const LifecyclePorts& ports, std::string game_id,
            std::string token);

  const LifecyclePorts* ports_;  // null once moved from
  std::string game_id_;
  std::string token_;
};

}  // namespace rtm
