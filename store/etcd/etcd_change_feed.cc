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
// How long one watch read waits before looking at the stop flag again
// (Stop interrupts it sooner).
constexpr Duration kWatchReadSlice = std::chrono::seconds(30);

Deadline SteadyIn(Duration duration) {
  return std::chrono::steady_clock::now() +
         std::chrono::duration_cast<std::chrono::steady_clock::duration>(
             duration);
}

}  // namespace

Expected<std::pair<int64_t, std::map<std::string, EtcdChangeFeed::Halves>>>
EtcdChangeFeed::List(etcd::Client& client, const EtcdKeys& keys,
                     std::string& decode_error) {
  etcd::RangeRequest request;
  request.key = keys.RuntimesPrefix();
  request.range_end = etcd::PrefixEnd(request.key);
  auto listed = client.Range(request);
  if (!listed) return std::unexpected(listed.error());
  std::map<std::string, Halves> current;
  for (const etcd::KeyValue& kv : listed->kvs) {
    auto key = keys.ParseRuntimeKey(kv.key);
    if (!key) continue;
    Halves& halves = current[key->name];
    if (key->part == RuntimePart::kDesired) {
      auto desired = DecodeDesiredKv(kv, key->name);
      if (!desired) {
        decode_error = desired.error().message;
        continue;
      }
      halves.desired = std::make_shared<const DesiredRuntime>(*std::move(desired));
    } else {
      auto status = DecodeStatusKv(kv);
      if (!status) {
        decode_error = status.error().message;
        continue;
      }
      halves.status = std::make_shared<const RuntimeStatusView>(*std::move(status));
    }
  }
  return std::pair{listed->revision, std::move(current)};
}

Expected<std::unique_ptr<EtcdChangeFeed>> EtcdChangeFeed::Start(
    etcd::Client& client, const EtcdKeys& keys, EtcdChangeFeedOptions options) {
  std::string decode_error;
  auto listed = List(client, keys, decode_error);
  if (!listed) return std::unexpected(listed.error());
  std::unique_ptr<EtcdChangeFeed> feed(new EtcdChangeFeed(
      client, keys, options, listed->first, std::move(listed->second)));
  feed->last_decode_error_ = std::move(decode_error);
  feed->thread_ = std::thread([raw = feed.get()] { raw->Run(); });
  return feed;
}

EtcdChangeFeed::EtcdChangeFeed(etcd::Client& client, const EtcdKeys& keys,
                               EtcdChangeFeedOptions options, int64_t revision,
                               std::map<std::string, Halves> current)
    : client_(client),
      keys_(keys),
      options_(options),
      history_(static_cast<uint64_t>(revision), options.history_bytes),
      current_(std::move(current)),
      next_revision_(revision + 1) {}

EtcdChangeFeed::~EtcdChangeFeed() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    if (active_watch_ != nullptr) active_watch_->Interrupt();
  }
  stop_signal_.notify_all();
  if (thread_.joinable()) thread_.join();
  history_.Wake();
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

uint64_t EtcdChangeFeed::relists() const {
  std::lock_guard lock(mutex_);
  return relists_;
}

std::string EtcdChangeFeed::last_decode_error() const {
  std::lock_guard lock(mutex_);
  return last_decode_error_;
}

bool EtcdChangeFeed::Pause(Duration delay) {
  std::unique_lock lock(mutex_);
  stop_signal_.wait_for(lock, delay, [&] { return stopping_; });
  return !stopping_;
}

bool EtcdChangeFeed::Apply(const etcd::WatchResponse& response) {
  if (response.canceled) return false;
  int64_t delivered = 0;
  for (const etcd::WatchEvent& event : response.events) {
    delivered = std::max(delivered, event.kv.mod_revision);
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
    auto change = std::make_shared<RuntimeChange>();
    change->revision = static_cast<uint64_t>(event.kv.mod_revision);
    change->name = key->name;
    change->part = key->part;
    if (key->part == RuntimePart::kDesired) {
      auto desired = DecodeDesiredKv(event.kv, key->name);
      if (!desired) {
        std::lock_guard lock(mutex_);
        last_decode_error_ = desired.error().message;
        continue;
      }
      after.desired = std::make_shared<const DesiredRuntime>(*std::move(desired));
    } else {
      auto status = DecodeStatusKv(event.kv);
      if (!status) {
        std::lock_guard lock(mutex_);
        last_decode_error_ = status.error().message;
        continue;
      }
      after.status = std::make_shared<const RuntimeStatusView>(*std::move(status));
    }
    change->desired = after.desired;
    change->status = after.status;
    change->type = ClassifyChange(before.desired.get(), before.status.get(),
                                  after.desired.get(), after.status.get());
    current_[key->name] = std::move(after);
    history_.Append(std::move(change), event.kv.value.size() + key->name.size() +
                                           kChangeOverheadBytes);
  }
  // Events come in revision order; a message without events (progress)
  // says that everything up to its header revision was delivered.
  if (response.events.empty() && !response.created) delivered = response.revision;
  if (delivered > 0) {
    history_.Committed(static_cast<uint64_t>(delivered));
    next_revision_ = std::max(next_revision_, delivered + 1);
  }
  return true;
}

void EtcdChangeFeed::Run() {
  Duration retry = options_.retry_initial;
  bool relist = false;
  while (true) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
    }
    if (relist) {
      std::string decode_error;
      auto listed = List(client_, keys_, decode_error);
      if (!listed) {
        if (!Pause(retry)) return;
        retry = std::min(retry * 2, options_.retry_max);
        continue;
      }
      current_ = std::move(listed->second);
      next_revision_ = listed->first + 1;
      history_.Reset(static_cast<uint64_t>(listed->first));
      std::lock_guard lock(mutex_);
      ++relists_;
      if (!decode_error.empty()) last_decode_error_ = std::move(decode_error);
      relist = false;
    }
    etcd::WatchRequest request;
    request.key = keys_.RuntimesPrefix();
    request.range_end = etcd::PrefixEnd(request.key);
    request.start_revision = next_revision_;
    request.progress_notify = true;
    auto watch = client_.Watch(request);
    if (!watch) {
      if (watch.error().code == ErrorCode::kConflict) {  // compacted
        relist = true;
        continue;
      }
      if (!Pause(retry)) return;
      retry = std::min(retry * 2, options_.retry_max);
      continue;
    }
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      active_watch_ = watch->get();
    }
    retry = options_.retry_initial;
    while (true) {
      auto message = (*watch)->Next(SteadyIn(kWatchReadSlice));
      if (!message) break;             // broken: re-open from next_revision_
      if (!message->has_value()) continue;
      if (!Apply(**message)) {
        relist = (*message)->compact_revision != 0;
        break;
      }
    }
    {
      std::lock_guard lock(mutex_);
      active_watch_ = nullptr;
      if (stopping_) return;
    }
    if (!relist && !Pause(retry)) return;
  }
}

}  // namespace rtm
