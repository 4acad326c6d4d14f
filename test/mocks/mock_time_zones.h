#pragma once

#include <gmock/gmock.h>

#include "reconcile/ports/time_zones.h"

namespace rtm {

class MockTimeZoneDatabase : public TimeZoneDatabase {
 public:
  MOCK_METHOD(Expected<std::shared_ptr<const TimeZone>>, Locate,
              (std::string_view name), (override));
};

}  // namespace rtm
