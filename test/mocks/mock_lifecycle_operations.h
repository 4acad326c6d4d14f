#pragma once

#include <gmock/gmock.h>

#include "reconcile/lifecycle/lifecycle_operations.h"

namespace rtm {

class MockLifecycleOperations : public LifecycleOperations {
 public:
  MOCK_METHOD(Expected<RuntimeRecord>, Start, (const StartInput& input),
              (override));
  MOCK_METHOD(Expected<RuntimeRecord>, Stop, (const StopInput& input),
              (override));
  MOCK_METHOD(Expected<RuntimeRecord>, Restart, (const RestartInput& input),
              (override));
  MOCK_METHOD(Expected<RuntimeRecord>, Update, (const UpdateInput& input),
              (override));
  MOCK_METHOD(Expected<RuntimeRecord>, Remove, (const RemoveInput& input),
              (override));
};

}  // namespace rtm
