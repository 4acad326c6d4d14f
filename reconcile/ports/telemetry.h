#pragma once

#include <optional>
#include <string_view>

#include "reconcile/domain/error.h"
#include "reconcile/domain/operation.h"
#include "reconcile/domain/time.h"

namespace rtm {

// Counters and histograms the lifecycle services feed (docs/contract.md §9).
// Implementations must be cheap and thread-safe.
class Telemetry {
 public:
  virtual ~Telemetry() = default;

  virtual void RecordLeaseAcquireLatency(Duration latency) = 0;

  // One finished lifecycle operation (outer or inner); error_code is set
  // iff outcome is kFailure.
  virtual void RecordOperation(OpKind kind, Outcome outcome,
                               std::optional<ErrorCode> error_code,
                               Duration duration) = 0;

  // One finished reconcile: result is "converged", "requeue" or "error".
  virtual void RecordReconcile(std::string_view result) = 0;
};

}  // namespace rtm
