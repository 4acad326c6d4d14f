#pragma once

#include <gmock/gmock.h>

#include "reconcile/ports/store_health.h"

namespace rtm {

class MockStoreHealth : public StoreHealth {
 public:
  MOCK_METHOD(Expected<void>, Writable, (), (override));
};

}  // namespace rtm
