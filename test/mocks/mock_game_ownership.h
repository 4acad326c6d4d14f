#pragma once

#include <gmock/gmock.h>

#include "reconcile/ports/game_ownership.h"

namespace rtm {

class MockGameOwnership : public GameOwnership {
 public:
  MOCK_METHOD(Ownership, Check, (std::string_view game), (override));
};

}  // namespace rtm
