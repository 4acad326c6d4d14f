#pragma once

#include <mutex>
#include <string_view>

#include "reconcile/ports/clock.h"
#include "reconcile/ports/game_lease_store.h"
#include "store/leveldb/leveldb_database.h"

namespace rtm {

// GameLeaseStore on leveldb: lease/<game> holds the holder's token and the
// expiry (clock.Now() + ttl at the last acquire). A lease whose expiry is
// <= clock.Now() is free. TryAcquire by the holding token re-acquires and
// moves the expiry to now + ttl. Check-and-set is atomic under one mutex,
// so use one instance per database.
//
// Leases are written buffered, not fsynced: a lease only matters while its
// holder may be alive, a buffered write survives a crash of this process
// (kill -9 → the lease expires after its ttl, as the port requires), and
// after a power loss no holder is left. leveldb is local, so every call is
// bounded by one local read and write; Release's `timeout` is not needed
// to bound it and is ignored.
//
// Beyond the port's contract: an empty token or a ttl <= 0 is
// kInvalidRequest; an unreadable stored lease is kInternal naming its key
// (never silently overwritten).
class LeveldbGameLeaseStore : public GameLeaseStore {
 public:
  LeveldbGameLeaseStore(LeveldbDatabase& database, Clock& clock);

  Expected<bool> TryAcquire(std::string_view game_id, std::string_view token,
                            Duration ttl) override;
  Expected<void> Release(std::string_view game_id, std::string_view token,
                         Duration timeout) override;

 private:
  Expected<bool> TryAcquireUnguarded(std::string_view game_id,
                                     std::string_view token, Duration ttl);
  Expected<void> ReleaseUnguarded(std::string_view game_id,
                                  std::string_view token);

  LeveldbDatabase& database_;
  Clock& clock_;
  std::mutex mutex_;
};

}  // namespace rtm
