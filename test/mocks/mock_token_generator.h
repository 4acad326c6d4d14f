#pragma once

#include <gmock/gmock.h>

#include "reconcile/ports/token_generator.h"

namespace rtm {

class MockTokenGenerator : public TokenGenerator {
 public:
  MOCK_METHOD(std::string, NewToken, (), (override));
};

}  // namespace rtm
