// Reading and conditionally writing the revisioned values of the etcd
// backend (store/etcd/etcd_keys.h): the helpers every etcd store shares.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reconcile/domain/error.h"
#include "reconcile/domain/game_runtime.h"
#include "reconcile/domain/runtime_record.h"
#include "store/etcd/etcd_client.h"

namespace rtm {

// The value at `key`, nullopt when there is none.
Expected<std::optional<etcd::KeyValue>> ReadKey(etcd::Client& client,
                                                const std::string& key);

// Writes `text` at `key` if the key is still at `expected_revision` (its
// mod_revision; 0: must not exist) and every `guard` holds, in one etcd
// transaction; else kConflict naming `what`. Returns the new revision.
Expected<uint64_t> CompareAndPut(etcd::Client& client, const std::string& key,
                                 uint64_t expected_revision, std::string text,
                                 std::string_view what,
                                 std::vector<etcd::Compare> guards = {});

// Decoders of one stored value (value.revision = its mod_revision): an
// unreadable value is kInternal naming the key; a desired object that
// names another runtime than its key is unreadable too.
Expected<DesiredRuntime> DecodeDesiredKv(const etcd::KeyValue& kv,
                                         std::string_view name);
Expected<RuntimeStatusView> DecodeStatusKv(const etcd::KeyValue& kv);
Expected<RuntimeRecord> DecodeRecordKv(const etcd::KeyValue& kv);

}  // namespace rtm
