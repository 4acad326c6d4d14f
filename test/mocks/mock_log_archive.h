#pragma once

#include <gmock/gmock.h>

#include "reconcile/ports/log_archive.h"

namespace rtm {

class MockLogArchive : public LogArchive {
 public:
  MOCK_METHOD(Expected<void>, Keep,
              (std::string_view game_id, const ArchivedLogs& logs), (override));
  MOCK_METHOD(Expected<ArchivedLogs>, Previous, (std::string_view game_id),
              (override));
};

}  // namespace rtm
