#pragma once

#include <gmock/gmock.h>

#include "reconcile/ports/logger.h"

namespace rtm {

class MockLogger : public Logger {
 public:
  MOCK_METHOD(void, Log,
              (LogLevel level, std::string_view message,
               const std::vector<LogField>& fields),
              (override));
};

}  // namespace rtm
