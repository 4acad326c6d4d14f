#pragma once

#include <gmock/gmock.h>

#include "reconcile/ports/runtime_record_store.h"

namespace rtm {

class MockRuntimeRecordStore : public RuntimeRecordStore {
 public:
  MOCK_METHOD(Expected<RuntimeRecord>, Get, (std::string_view game_id),
              (override));
  MOCK_METHOD(Expected<uint64_t>, Upsert, (const RuntimeRecord& record),
              (override));
  MOCK_METHOD(Expected<std::vector<RuntimeRecord>>, List, (), (override));
};

}  // namespace rtm
