#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "reconcile/domain/error.h"
#include "reconcile/domain/operation.h"

namespace rtm {

// The append-only audit trail. Every entry gets a sequence number that is
// strictly increasing across all games (the global order) and survives
// restarts. Implementations are safe to call from several threads.
class OperationLogStore {
 public:
  virtual ~OperationLogStore() = default;

  // Appends entry (its `sequence` is ignored) and returns the sequence it
  // was stored under. Durable (synced) once it returns a value.
  virtual Expected<uint64_t> Append(const OperationEntry& entry) = 0;

  // The newest `limit` entries of one game, newest first.
  virtual Expected<std::vector<OperationEntry>> ListByGame(
      std::string_view game_id, size_t limit) = 0;

  // Up to `limit` entries of every game with sequence > after_sequence,
  // oldest first (the global order; pass 0 to start at the beginning).
  virtual Expected<std::vector<OperationEntry>> ListAll(
      uint64_t after_sequence, size_t limit) = 0;
};

}  // namespace rtm
