#pragma once

#include <optional>
#include <string>

#include "reconcile/domain/error.h"
#include "reconcile/domain/operation.h"
#include "reconcile/domain/runtime_record.h"

namespace rtm {

// The business outcome of one lifecycle operation. Failures are values, not
// errors: every stable failure code reaches the caller through here.
struct OperationResult {
  // The record after the operation on success; empty on failure.
  std::optional<RuntimeRecord> record;
  Outcome outcome = Outcome::kSuccess;
  std::optional<ErrorCode> error_code;  // set iff outcome == kFailure
  std::string error_message;

  bool ok() const { return outcome == Outcome::kSuccess; }
};

}  // namespace rtm
