// Where the etcd backend keeps each value, below the operator's prefix
// (`--etcd-prefix`, default /rtmanager/):
//   runtimes/desired/<name>   desired object    (JSON, store/codec/record_codec.h)
//   runtimes/status/<name>    reported status   (JSON)
//   records/<game>            runtime record    (JSON); in cluster mode
//                             noderecords/<node>/<game>, each node its own
//   oplog/sequence            last operation sequence (decimal)
//   oplog/all/<seq:20>        operation entry   (JSON), global order
//   oplog/game/<game>/<inv:20> the same entry, newest first per game
//                              (inv = 2^64-1 - seq)
//   leases/<game>             game lease        (store/codec/lease_codec.h)
//   cluster/nodes/<node>      a node's NodeInfo (store/codec/cluster_codec.h)
//   cluster/alive/<node>      its liveness, on the agent's etcd lease
//   cluster/nodestate/<node>  Ready | Lost, since (the leader's)
//   cluster/assign/<game>     the game's node (the leader's); token = mod_revision
//   cluster/election          the leader's node name, on its etcd lease;
//                             term = create_revision
// (docs/cluster.md). cluster/ is one range: one watch carries all of it.
// The revision of a value is its etcd mod_revision. runtimes/ is one range
// so that one etcd watch carries both halves of every runtime.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "reconcile/domain/runtime_change.h"

namespace rtm {

inline constexpr std::string_view kDefaultEtcdPrefix = "/rtmanager/";

class EtcdKeys {
 public:
  // `prefix` ends with '/' (ParseEtcdPrefix ensures it). `node`: this
  // process's node in cluster mode (its records are its own), else empty.
  explicit EtcdKeys(std::string prefix, std::string node = "");

  const std::string& prefix() const { return prefix_; }

  std::string Desired(std::string_view name) const;
  std::string Status(std::string_view name) const;
  std::string Record(std::string_view game_id) const;
  std::string Lease(std::string_view game_id) const;
  std::string OperationSequence() const;
  std::string Operation(uint64_t sequence) const;
  std::string OperationByGame(std::string_view game_id,
                              uint64_t sequence) const;

  std::string ClusterPrefix() const;
  std::string Node(std::string_view node) const;
  std::string Alive(std::string_view node) const;
  std::string NodeState(std::string_view node) const;
  std::string Assignment(std::string_view game) const;
  std::string Election() const;

  // Prefixes of the ranges read or watched whole.
  std::string RuntimesPrefix() const;  // both halves of every runtime
  std::string DesiredPrefix() const;
  std::string RecordsPrefix() const;
  std::string OperationsPrefix() const;
  std::string OperationsByGamePrefix(std::string_view game_id) const;

  // Which half of which runtime `key` (below RuntimesPrefix) holds;
  // nullopt for any other key.
  struct RuntimeKey {
    RuntimePart part;
    std::string name;
  };
  std::optional<RuntimeKey> ParseRuntimeKey(std::string_view key) const;

 private:
  std::string prefix_;
  std::string node_;
};

}  // namespace rtm
