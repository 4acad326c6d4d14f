#pragma once

#include <gmock/gmock.h>

#include "reconcile/ports/cluster.h"

namespace rtm {

class MockClusterScheduling : public ClusterScheduling {
 public:
  MOCK_METHOD(Expected<uint64_t>, Assign, (const Assignment& assignment, uint64_t term),
              (override));
  MOCK_METHOD(Expected<void>, Unassign,
              (std::string_view game, uint64_t token, uint64_t term), (override));
  MOCK_METHOD(Expected<void>, MarkNode,
              (std::string_view name, NodeState state, Timestamp since, uint64_t term),
              (override));
  MOCK_METHOD(Expected<uint64_t>, WriteStatus,
              (std::string_view game, const RuntimeStatusView& status, uint64_t term),
              (override));
};

}  // namespace rtm
