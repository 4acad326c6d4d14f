#pragma once

#include <gmock/gmock.h>

#include "reconcile/ports/desired_state_store.h"

namespace rtm {

class MockDesiredStateStore : public DesiredStateStore {
 public:
  MOCK_METHOD(Expected<DesiredRuntime>, Get, (std::string_view name),
              (override));
  MOCK_METHOD(Expected<std::vector<DesiredRuntime>>, List, (), (override));
  MOCK_METHOD(Expected<uint64_t>, Put, (const DesiredRuntime& runtime),
              (override));
};

class MockStatusStore : public StatusStore {
 public:
  MOCK_METHOD(Expected<RuntimeStatusView>, Get, (std::string_view name),
              (override));
  MOCK_METHOD((Expected<std::map<std::string, RuntimeStatusView>>), List, (),
              (override));
  MOCK_METHOD(Expected<uint64_t>, Put,
              (std::string_view name, const RuntimeStatusView& status),
              (override));
};

}  // namespace rtm
