#include "store/leveldb/leveldb_status_store.h"

#include <memory>
#include <string>

#include "store/leveldb/exception_guard.h"
#include "store/leveldb/runtime_writes.h"
#include "store/leveldb/store_keys.h"
#include "store/leveldb/stored_values.h"

namespace rtm {

LeveldbStatusStore::LeveldbStatusStore(LeveldbDatabase& database)
    : database_(database) {}

Expected<RuntimeStatusView> LeveldbStatusStore::Get(std::string_view name) {
  return GuardExceptions<RuntimeStatusView>("get runtime status",
                                            [&] { return GetUnguarded(name); });
}

Expected<uint64_t> LeveldbStatusStore::Put(std::string_view name,
                                           const RuntimeStatusView& status) {
  return GuardExceptions<uint64_t>("put runtime status",
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
  return DecodeStoredStatus(key, **stored);
}

Expected<std::map<std::string, RuntimeStatusView>> LeveldbStatusStore::List() {
  return GuardExceptions<std::map<std::string, RuntimeStatusView>>(
      "list runtime statuses", [&] { return ListUnguarded(); });
}

Expected<std::map<std::string, RuntimeStatusView>>
LeveldbStatusStore::ListUnguarded() {
  std::map<std::string, RuntimeStatusView> statuses;
  const std::unique_ptr<leveldb::Iterator> it = database_.NewIterator();
  for (it->Seek(ToSlice(kStatusKeyPrefix));
       it->Valid() && it->key().starts_with(ToSlice(kStatusKeyPrefix));
       it->Next()) {
    auto status = DecodeStoredStatus(ToView(it->key()), ToView(it->value()));
    if (!status) return std::unexpected(status.error());
    statuses.emplace(std::string(ToView(it->key()).substr(kStatusKeyPrefix.size())),
                     *std::move(status));
  }
  if (auto checked = database_.IteratorStatus(*it, "list runtime statuses");
      !checked) {
    return std::unexpected(checked.error());
  }
  return statuses;
}

Expected<uint64_t> LeveldbStatusStore::PutUnguarded(
    std::string_view name, const RuntimeStatusView& status) {
  return WriteRuntimeHalf(database_, name, nullptr, &status,
                          Durability::kBuffered);
}

}  // namespace rtm
