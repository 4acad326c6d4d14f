#pragma once

#include <gmock/gmock.h>

#include "reconcile/ports/cluster.h"

namespace rtm {

class MockNodeMembership : public NodeMembership {
 public:
  MOCK_METHOD(Expected<void>, Join, (const NodeInfo& info, Duration ttl), (override));
  MOCK_METHOD(Expected<bool>, Renew, (), (override));
  MOCK_METHOD(Expected<std::optional<uint64_t>>, Campaign, (), (override));
  MOCK_METHOD(Expected<void>, Leave, (), (override));
};

}  // namespace rtm
