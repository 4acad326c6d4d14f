// The stored text of the cluster's values (reconcile/cluster/node.h), as
// the etcd backend keeps them (store/etcd/etcd_cluster.h): compact JSON.
// Decoding never throws: a value that does not decode is kInternal naming
// the field.
#pragma once

#include <string>
#include <string_view>

#include "reconcile/cluster/node.h"
#include "reconcile/domain/error.h"

namespace rtm {

std::string EncodeNodeInfo(const NodeInfo& info);
Expected<NodeInfo> DecodeNodeInfo(std::string_view text);

struct StoredNodeState {
  NodeState state = NodeState::kReady;
  Timestamp since{};
};
std::string EncodeNodeState(const StoredNodeState& state);
Expected<StoredNodeState> DecodeNodeState(std::string_view text);

// The node and reason of an assignment (its game is the key, its token
// the key's revision).
std::string EncodeAssignment(const Assignment& assignment);
Expected<Assignment> DecodeAssignment(std::string_view text);

}  // namespace rtm
