#include "store/leveldb/leveldb_desired_state_store.h"

#include <memory>
#include <string>

#include "store/leveldb/exception_guard.h"
#include "store/leveldb/record_codec.h"
#include "store/leveldb/store_keys.h"

namespace rtm {
namespace {

Error Unreadable(std::string_view key, std::string_view problem) {
  return Error{ErrorCode::kInternal, "unreadable desired runtime at key " +
                                         std::string(key) + ": " +
                                         std::string(problem)};
}

// `key` is desired/<name>; the value must be the object of that name.
Expected<DesiredRuntime> DecodeStoredDesired(std::string_view key,
                                             std::string_view text) {
  auto runtime = DecodeDesiredRuntime(text);
  if (!runtime) {
    return std::unexpected(Unreadable(key, runtime.error().message));
  }
  const std::string_view name = key.substr(kDesiredKeyPrefix.size());
  if (runtime->name != name) {
    return std::unexpected(
        Unreadable(key, "holds runtime \"" + runtime->name + "\""));
  }
  return runtime;
}

}  // namespace

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

Expected<void> LeveldbDesiredStateStore::Put(const DesiredRuntime& runtime) {
  return GuardExceptions<void>("put desired runtime",
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

Expected<void> LeveldbDesiredStateStore::PutUnguarded(
    const DesiredRuntime& runtime) {
  if (runtime.name.empty()) {
    return Fail(ErrorCode::kInvalidRequest, "desired runtime without a name");
  }
  leveldb::WriteBatch batch;
  batch.Put(DesiredKey(runtime.name), EncodeDesiredRuntime(runtime));
  auto revision = database_.WriteRevisioned(batch, Durability::kSynced);
  if (!revision) return std::unexpected(revision.error());
  return {};
}

}  // namespace rtm
