#include "store/leveldb/leveldb_desired_state_store.h"

#include <memory>
#include <string>

#include "store/leveldb/exception_guard.h"
#include "store/leveldb/runtime_writes.h"
#include "store/leveldb/store_keys.h"
#include "store/leveldb/stored_values.h"

namespace rtm {

LeveldbDesiredStateStore::LeveldbDesiredStateStore(LeveldbDatabase& database)
    : database_(database) {}

Expected<DesiredRuntime> LeveldbDesiredStateStore::Get(std::string_view name) {
  return GuardExceptions<DesiredRuntime>("get desired runtime",
                                         [&] { return GetUnguarded(name); });
}

Expected<std::vector<DesiredRuntime>> LeveldbDesiredStateStore::List() {
  return GuardExceptions<std::vector<DesiredRuntime>>(
      "list desired runtimes", [&] { return ListUnguarded(); });
}

Expected<uint64_t> LeveldbDesiredStateStore::Put(
    const DesiredRuntime& runtime) {
  return GuardExceptions<uint64_t>("put desired runtime",
                               [&] { return PutUnguarded(runtime); });
}

Expected<DesiredRuntime> LeveldbDesiredStateStore::GetUnguarded(
    std::string_view name) {
  const std::string key = DesiredKey(name);
  auto stored = database_.Get(key);
  if (!stored) return std::unexpected(stored.error());
  if (!stored->has_value()) {
    return Fail(ErrorCode::kNotFound,
                "no desired state for runtime " + std::string(name));
  }
  return DecodeStoredDesired(key, **stored);
}

Expected<std::vector<DesiredRuntime>>
LeveldbDesiredStateStore::ListUnguarded() {
  std::vector<DesiredRuntime> runtimes;
  const std::unique_ptr<leveldb::Iterator> it = database_.NewIterator();
  for (it->Seek(ToSlice(kDesiredKeyPrefix));
       it->Valid() && it->key().starts_with(ToSlice(kDesiredKeyPrefix));
       it->Next()) {
    auto runtime = DecodeStoredDesired(ToView(it->key()), ToView(it->value()));
    if (!runtime) return std::unexpected(runtime.error());
    runtimes.push_back(*std::move(runtime));
  }
  if (auto status = database_.IteratorStatus(*it, "list desired runtimes");
      !status) {
    return std::unexpected(status.error());
  }
  return runtimes;
}

Expected<uint64_t> LeveldbDesiredStateStore::PutUnguarded(
    const DesiredRuntime& runtime) {
  return WriteRuntimeHalf(database_, runtime.name, &runtime, nullptr,
                          Durability::kSynced);
}

}  // namespace rtm
