#include "store/etcd/etcd_runtime_stores.h"

#include <string>
#include <utility>

#include "store/codec/record_codec.h"
#include "store/etcd/etcd_values.h"

namespace rtm {
namespace {

// Every value below `prefix`, in key order (names sort as keys do).
Expected<std::vector<etcd::KeyValue>> ListPrefix(etcd::Client& client,
                                                 const std::string& prefix) {
  etcd::RangeRequest request;
  request.key = prefix;
  request.range_end = etcd::PrefixEnd(prefix);
  auto response = client.Range(request);
  if (!response) return std::unexpected(response.error());
  return std::move(response->kvs);
}

}  // namespace

EtcdDesiredStateStore::EtcdDesiredStateStore(etcd::Client& client,
                                             const EtcdKeys& keys,
                                             EtcdChangeFeed& feed)
    : client_(client), keys_(keys), feed_(feed) {}

Expected<DesiredRuntime> EtcdDesiredStateStore::Get(std::string_view name) {
  auto kv = ReadKey(client_, keys_.Desired(name));
  if (!kv) return std::unexpected(kv.error());
  if (!*kv) {
    return Fail(ErrorCode::kNotFound,
                "no desired state for runtime " + std::string(name));
  }
  return DecodeDesiredKv(**kv, name);
}

Expected<std::vector<DesiredRuntime>> EtcdDesiredStateStore::List() {
  const std::string prefix = keys_.DesiredPrefix();
  auto kvs = ListPrefix(client_, prefix);
  if (!kvs) return std::unexpected(kvs.error());
  std::vector<DesiredRuntime> runtimes;
  runtimes.reserve(kvs->size());
  for (const etcd::KeyValue& kv : *kvs) {
    auto runtime = DecodeDesiredKv(kv, std::string_view(kv.key).substr(prefix.size()));
    if (!runtime) return std::unexpected(runtime.error());
    runtimes.push_back(*std::move(runtime));
  }
  return runtimes;
}

Expected<uint64_t> EtcdDesiredStateStore::Put(const DesiredRuntime& runtime) {
  if (runtime.name.empty()) {
    return Fail(ErrorCode::kInvalidRequest, "desired runtime without a name");
  }
  auto revision = CompareAndPut(client_, keys_.Desired(runtime.name),
                                runtime.revision, EncodeDesiredRuntime(runtime),
                                "desired runtime " + runtime.name);
  if (revision) feed_.NoteOwnWrite(*revision);
  return revision;
}

EtcdStatusStore::EtcdStatusStore(etcd::Client& client, const EtcdKeys& keys,
                                 EtcdChangeFeed& feed, EtcdCluster* fence)
    : client_(client), keys_(keys), feed_(feed), fence_(fence) {}

Expected<RuntimeStatusView> EtcdStatusStore::Get(std::string_view name) {
  auto kv = ReadKey(client_, keys_.Status(name));
  if (!kv) return std::unexpected(kv.error());
  if (!*kv) {
    return Fail(ErrorCode::kNotFound,
                "no status for runtime " + std::string(name));
  }
  return DecodeStatusKv(**kv);
}

Expected<std::map<std::string, RuntimeStatusView>> EtcdStatusStore::List() {
  const std::string prefix = keys_.Status("");
  auto kvs = ListPrefix(client_, prefix);
  if (!kvs) return std::unexpected(kvs.error());
  std::map<std::string, RuntimeStatusView> statuses;
  for (const etcd::KeyValue& kv : *kvs) {
    auto status = DecodeStatusKv(kv);
    if (!status) return std::unexpected(status.error());
    statuses.emplace(kv.key.substr(prefix.size()), *std::move(status));
  }
  return statuses;
}

Expected<uint64_t> EtcdStatusStore::Put(std::string_view name,
                                        const RuntimeStatusView& status) {
  if (name.empty()) {
    return Fail(ErrorCode::kInvalidRequest, "runtime status without a name");
  }
  std::vector<etcd::Compare> guards;
  if (fence_ != nullptr) {
    auto guard = fence_->StatusGuard(name);
    if (!guard) return std::unexpected(guard.error());
    guards.push_back(*std::move(guard));
  }
  auto revision = CompareAndPut(client_, keys_.Status(name), status.revision,
                                EncodeRuntimeStatusView(status),
                                "status of runtime " + std::string(name),
                                std::move(guards));
  if (revision) feed_.NoteOwnWrite(*revision);
  return revision;
}

EtcdRuntimeRecordStore::EtcdRuntimeRecordStore(etcd::Client& client,
                                               const EtcdKeys& keys)
    : client_(client), keys_(keys) {}

Expected<RuntimeRecord> EtcdRuntimeRecordStore::Get(std::string_view game_id) {
  auto kv = ReadKey(client_, keys_.Record(game_id));
  if (!kv) return std::unexpected(kv.error());
  if (!*kv) {
    return Fail(ErrorCode::kNotFound,
                "no runtime record for game " + std::string(game_id));
  }
  return DecodeRecordKv(**kv);
}

Expected<uint64_t> EtcdRuntimeRecordStore::Upsert(const RuntimeRecord& record) {
  if (record.game_id.empty()) {
    return Fail(ErrorCode::kInvalidRequest, "runtime record without a game id");
  }
  return CompareAndPut(client_, keys_.Record(record.game_id), record.revision,
                       EncodeRuntimeRecord(record),
                       "runtime record of game " + record.game_id);
}

Expected<std::vector<RuntimeRecord>> EtcdRuntimeRecordStore::List() {
  auto kvs = ListPrefix(client_, keys_.RecordsPrefix());
  if (!kvs) return std::unexpected(kvs.error());
  std::vector<RuntimeRecord> records;
  records.reserve(kvs->size());
  for (const etcd::KeyValue& kv : *kvs) {
    auto record = DecodeRecordKv(kv);
    if (!record) return std::unexpected(record.error());
    records.push_back(*std::move(record));
  }
  return records;
}

}  // namespace rtm
