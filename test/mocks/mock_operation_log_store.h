#pragma once

#include <gmock/gmock.h>

#include "reconcile/ports/operation_log_store.h"

namespace rtm {

class MockOperationLogStore : public OperationLogStore {
 public:
  MOCK_METHOD(Expected<uint64_t>, Append, (const OperationEntry& entry),
              (override));
  MOCK_METHOD(Expected<std::vector<OperationEntry>>, ListByGame,
              (std::string_view game_id, size_t limit), (override));
  MOCK_METHOD(Expected<std::vector<OperationEntry>>, ListAll,
              (uint64_t after_sequence, size_t limit), (override));
};

}  // namespace rtm
