#pragma once

#include <optional>
#include <string>

#include "reconcile/domain/error.h"
#include "reconcile/domain/operation.h"
#include "reconcile/domain/runtime_record.h"

namespace rtm {

// The business outcome of one lifecycle operation at the services' boundary:
// the Result of docs/contract.md §4. Failures are values, not errors: every
// stable failure code reaches the caller through here. Inside the services
// a failure is an Expected's Error (with its image and container); only
// OperationRecorder turns it into this Result, once the operation's audit
// entry is written.
struct OperationResult {
  // The record after the operation on success; empty on failure.
  std::optional<RuntimeRecord> record;
  Outcome outcome = Outcome::kSuccess;
  std::optional<ErrorCode> error_code;  // set iff outcome == kFailure
  std::string error_message;

  bool ok() const { return outcome == Outcome::kSuccess; }
};

}  // namespace rtm
