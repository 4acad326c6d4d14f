#pragma once

#include <gmock/gmock.h>

#include "reconcile/ports/secret_source.h"

namespace rtm {

class MockSecretSource : public SecretSource {
 public:
  MOCK_METHOD(Expected<std::string>, Read, (std::string_view file), (override));
  MOCK_METHOD(Expected<std::string>, Digest, (std::string_view file), (override));
};

}  // namespace rtm
