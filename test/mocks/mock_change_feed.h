#pragma once

#include <gmock/gmock.h>

#include "reconcile/ports/change_feed.h"

namespace rtm {

class MockChangeFeed : public ChangeFeed {
 public:
  MOCK_METHOD(Expected<uint64_t>, Revision, (), (override));
  MOCK_METHOD(Expected<ChangeBatch>, ReadAfter, (uint64_t after, size_t limit),
              (override));
  MOCK_METHOD(void, WaitAfter, (uint64_t after, Duration timeout), (override));
  MOCK_METHOD(void, Wake, (), (override));
};

}  // namespace rtm
