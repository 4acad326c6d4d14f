#pragma once

#include <gmock/gmock.h>

#include "reconcile/ports/game_lease_store.h"

namespace rtm {

class MockGameLeaseStore : public GameLeaseStore {
 public:
  MOCK_METHOD(Expected<bool>, TryAcquire,
              (std::string_view game_id, std::string_view token, Duration ttl),
              (override));
  MOCK_METHOD(Expected<void>, Release,
              (std::string_view game_id, std::string_view token,
               Duration timeout),
              (override));
};

}  // namespace rtm
