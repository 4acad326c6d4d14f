#pragma once

#include <gmock/gmock.h>

#include "reconcile/ports/cluster.h"

namespace rtm {

class MockClusterView : public ClusterView {
 public:
  MOCK_METHOD(ClusterSnapshot, Snapshot, (), (override));
  MOCK_METHOD(void, WaitForChange, (uint64_t revision, Duration timeout), (override));
  MOCK_METHOD(void, Wake, (), (override));
  MOCK_METHOD((Expected<std::map<std::string, Duration>>), HeartbeatAges, (),
              (override));
};

}  // namespace rtm
