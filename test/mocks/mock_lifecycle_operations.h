#pragma once

#include <gmock/gmock.h>

#include "reconcile/lifecycle/lifecycle_operations.h"

namespace rtm {

class MockLifecycleOperations : public LifecycleOperations {
 public:
  MOCK_METHOD(OperationResult, Start, (const StartInput& input), (override));
  MOCK_METHOD(OperationResult, Stop, (const StopInput& input), (override));
  MOCK_METHOD(OperationResult, Restart, (const RestartInput& input),
              (override));
  MOCK_METHOD(OperationResult, Update, (const UpdateInput& input),
              (override));
  MOCK_METHOD(OperationResult, Remove, (const RemoveInput& input),
              (override));
};

}  // namespace rtm
