#pragma once

#include <gmock/gmock.h>

#include "reconcile/ports/clock.h"

namespace rtm {

class MockClock : public Clock {
 public:
  MOCK_METHOD(Timestamp, Now, (), (override));
};

}  // namespace rtm
