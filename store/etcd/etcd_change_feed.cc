#include "store/etcd/etcd_change_feed.h"

#include <algorithm>
#include <utility>

#include "store/etcd/etcd_values.h"

namespace rtm {
namespace {

// What a change costs in the history beyond the half it wrote (as in
// store/leveldb/runtime_writes.cc): the change, its control blocks, its
// slot.
constexpr size_t kChangeOverheadBytes = 256;

Deadline SteadyIn(Duration duration) {
  return std::chrono::steady_clock::now() +
         std::chrono::duration_cast<std::chrono::steady_clock::duration>(
             duration);
}

}  // namespace

Expected<std::unique_ptr<EtcdChangeFeed>> EtcdChangeFeed::Start(
    etcd::Client& client, const EtcdKeys& keys, EtcdChangeFeedOptions options) {
  std::unique_ptr<EtcdChangeFeed> feed(new EtcdChangeFeed(client, keys, options));
  EtcdChangeFeed* raw = feed.get();
  auto loop = EtcdWatchLoop::Start(
      client, keys.RuntimesPrefix(),
      EtcdWatchLoop::Handler{
          [raw](int64_t revision, std::vector<etcd::KeyValue> kvs, bool relist) {
            raw->OnList(revision, std::move(kvs), relist);
          },
          [raw](const std::vector<etcd::WatchEvent>& events, int64_t delivered) {
            raw->OnEvents(events, delivered);
          }},
      options.watch);
  if (!loop) return std::unexpected(loop.error());
  feed->loop_ = *std::move(loop);
  return feed;
}

EtcdChangeFeed::EtcdChangeFeed(etcd::Client& client, const EtcdKeys& keys,
                               EtcdChangeFeedOptions options)
    : client_(client),
      keys_(keys),
      options_(options),
      history_(0, options.history_bytes) {}

EtcdChangeFeed::~EtcdChangeFeed() {
  loop_.reset();  // no handler call after this
  history_.Wake();
}

void EtcdChangeFeed::NoteDecodeError(std::string message) {
  std::lock_guard lock(mutex_);
  last_decode_error_ = std::move(message);
}

void EtcdChangeFeed::OnList(int64_t revision, std::vector<etcd::KeyValue> kvs,
                            bool /*relist*/) {
  current_.clear();
  for (const etcd::KeyValue& kv : kvs) {
    auto key = keys_.ParseRuntimeKey(kv.key);
    if (!key) continue;
    Halves& halves = current_[key->name];
    if (key->part == RuntimePart::kDesired) {
      auto desired = DecodeDesiredKv(kv, key->name);
      if (!desired) {
        NoteDecodeError(desired.error().message);
        continue;
      }
      halves.desired = std::make_shared<const DesiredRuntime>(*std::move(desired));
    } else {
      auto status = DecodeStatusKv(kv);
      if (!status) {
        NoteDecodeError(status.error().message);
        continue;
      }
      halves.status = std::make_shared<const RuntimeStatusView>(*std::move(status));
    }
  }
  // Readers behind the list's revision get history_lost and relist.
  history_.Reset(static_cast<uint64_t>(revision));
}

void EtcdChangeFeed::OnEvents(const std::vector<etcd::WatchEvent>& events,
                              int64_t delivered) {
  for (const etcd::WatchEvent& event : events) {
    auto key = keys_.ParseRuntimeKey(event.kv.key);
    if (!key) continue;
    Halves before = current_[key->name];
    Halves after = before;
    if (event.type == etcd::WatchEvent::Type::kDelete) {
      // The stores never delete a half; one deleted by hand is forgotten
      // without a change (no delete revision to report a runtime by).
      if (key->part == RuntimePart::kDesired) {
        after.desired = nullptr;
      } else {
        after.status = nullptr;
      }
      current_[key->name] = after;
      continue;
    }
    if (key->part == RuntimePart::kDesired) {
      auto desired = DecodeDesiredKv(event.kv, key->name);
      if (!desired) {
        NoteDecodeError(desired.error().message);
        continue;
      }
      after.desired = std::make_shared<const DesiredRuntime>(*std::move(desired));
    } else {
      auto status = DecodeStatusKv(event.kv);
      if (!status) {
        NoteDecodeError(status.error().message);
        continue;
      }
      after.status = std::make_shared<const RuntimeStatusView>(*std::move(status));
    }
    auto change = std::make_shared<RuntimeChange>();
    change->revision = static_cast<uint64_t>(event.kv.mod_revision);
    change->name = key->name;
    change->part = key->part;
    change->desired = after.desired;
    change->status = after.status;
    change->type = ClassifyChange(before.desired.get(), before.status.get(),
                                  after.desired.get(), after.status.get());
    current_[key->name] = std::move(after);
    history_.Append(std::move(change), event.kv.value.size() + key->name.size() +
                                           kChangeOverheadBytes);
  }
  if (delivered > 0) history_.Committed(static_cast<uint64_t>(delivered));
}

bool EtcdChangeFeed::AwaitHistory(uint64_t revision) {
  const Deadline deadline = SteadyIn(options_.catch_up_timeout);
  while (true) {
    const uint64_t reached = *history_.Revision();
    if (reached >= revision) return true;
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return false;
    history_.WaitAfter(reached, std::chrono::duration_cast<Duration>(
                                    deadline - now));
  }
}

Expected<uint64_t> EtcdChangeFeed::Revision() {
  uint64_t own;
  {
    std::lock_guard lock(mutex_);
    own = own_writes_revision_;
  }
  if (!AwaitHistory(own)) {
    return Fail(ErrorCode::kServiceUnavailable,
                "the etcd watch has not delivered revision " +
                    std::to_string(own) + " (written here) in time");
  }
  return history_.Revision();
}

Expected<ChangeBatch> EtcdChangeFeed::ReadAfter(uint64_t after, size_t limit) {
  auto revision = Revision();
  if (!revision) return std::unexpected(revision.error());
  if (after > *revision) {
    // Ahead of the watch: wait for it only when etcd has that revision
    // (else history_lost below at once).
    etcd::RangeRequest probe;
    probe.key = keys_.RuntimesPrefix();
    probe.count_only = true;
    auto current = client_.Range(probe);
    if (!current) return std::unexpected(current.error());
    if (after <= static_cast<uint64_t>(current->revision)) AwaitHistory(after);
  }
  return history_.ReadAfter(after, limit);
}

void EtcdChangeFeed::WaitAfter(uint64_t after, Duration timeout) {
  history_.WaitAfter(after, timeout);
}

void EtcdChangeFeed::Wake() { history_.Wake(); }

void EtcdChangeFeed::NoteOwnWrite(uint64_t revision) {
  std::lock_guard lock(mutex_);
  own_writes_revision_ = std::max(own_writes_revision_, revision);
}

void EtcdChangeFeed::Compact(uint64_t revision) { history_.Compact(revision); }

uint64_t EtcdChangeFeed::relists() const { return loop_->relists(); }

std::string EtcdChangeFeed::last_decode_error() const {
  std::lock_guard lock(mutex_);
  return last_decode_error_;
}

}  // namespace rtm
