#include "store/etcd/etcd_cluster.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "store/codec/cluster_codec.h"
#include "store/codec/record_codec.h"
#include "store/etcd/etcd_values.h"

namespace rtm {
namespace {

// etcd refuses leases shorter than about 1.5 election timeouts; below
// this its TTL is raised anyway.
constexpr int64_t kMinLeaseSeconds = 2;

std::string After(std::string_view key, std::string_view prefix) {
  return std::string(key.substr(prefix.size()));
}

}  // namespace

Expected<std::unique_ptr<EtcdCluster>> EtcdCluster::Open(
    etcd::Client& client, const EtcdKeys& keys, std::string node,
    EtcdWatchLoopOptions watch) {
  std::unique_ptr<EtcdCluster> cluster(
      new EtcdCluster(client, keys, std::move(node)));
  EtcdCluster* raw = cluster.get();
  auto loop = EtcdWatchLoop::Start(
      client, keys.ClusterPrefix(),
      EtcdWatchLoop::Handler{
          [raw](int64_t revision, std::vector<etcd::KeyValue> kvs, bool) {
            raw->OnList(revision, std::move(kvs));
          },
          [raw](const std::vector<etcd::WatchEvent>& events, int64_t delivered) {
            raw->OnEvents(events, delivered);
          }},
      watch);
  if (!loop) return std::unexpected(loop.error());
  cluster->loop_ = *std::move(loop);
  return cluster;
}

EtcdCluster::EtcdCluster(etcd::Client& client, const EtcdKeys& keys,
                         std::string node)
    : client_(client), keys_(keys), node_(std::move(node)) {}

EtcdCluster::~EtcdCluster() {
  loop_.reset();
  Wake();
}

// ------------------------------------------------------------ membership

Expected<void> EtcdCluster::Join(const NodeInfo& info, Duration ttl) {
  const int64_t seconds = std::max<int64_t>(
      kMinLeaseSeconds,
      static_cast<int64_t>(std::ceil(std::chrono::duration<double>(ttl).count())));
  auto grant = client_.GrantLease(seconds);
  if (!grant) return std::unexpected(grant.error());
  etcd::TxnRequest txn;
  txn.success.push_back(etcd::Operation::Put(keys_.Node(info.name), EncodeNodeInfo(info)));
  txn.success.push_back(etcd::Operation::Put(
      keys_.Alive(info.name), std::to_string(grant->id), grant->id));
  auto written = client_.Txn(txn);
  if (!written) {
    (void)client_.RevokeLease(grant->id);
    return std::unexpected(written.error());
  }
  int64_t previous = 0;
  {
    std::lock_guard lock(membership_mutex_);
    previous = std::exchange(lease_id_, grant->id);
  }
  if (previous != 0) (void)client_.RevokeLease(previous);
  return {};
}

Expected<bool> EtcdCluster::Renew() {
  int64_t lease = 0;
  {
    std::lock_guard lock(membership_mutex_);
    lease = lease_id_;
  }
  if (lease == 0) return false;
  auto renewed = client_.KeepAliveOnce(lease);
  if (!renewed) return std::unexpected(renewed.error());
  if (renewed->ttl_seconds > 0) return true;
  std::lock_guard lock(membership_mutex_);
  if (lease_id_ == lease) lease_id_ = 0;
  return false;
}

Expected<std::optional<uint64_t>> EtcdCluster::Campaign() {
  int64_t lease = 0;
  {
    std::lock_guard lock(membership_mutex_);
    lease = lease_id_;
  }
  if (lease == 0) {
    return Fail(ErrorCode::kInvalidRequest,
                "node " + node_ + " campaigns before it joined");
  }
  const std::string key = keys_.Election();
  etcd::TxnRequest txn;
  txn.compare.push_back(etcd::Compare{key, etcd::Compare::Target::kCreate, 0});
  txn.success.push_back(etcd::Operation::Put(key, node_, lease));
  txn.failure.push_back(etcd::Operation::Get(key));
  auto response = client_.Txn(txn);
  if (!response) return std::unexpected(response.error());
  if (response->succeeded) {
    return std::optional<uint64_t>(static_cast<uint64_t>(response->revision));
  }
  if (response->ranges.empty() || response->ranges.front().kvs.empty()) {
    return std::optional<uint64_t>();  // gone in between: try again later
  }
  const etcd::KeyValue& held = response->ranges.front().kvs.front();
  if (held.value == node_ && held.lease == lease) {
    return std::optional<uint64_t>(static_cast<uint64_t>(held.create_revision));
  }
  return std::optional<uint64_t>();
}

Expected<void> EtcdCluster::Leave() {
  int64_t lease = 0;
  {
    std::lock_guard lock(membership_mutex_);
    lease = std::exchange(lease_id_, 0);
  }
  if (lease == 0) return {};
  return client_.RevokeLease(lease);
}

// ------------------------------------------------------------------ view

void EtcdCluster::Apply(const etcd::KeyValue& kv, bool deleted) {
  const std::string nodes = keys_.Node("");
  const std::string alive = keys_.Alive("");
  const std::string states = keys_.NodeState("");
  const std::string assignments = keys_.Assignment("");
  std::string_view key = kv.key;
  if (key == keys_.Election()) {
    if (deleted) {
      leader_.reset();
    } else {
      leader_ = Leadership{kv.value, static_cast<uint64_t>(kv.create_revision)};
    }
  } else if (key.starts_with(alive)) {
    if (deleted) {
      alive_.erase(After(key, alive));
    } else {
      alive_[After(key, alive)] = kv.lease;
    }
  } else if (key.starts_with(states)) {
    auto state = deleted ? Expected<StoredNodeState>(StoredNodeState{})
                         : DecodeNodeState(kv.value);
    if (!state) {
      last_decode_error_ = kv.key + ": " + state.error().message;
    } else if (deleted) {
      states_.erase(After(key, states));
    } else {
      states_[After(key, states)] = {state->state, state->since};
    }
  } else if (key.starts_with(nodes)) {
    if (deleted) {
      nodes_.erase(After(key, nodes));
      return;
    }
    auto info = DecodeNodeInfo(kv.value);
    if (!info) {
      last_decode_error_ = kv.key + ": " + info.error().message;
      return;
    }
    nodes_[After(key, nodes)] = *std::move(info);
  } else if (key.starts_with(assignments)) {
    const std::string game = After(key, assignments);
    if (deleted) {
      assignments_.erase(game);
      return;
    }
    auto assignment = DecodeAssignment(kv.value);
    if (!assignment) {
      last_decode_error_ = kv.key + ": " + assignment.error().message;
      return;
    }
    assignment->game = game;
    assignment->token = static_cast<uint64_t>(kv.mod_revision);
    assignments_[game] = *std::move(assignment);
  }
}

void EtcdCluster::OnList(int64_t revision, std::vector<etcd::KeyValue> kvs) {
  {
    std::lock_guard lock(mutex_);
    nodes_.clear();
    alive_.clear();
    states_.clear();
    assignments_.clear();
    leader_.reset();
    for (const etcd::KeyValue& kv : kvs) Apply(kv, /*deleted=*/false);
    revision_ = static_cast<uint64_t>(revision);
  }
  changed_.notify_all();
}

void EtcdCluster::OnEvents(const std::vector<etcd::WatchEvent>& events,
                           int64_t delivered) {
  {
    std::lock_guard lock(mutex_);
    for (const etcd::WatchEvent& event : events) {
      Apply(event.kv, event.type == etcd::WatchEvent::Type::kDelete);
    }
    revision_ = std::max(revision_, static_cast<uint64_t>(delivered));
  }
  changed_.notify_all();
}

ClusterSnapshot EtcdCluster::Snapshot() {
  std::lock_guard lock(mutex_);
  ClusterSnapshot snapshot;
  snapshot.revision = revision_;
  for (const auto& [name, info] : nodes_) {
    NodeRecord record;
    record.info = info;
    record.alive = alive_.contains(name);
    if (auto state = states_.find(name); state != states_.end()) {
      record.state = state->second.first;
      record.state_since = state->second.second;
    }
    snapshot.nodes.push_back(std::move(record));
  }
  snapshot.assignments = assignments_;
  snapshot.leader = leader_;
  return snapshot;
}

void EtcdCluster::WaitForChange(uint64_t revision, Duration timeout) {
  std::unique_lock lock(mutex_);
  const uint64_t wakes = wakes_;
  changed_.wait_for(lock, timeout,
                    [&] { return revision_ > revision || wakes_ != wakes; });
}

Expected<std::map<std::string, Duration>> EtcdCluster::HeartbeatAges() {
  std::map<std::string, int64_t> leases;
  {
    std::lock_guard lock(mutex_);
    leases = alive_;
  }
  std::map<std::string, Duration> ages;
  for (const auto& [node, lease] : leases) {
    auto left = client_.TimeToLive(lease);
    if (!left) return std::unexpected(left.error());
    if (left->remaining_seconds < 0) continue;  // expired in between
    ages[node] = std::chrono::seconds(
        std::max<int64_t>(0, left->granted_seconds - left->remaining_seconds));
  }
  return ages;
}

void EtcdCluster::Wake() {
  {
    std::lock_guard lock(mutex_);
    ++wakes_;
  }
  changed_.notify_all();
}

// ------------------------------------------------------------ scheduling

Expected<int64_t> EtcdCluster::Fenced(etcd::TxnRequest txn, uint64_t term,
                                      std::string_view what) {
  txn.compare.insert(txn.compare.begin(),
                     etcd::Compare{keys_.Election(), etcd::Compare::Target::kCreate,
                                   static_cast<int64_t>(term)});
  auto response = client_.Txn(txn);
  if (!response) return std::unexpected(response.error());
  if (!response->succeeded) {
    return Fail(ErrorCode::kConflict,
                std::string(what) + " refused: leadership term " +
                    std::to_string(term) + " is over or the value moved");
  }
  return response->revision;
}

Expected<etcd::Compare> EtcdCluster::StatusGuard(std::string_view game) {
  std::lock_guard lock(mutex_);
  auto found = assignments_.find(std::string(game));
  if (found == assignments_.end() || found->second.node != node_) {
    return Fail(ErrorCode::kConflict,
                "game " + std::string(game) + " is not assigned to node " +
                    node_ +
                    (found == assignments_.end()
                         ? std::string(" (unplaced)")
                         : " (assigned to node " + found->second.node + ")"));
  }
  return etcd::Compare{keys_.Assignment(game), etcd::Compare::Target::kMod,
                       static_cast<int64_t>(found->second.token)};
}

Expected<uint64_t> EtcdCluster::WriteStatus(std::string_view game,
                                            const RuntimeStatusView& status,
                                            uint64_t term) {
  const std::string key = keys_.Status(game);
  etcd::TxnRequest txn;
  txn.compare.push_back(etcd::Compare{key, etcd::Compare::Target::kMod,
                                      static_cast<int64_t>(status.revision)});
  txn.success.push_back(etcd::Operation::Put(key, EncodeRuntimeStatusView(status)));
  auto revision =
      Fenced(std::move(txn), term, "status of game " + std::string(game));
  if (!revision) return std::unexpected(revision.error());
  return static_cast<uint64_t>(*revision);
}

Expected<uint64_t> EtcdCluster::Assign(const Assignment& assignment,
                                       uint64_t term) {
  const std::string key = keys_.Assignment(assignment.game);
  etcd::TxnRequest txn;
  txn.compare.push_back(etcd::Compare{key, etcd::Compare::Target::kMod,
                                      static_cast<int64_t>(assignment.token)});
  txn.success.push_back(etcd::Operation::Put(key, EncodeAssignment(assignment)));
  auto revision = Fenced(std::move(txn), term,
                         "assignment of game " + assignment.game + " to node " +
                             assignment.node);
  if (!revision) return std::unexpected(revision.error());
  return static_cast<uint64_t>(*revision);
}

Expected<void> EtcdCluster::Unassign(std::string_view game, uint64_t token,
                                     uint64_t term) {
  const std::string key = keys_.Assignment(game);
  etcd::TxnRequest txn;
  txn.compare.push_back(etcd::Compare{key, etcd::Compare::Target::kMod,
                                      static_cast<int64_t>(token)});
  txn.success.push_back(etcd::Operation::Delete(key));
  auto revision =
      Fenced(std::move(txn), term, "unassignment of game " + std::string(game));
  if (!revision) return std::unexpected(revision.error());
  return {};
}

Expected<void> EtcdCluster::MarkNode(std::string_view name, NodeState state,
                                     Timestamp since, uint64_t term) {
  etcd::TxnRequest txn;
  txn.success.push_back(etcd::Operation::Put(
      keys_.NodeState(name), EncodeNodeState(StoredNodeState{state, since})));
  auto revision = Fenced(std::move(txn), term,
                         "marking node " + std::string(name) + " " +
                             std::string(ToString(state)));
  if (!revision) return std::unexpected(revision.error());
  return {};
}

}  // namespace rtm
