#include "store/leveldb/runtime_writes.h"

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "reconcile/domain/runtime_change.h"
#include "store/leveldb/record_codec.h"
#include "store/leveldb/store_keys.h"
#include "store/leveldb/stored_values.h"

namespace rtm {
namespace {

// What a change costs in the feed's history beyond its halves' text.
constexpr size_t kChangeOverheadBytes = 256;

template <typename Value>
uint64_t RevisionOf(const std::optional<StoredValue<Value>>& stored) {
  return stored ? stored->value.revision : 0;
}

template <typename Value>
const Value* ValueOf(const std::optional<StoredValue<Value>>& stored) {
  return stored ? &stored->value : nullptr;
}

}  // namespace

Expected<uint64_t> WriteRuntimeHalf(LeveldbDatabase& database,
                                    std::string_view name,
                                    const DesiredRuntime* desired,
                                    const RuntimeStatusView* status,
                                    Durability durability) {
  if (name.empty()) {
    return Fail(ErrorCode::kInvalidRequest,
                desired ? "desired runtime without a name"
                        : "runtime status without a name");
  }
  std::shared_ptr<RuntimeChange> change;
  size_t change_bytes = 0;
  auto build = [&](uint64_t revision,
                   leveldb::WriteBatch& batch) -> Expected<void> {
    auto before_desired = ReadStoredDesired(database, name);
    if (!before_desired) return std::unexpected(before_desired.error());
    auto before_status = ReadStoredStatus(database, name);
    if (!before_status) return std::unexpected(before_status.error());

    change = std::make_shared<RuntimeChange>();
    change->revision = revision;
    change->name = std::string(name);
    std::string stored;
    if (desired != nullptr) {
      if (auto matches = CheckExpectedRevision(
              "desired runtime " + std::string(name),
              RevisionOf(*before_desired), desired->revision);
          !matches) {
        return matches;
      }
      change->part = RuntimePart::kDesired;
      change->desired = *desired;
      change->desired->revision = revision;
      if (*before_status) change->status = (*before_status)->value;
      stored = EncodeRevisioned(revision, EncodeDesiredRuntime(*desired));
      batch.Put(DesiredKey(name), stored);
      change_bytes = *before_status ? (*before_status)->bytes : 0;
    } else {
      if (auto matches = CheckExpectedRevision(
              "status of runtime " + std::string(name),
              RevisionOf(*before_status), status->revision);
          !matches) {
        return matches;
      }
      change->part = RuntimePart::kStatus;
      change->status = *status;
      change->status->revision = revision;
      if (*before_desired) change->desired = (*before_desired)->value;
      stored = EncodeRevisioned(revision, EncodeRuntimeStatusView(*status));
      batch.Put(StatusKey(name), stored);
      change_bytes = *before_desired ? (*before_desired)->bytes : 0;
    }
    change_bytes += stored.size() + name.size() + kChangeOverheadBytes;
    change->type = ClassifyChange(
        ValueOf(*before_desired), ValueOf(*before_status),
        change->desired ? &*change->desired : nullptr,
        change->status ? &*change->status : nullptr);
    return {};
  };
  auto append = [&](uint64_t) {
    database.changes().Append(std::move(change), change_bytes);
  };
  return database.WriteRevisioned(durability, build, append);
}

}  // namespace rtm
