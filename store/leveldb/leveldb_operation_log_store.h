#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

#include "reconcile/ports/operation_log_store.h"
#include "store/leveldb/leveldb_database.h"

namespace rtm {

// OperationLogStore on leveldb. Entries live under op/<seq> (the global
// order) with a per-game index opg/<game>/<seq>; both, and the counter
// meta/op_seq, are written in one synced batch, so an entry is never
// visible without its index. Sequences start at 1 and may have gaps (a
// failed append still consumes its number; numbers are never reused).
// Appends are serialised, so readers never see sequence n+1 before n.
// Any game id is accepted, even one that is not a valid DNS label, because
// failed operations on invalid input are audited too. Use one instance per
// database: the counter lives in the instance.
class LeveldbOperationLogStore : public OperationLogStore {
 public:
  // Recovers the counter: the highest of meta/op_seq and the last op/ key.
  // kInternal when either is unreadable.
  static Expected<std::unique_ptr<LeveldbOperationLogStore>> Open(
      LeveldbDatabase& database);

  Expected<uint64_t> Append(const OperationEntry& entry) override;
  Expected<std::vector<OperationEntry>> ListByGame(std::string_view game_id,
                                                   size_t limit) override;
  Expected<std::vector<OperationEntry>> ListAll(uint64_t after_sequence,
                                                size_t limit) override;

 private:
  LeveldbOperationLogStore(LeveldbDatabase& database, uint64_t last_sequence);

  Expected<uint64_t> AppendUnguarded(const OperationEntry& entry);
  Expected<std::vector<OperationEntry>> ListByGameUnguarded(
      std::string_view game_id, size_t limit);
  Expected<std::vector<OperationEntry>> ListAllUnguarded(
      uint64_t after_sequence, size_t limit);

  LeveldbDatabase& database_;
  std::mutex append_mutex_;
  uint64_t last_sequence_;  // guarded by append_mutex_
};

}  // namespace rtm
