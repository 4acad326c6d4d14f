// The cluster's ports on etcd (docs/cluster.md): membership on an etcd
// lease, leadership as a key on that lease (created only when absent; the
// term is its create_revision), the view as a watch cache of cluster/
// (store/etcd/etcd_watch_loop.h), and the leader's writes as transactions
// fenced by the term. Thread-safe; Join, Renew, Campaign and Leave are
// meant for one thread (the agent's heartbeat).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "reconcile/ports/cluster.h"
#include "store/etcd/etcd_client.h"
#include "store/etcd/etcd_keys.h"
#include "store/etcd/etcd_watch_loop.h"

namespace rtm {

class EtcdCluster : public NodeMembership,
                    public ClusterView,
                    public ClusterScheduling {
 public:
  // The view starts with one list of cluster/ (an error when etcd cannot be
  // read). `node` is this process's node name (membership and leadership
  // act for it).
  static Expected<std::unique_ptr<EtcdCluster>> Open(
      etcd::Client& client, const EtcdKeys& keys, std::string node,
      EtcdWatchLoopOptions watch = {});
  ~EtcdCluster() override;

  // NodeMembership
  Expected<void> Join(const NodeInfo& info, Duration ttl) override;
  Expected<bool> Renew() override;
  Expected<std::optional<uint64_t>> Campaign() override;
  Expected<void> Leave() override;

  // ClusterView
  ClusterSnapshot Snapshot() override;
  void WaitForChange(uint64_t revision, Duration timeout) override;
  void Wake() override;
  Expected<std::map<std::string, Duration>> HeartbeatAges() override;

  // The compare every status write of this node for `game` carries
  // (docs/cluster.md "Fencing"): the game's assignment still at the token
  // this node acts under. kConflict when the game is not assigned here.
  Expected<etcd::Compare> StatusGuard(std::string_view game);

  // ClusterScheduling
  Expected<uint64_t> Assign(const Assignment& assignment,
                            uint64_t term) override;
  Expected<void> Unassign(std::string_view game, uint64_t token,
                          uint64_t term) override;
  Expected<void> MarkNode(std::string_view name, NodeState state,
                          Timestamp since, uint64_t term) override;
  Expected<uint64_t> WriteStatus(std::string_view game,
                                 const RuntimeStatusView& status,
                                 uint64_t term) override;

 private:
  EtcdCluster(etcd::Client& client, const EtcdKeys& keys, std::string node);

  // The watch loop's handler (its thread).
  void OnList(int64_t revision, std::vector<etcd::KeyValue> kvs);
  void OnEvents(const std::vector<etcd::WatchEvent>& events, int64_t delivered);
  void Apply(const etcd::KeyValue& kv, bool deleted);  // under mutex_

  // Runs `txn` with the term's guard first; kConflict naming `what` when a
  // guard failed.
  Expected<int64_t> Fenced(etcd::TxnRequest txn, uint64_t term,
                           std::string_view what);

  etcd::Client& client_;
  const EtcdKeys keys_;
  const std::string node_;

  std::mutex membership_mutex_;
  int64_t lease_id_ = 0;  // guarded by membership_mutex_; 0: not joined

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  uint64_t revision_ = 0;  // guarded by mutex_
  uint64_t wakes_ = 0;     // guarded by mutex_
  std::map<std::string, NodeInfo> nodes_;           // guarded by mutex_
  std::map<std::string, int64_t> alive_;  // lease ids; guarded by mutex_
  std::map<std::string, std::pair<NodeState, Timestamp>> states_;  // mutex_
  std::map<std::string, Assignment> assignments_;   // guarded by mutex_
  std::optional<Leadership> leader_;                // guarded by mutex_
  std::string last_decode_error_;                   // guarded by mutex_
  std::unique_ptr<EtcdWatchLoop> loop_;  // last: stops first
};

}  // namespace rtm
