// The etcd backend of the operation log (reconcile/ports/operation_log_store.h).
// Sequences come from a counter key (store/etcd/etcd_keys.h): an append is
// one transaction that moves the counter from the value last seen (guarded
// by its mod_revision) and writes the entry twice, under its global
// sequence and under the game's newest-first index. Several processes may
// append: a loser re-reads the counter (the transaction's failure branch
// returns it) and tries again. Thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>

#include "reconcile/ports/operation_log_store.h"
#include "store/etcd/etcd_client.h"
#include "store/etcd/etcd_keys.h"

namespace rtm {

class EtcdOperationLogStore : public OperationLogStore {
 public:
  // Appends give up with kServiceUnavailable after this many lost races.
  static constexpr int kMaxAppendAttempts = 16;

  EtcdOperationLogStore(etcd::Client& client, const EtcdKeys& keys);

  Expected<uint64_t> Append(const OperationEntry& entry) override;
  Expected<std::vector<OperationEntry>> ListByGame(std::string_view game_id,
                                                   size_t limit) override;
  Expected<std::vector<OperationEntry>> ListAll(uint64_t after_sequence,
                                                size_t limit) override;

 private:
  struct Counter {
    uint64_t value = 0;          // the last sequence handed out
    int64_t mod_revision = 0;    // of the counter key; 0: absent
  };
  Expected<Counter> ReadCounter(const etcd::RangeResponse& response) const;

  etcd::Client& client_;
  const EtcdKeys& keys_;
  std::mutex mutex_;                 // one local append at a time
  std::optional<Counter> counter_;   // guarded by mutex_; last seen
};

}  // namespace rtm
