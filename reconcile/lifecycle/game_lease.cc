#include "reconcile/lifecycle/game_lease.h"

#include <utility>

namespace rtm {

Expected<GameLease> GameLease::Acquire(const LifecyclePorts& ports,
                                       Duration ttl, std::string game_id) {
  std::string token = ports.tokens.NewToken();
  const Timestamp started = ports.clock.Now();
  Expected<bool> acquired = ports.leases.TryAcquire(game_id, token, ttl);
  ports.telemetry.RecordLeaseAcquireLatency(ports.clock.Now() - started);
  if (!acquired) {
    return Fail(ErrorCode::kServiceUnavailable,
                "acquire game lease: " + acquired.error().message);
  }
  if (!*acquired) {
    return Fail(ErrorCode::kConflict,
                "another lifecycle operation is in progress for this game");
  }
  return GameLease(ports, std::move(game_id), std::move(token));
}

GameLease::GameLease(const LifecyclePorts& ports, std::string game_id,
                     std::string token)
    : ports_(&ports), game_id_(std::move(game_id)), token_(std::move(token)) {}

GameLease::GameLease(GameLease&& other) noexcept
    : ports_(std::exchange(other.ports_, nullptr)),
      game_id_(std::move(other.game_id_)),
      token_(std::move(other.token_)) {}

GameLease::~GameLease() {
  if (ports_ == nullptr) return;
  if (auto released =
          ports_->leases.Release(game_id_, token_, kLeaseReleaseTimeout);
      !released) {
    ports_->logger.Log(LogLevel::kWarn, "release game lease",
                       {{"game_id", game_id_}, {"err", released.error().message}});
  }
}

}  // namespace rtm
