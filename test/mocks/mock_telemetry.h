#pragma once

#include <gmock/gmock.h>

#include "reconcile/ports/telemetry.h"

namespace rtm {

class MockTelemetry : public Telemetry {
 public:
  MOCK_METHOD(void, RecordLeaseAcquireLatency, (Duration latency), (override));
  MOCK_METHOD(void, RecordOperation,
              (OpKind kind, Outcome outcome,
               std::optional<ErrorCode> error_code, Duration duration),
              (override));
  MOCK_METHOD(void, RecordReconcile, (std::string_view result), (override));
};

}  // namespace rtm
