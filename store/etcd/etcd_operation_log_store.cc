#include "store/etcd/etcd_operation_log_store.h"

#include <charconv>
#include <limits>
#include <string>
#include <utility>

#include "store/codec/record_codec.h"

namespace rtm {
namespace {

Expected<std::vector<OperationEntry>> DecodeEntries(
    const std::vector<etcd::KeyValue>& kvs) {
  std::vector<OperationEntry> entries;
  entries.reserve(kvs.size());
  for (const etcd::KeyValue& kv : kvs) {
    auto entry = DecodeOperationEntry(kv.value);
    if (!entry) {
      return Fail(ErrorCode::kInternal, "unreadable operation entry at etcd key " +
                                            kv.key + ": " + entry.error().message);
    }
    entries.push_back(*std::move(entry));
  }
  return entries;
}

int64_t RangeLimit(size_t limit) {
  return static_cast<int64_t>(
      std::min<size_t>(limit, std::numeric_limits<int64_t>::max()));
}

}  // namespace

EtcdOperationLogStore::EtcdOperationLogStore(etcd::Client& client,
                                             const EtcdKeys& keys)
    : client_(client), keys_(keys) {}

Expected<EtcdOperationLogStore::Counter> EtcdOperationLogStore::ReadCounter(
    const etcd::RangeResponse& response) const {
  if (response.kvs.empty()) return Counter{};
  const etcd::KeyValue& kv = response.kvs.front();
  uint64_t value = 0;
  const auto [end, error] =
      std::from_chars(kv.value.data(), kv.value.data() + kv.value.size(), value);
  if (kv.value.empty() || error != std::errc{} ||
      end != kv.value.data() + kv.value.size()) {
    return Fail(ErrorCode::kInternal,
                "unreadable operation sequence counter at etcd key " + kv.key);
  }
  return Counter{value, kv.mod_revision};
}

Expected<uint64_t> EtcdOperationLogStore::Append(const OperationEntry& entry) {
  const std::string counter_key = keys_.OperationSequence();
  std::lock_guard lock(mutex_);
  if (!counter_) {
    etcd::RangeRequest request;
    request.key = counter_key;
    auto response = client_.Range(request);
    if (!response) return std::unexpected(response.error());
    auto counter = ReadCounter(*response);
    if (!counter) return std::unexpected(counter.error());
    counter_ = *counter;
  }
  for (int attempt = 0; attempt < kMaxAppendAttempts; ++attempt) {
    if (counter_->value == std::numeric_limits<uint64_t>::max()) {
      return Fail(ErrorCode::kInternal, "operation sequence exhausted");
    }
    const uint64_t sequence = counter_->value + 1;
    OperationEntry stored = entry;
    stored.sequence = sequence;
    std::string text = EncodeOperationEntry(stored);
    etcd::TxnRequest txn;
    txn.compare.push_back(etcd::Compare{counter_key, etcd::Compare::Target::kMod,
                                        counter_->mod_revision});
    txn.success.push_back(
        etcd::Operation::Put(counter_key, std::to_string(sequence)));
    txn.success.push_back(etcd::Operation::Put(keys_.Operation(sequence), text));
    txn.success.push_back(etcd::Operation::Put(
        keys_.OperationByGame(entry.game_id, sequence), std::move(text)));
    txn.failure.push_back(etcd::Operation::Get(counter_key));
    auto response = client_.Txn(txn);
    if (!response) {
      counter_.reset();  // the outcome may be unknown: re-read next time
      return std::unexpected(response.error());
    }
    if (response->succeeded) {
      counter_ = Counter{sequence, response->revision};
      return sequence;
    }
    if (response->ranges.empty()) {
      counter_.reset();
      return Fail(ErrorCode::kInternal,
                  "etcd answered a failed operation append without the counter");
    }
    auto counter = ReadCounter(response->ranges.front());
    if (!counter) {
      counter_.reset();
      return std::unexpected(counter.error());
    }
    counter_ = *counter;  // another process appended: go again
  }
  return Fail(ErrorCode::kServiceUnavailable,
              "operation log append lost " + std::to_string(kMaxAppendAttempts) +
                  " races for the sequence counter in a row");
}

Expected<std::vector<OperationEntry>> EtcdOperationLogStore::ListByGame(
    std::string_view game_id, size_t limit) {
  if (limit == 0) return std::vector<OperationEntry>();
  etcd::RangeRequest request;
  request.key = keys_.OperationsByGamePrefix(game_id);
  request.range_end = etcd::PrefixEnd(request.key);
  request.limit = RangeLimit(limit);
  auto response = client_.Range(request);
  if (!response) return std::unexpected(response.error());
  return DecodeEntries(response->kvs);
}

Expected<std::vector<OperationEntry>> EtcdOperationLogStore::ListAll(
    uint64_t after_sequence, size_t limit) {
  if (limit == 0 || after_sequence == std::numeric_limits<uint64_t>::max()) {
    return std::vector<OperationEntry>();
  }
  etcd::RangeRequest request;
  request.key = keys_.Operation(after_sequence + 1);
  request.range_end = etcd::PrefixEnd(keys_.OperationsPrefix());
  request.limit = RangeLimit(limit);
  auto response = client_.Range(request);
  if (!response) return std::unexpected(response.error());
  return DecodeEntries(response->kvs);
}

}  // namespace rtm
