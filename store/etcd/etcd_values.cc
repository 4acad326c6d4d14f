#include "store/etcd/etcd_values.h"

#include <utility>

#include "store/codec/record_codec.h"

namespace rtm {
namespace {

template <typename Value>
Expected<Value> WithRevision(Expected<Value> decoded, const etcd::KeyValue& kv,
                             std::string_view what) {
  if (!decoded) {
    return Fail(ErrorCode::kInternal, "unreadable " + std::string(what) +
                                          " at etcd key " + kv.key + ": " +
                                          decoded.error().message);
  }
  decoded->revision = static_cast<uint64_t>(kv.mod_revision);
  return decoded;
}

}  // namespace

Expected<std::optional<etcd::KeyValue>> ReadKey(etcd::Client& client,
                                                const std::string& key) {
  etcd::RangeRequest request;
  request.key = key;
  auto response = client.Range(request);
  if (!response) return std::unexpected(response.error());
  if (response->kvs.empty()) return std::optional<etcd::KeyValue>();
  return std::optional<etcd::KeyValue>(std::move(response->kvs.front()));
}

Expected<uint64_t> CompareAndPut(etcd::Client& client, const std::string& key,
                                 uint64_t expected_revision, std::string text,
                                 std::string_view what,
                                 std::vector<etcd::Compare> guards) {
  etcd::TxnRequest txn;
  txn.compare = std::move(guards);
  txn.compare.push_back(etcd::Compare{key, etcd::Compare::Target::kMod,
                                      static_cast<int64_t>(expected_revision)});
  txn.success.push_back(etcd::Operation::Put(key, std::move(text)));
  auto response = client.Txn(txn);
  if (!response) return std::unexpected(response.error());
  if (!response->succeeded) {
    return Fail(ErrorCode::kConflict,
                std::string(what) +
                    (expected_revision == 0
                         ? " already exists"
                         : " is no longer at revision " +
                               std::to_string(expected_revision)) +
                    (txn.compare.size() > 1 ? ", or its guard moved" : ""));
  }
  return static_cast<uint64_t>(response->revision);
}

Expected<DesiredRuntime> DecodeDesiredKv(const etcd::KeyValue& kv,
                                         std::string_view name) {
  auto runtime =
      WithRevision(DecodeDesiredRuntime(kv.value), kv, "desired runtime");
  if (runtime && runtime->name != name) {
    return Fail(ErrorCode::kInternal,
                "unreadable desired runtime at etcd key " + kv.key +
                    ": it names runtime \"" + runtime->name + "\"");
  }
  return runtime;
}

Expected<RuntimeStatusView> DecodeStatusKv(const etcd::KeyValue& kv) {
  return WithRevision(DecodeRuntimeStatusView(kv.value), kv, "runtime status");
}

Expected<RuntimeRecord> DecodeRecordKv(const etcd::KeyValue& kv) {
  return WithRevision(DecodeRuntimeRecord(kv.value), kv, "runtime record");
}

}  // namespace rtm
