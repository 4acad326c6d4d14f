// The etcd backend of the game lease port (reconcile/ports/game_lease_store.h).
// leases/<game> holds the holder's token and its expiry on the injected
// clock (store/codec/lease_codec.h), as Kubernetes' coordination Leases do
// (a record written with compare-and-swap, not an etcd lease): acquiring
// is a transaction guarded by the mod_revision of the lease read, so two
// processes never both win; a lost race re-reads and decides again. The
// expiry compares clocks of the processes that share the store, so their
// clocks must agree to well within a lease's ttl (NTP). Thread-safe.
#pragma once

#include <string_view>

#include "reconcile/ports/clock.h"
#include "reconcile/ports/game_lease_store.h"
#include "store/etcd/etcd_client.h"
#include "store/etcd/etcd_keys.h"

namespace rtm {

class EtcdGameLeaseStore : public GameLeaseStore {
 public:
  // Races lost in a row before TryAcquire answers "held by another".
  static constexpr int kMaxAttempts = 8;

  EtcdGameLeaseStore(etcd::Client& client, const EtcdKeys& keys, Clock& clock);

  Expected<bool> TryAcquire(std::string_view game_id, std::string_view token,
                            Duration ttl) override;
  Expected<void> Release(std::string_view game_id, std::string_view token,
                         Duration timeout) override;

 private:
  etcd::Client& client_;
  const EtcdKeys& keys_;
  Clock& clock_;
};

}  // namespace rtm
