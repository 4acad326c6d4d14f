#include "store/leveldb/leveldb_status_store.h"

#include <string>

#include "store/leveldb/exception_guard.h"
#include "store/leveldb/record_codec.h"
#include "store/leveldb/store_keys.h"

namespace rtm {

LeveldbStatusStore::LeveldbStatusStore(LeveldbDatabase& database)
    : database_(database) {}

Expected<RuntimeStatusView> LeveldbStatusStore::Get(std::string_view name) {
  return GuardExceptions<RuntimeStatusView>("get runtime status",
                                            [&] { return GetUnguarded(name); });
}

Expected<void> LeveldbStatusStore::Put(std::string_view name,
                                       const RuntimeStatusView& status) {
  return GuardExceptions<void>("put runtime status",
                               [&] { return PutUnguarded(name, status); });
}

Expected<RuntimeStatusView> LeveldbStatusStore::GetUnguarded(
    std::string_view name) {
  const std::string key = StatusKey(name);
  auto stored = database_.Get(key);
  if (!stored) return std::unexpected(stored.error());
  if (!stored->has_value()) {
    return Fail(ErrorCode::kNotFound,
                "no status for runtime " + std::string(name));
  }
  auto status = DecodeRuntimeStatusView(**stored);
  if (!status) {
    return Fail(ErrorCode::kInternal, "unreadable runtime status at key " +
                                          key + ": " + status.error().message);
  }
  return status;
}

Expected<void> LeveldbStatusStore::PutUnguarded(
    std::string_view name, const RuntimeStatusView& status) {
  if (name.empty()) {
    return Fail(ErrorCode::kInvalidRequest, "runtime status without a name");
  }
  leveldb::WriteBatch batch;
  batch.Put(StatusKey(name), EncodeRuntimeStatusView(status));
  auto revision = database_.WriteRevisioned(batch, Durability::kBuffered);
  if (!revision) return std::unexpected(revision.error());
  return {};
}

}  // namespace rtm
