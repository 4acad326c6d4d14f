#include "store/leveldb/runtime_writes.h"

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "reconcile/domain/runtime_change.h"
#include "store/codec/record_codec.h"
#include "store/leveldb/store_keys.h"
#include "store/leveldb/stored_values.h"

namespace rtm {
namespace {

// What a change costs in the feed's history beyond its halves: the change,
// its shared pointers' control blocks and its slots in the history.
constexpr size_t kChangeOverheadBytes = 256;

// The memory a half held in the history takes, about: its struct plus its
// strings and containers, which take about what its stored text takes.
template <typename Half>
size_t HeldBytes(size_t stored_bytes) {
  return sizeof(Half) + stored_bytes;
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
    // The stored halves: those of the newest retained change of the runtime
    // (every write of either half goes through here and the feed), else
    // read from the store, e.g. after a restart.
    std::shared_ptr<const DesiredRuntime> before_desired;
    std::shared_ptr<const RuntimeStatusView> before_status;
    size_t desired_bytes = 0;  // what halves read here hold
    size_t status_bytes = 0;
    if (auto latest = database.changes().Latest(name)) {
      before_desired = latest->desired;
      before_status = latest->status;
    } else {
      auto stored_desired = ReadStoredDesired(database, name);
      if (!stored_desired) return std::unexpected(stored_desired.error());
      auto stored_status = ReadStoredStatus(database, name);
      if (!stored_status) return std::unexpected(stored_status.error());
      if (*stored_desired) {
        desired_bytes = HeldBytes<DesiredRuntime>((*stored_desired)->bytes);
        before_desired = std::make_shared<const DesiredRuntime>(
            std::move((*stored_desired)->value));
      }
      if (*stored_status) {
        status_bytes = HeldBytes<RuntimeStatusView>((*stored_status)->bytes);
        before_status = std::make_shared<const RuntimeStatusView>(
            std::move((*stored_status)->value));
      }
    }

    change = std::make_shared<RuntimeChange>();
    change->revision = revision;
    change->name = std::string(name);
    std::string stored;
    if (desired != nullptr) {
      if (auto matches = CheckExpectedRevision(
              "desired runtime " + std::string(name),
              before_desired ? before_desired->revision : 0, desired->revision);
          !matches) {
        return matches;
      }
      auto written = std::make_shared<DesiredRuntime>(*desired);
      written->revision = revision;
      stored = EncodeRevisioned(revision, EncodeDesiredRuntime(*written));
      change->part = RuntimePart::kDesired;
      change->desired = std::move(written);
      change->status = before_status;
      batch.Put(DesiredKey(name), stored);
      change_bytes = status_bytes + HeldBytes<DesiredRuntime>(stored.size());
    } else {
      if (auto matches = CheckExpectedRevision(
              "status of runtime " + std::string(name),
              before_status ? before_status->revision : 0, status->revision);
          !matches) {
        return matches;
      }
      auto written = std::make_shared<RuntimeStatusView>(*status);
      written->revision = revision;
      stored = EncodeRevisioned(revision, EncodeRuntimeStatusView(*written));
      change->part = RuntimePart::kStatus;
      change->status = std::move(written);
      change->desired = before_desired;
      batch.Put(StatusKey(name), stored);
      change_bytes = desired_bytes + HeldBytes<RuntimeStatusView>(stored.size());
    }
    change_bytes += name.size() + kChangeOverheadBytes;
    change->type = ClassifyChange(before_desired.get(), before_status.get(),
                                  change->desired.get(), change->status.get());
    return {};
  };
  auto append = [&](uint64_t) {
    database.changes().Append(std::move(change), change_bytes);
  };
  return database.WriteRevisioned(durability, build, append);
}

}  // namespace rtm
