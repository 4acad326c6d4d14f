// How the revisioned values of the leveldb store are kept, and read back
// by the adapters. desired/<name>, status/<name> and rec/<game> each hold
// the decimal revision of their last write, one space, then the JSON of
// store/codec/record_codec.h. A plain JSON value (written before values
// carried revisions) reads as revision 1.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "reconcile/domain/error.h"
#include "reconcile/domain/game_runtime.h"
#include "reconcile/domain/runtime_record.h"
#include "store/leveldb/leveldb_database.h"

namespace rtm {

std::string EncodeRevisioned(uint64_t revision, std::string_view json);

// One stored value, decoded, with the bytes it takes in the store.
template <typename Value>
struct StoredValue {
  Value value;  // value.revision set from the stored revision
  size_t bytes = 0;
};

// Decoders of one stored value under `key`: an unreadable value is
// kInternal naming the key; a desired object that names another runtime
// than its key is unreadable too.
Expected<DesiredRuntime> DecodeStoredDesired(std::string_view key,
                                             std::string_view stored);
Expected<RuntimeStatusView> DecodeStoredStatus(std::string_view key,
                                               std::string_view stored);
Expected<RuntimeRecord> DecodeStoredRecord(std::string_view key,
                                           std::string_view stored);

// The value stored under the key of `name`, nullopt when there is none.
Expected<std::optional<StoredValue<DesiredRuntime>>> ReadStoredDesired(
    LeveldbDatabase& database, std::string_view name);
Expected<std::optional<StoredValue<RuntimeStatusView>>> ReadStoredStatus(
    LeveldbDatabase& database, std::string_view name);
Expected<std::optional<StoredValue<RuntimeRecord>>> ReadStoredRecord(
    LeveldbDatabase& database, std::string_view game_id);

// The compare of a compare-and-swap: ok when the stored revision (0: none
// stored) is the one the write expects, else kConflict naming `what`.
Expected<void> CheckExpectedRevision(std::string_view what, uint64_t stored,
                                     uint64_t expected);

}  // namespace rtm
