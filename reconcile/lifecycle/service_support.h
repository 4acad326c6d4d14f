// Steps every lifecycle service shares, with the codes and messages of docs/contract.md §4.
#pragma once

#include <expected>
#include <string>
#include <string_view>

#include "reconcile/domain/operation.h"
#include "reconcile/domain/runtime_record.h"
#include "reconcile/lifecycle/game_lease.h"
#include "reconcile/lifecycle/lifecycle_ports.h"
#include "reconcile/lifecycle/operation_recorder.h"

namespace rtm {

// The input invariants of every operation: a DNS-label game id and a known
// op source. The error message names the field.
Expected<void> ValidateOperationTarget(std::string_view game_id,
                                       OpSource source);

// ValidateOperationTarget plus a non-negative generation and a valid spec:
// the input invariants of the operations that create a container.
Expected<void> ValidateSpecOperation(std::string_view game_id, OpSource source,
                                     int64_t generation, const GameSpec& spec);

// Loads the record an operation acts on: missing → kNotFound ("runtime
// record for game "x" does not exist"), unreadable → kInternal, removed →
// kConflict ("runtime for game "x" is removed; cannot <verb>").
std::expected<RuntimeRecord, FailureDetail> LoadActiveRecord(
    RuntimeRecordStore& records, std::string_view game_id,
    std::string_view verb);

// The Handle flow: validation → lease → run(), with the failures of the first
// two recorded by `recorder`. The lease is released when run() returns.
template <typename RunUnderLease>
OperationResult HandleUnderOwnLease(const LifecyclePorts& ports,
                                    const LifecycleConfig& config,
                                    OperationRecorder& recorder,
                                    const std::string& game_id,
                                    const Expected<void>& validation,
                                    RunUnderLease&& run) {
  if (!validation) {
    return recorder.Fail(
        {ErrorCode::kInvalidRequest, validation.error().message, {}, {}});
  }
  Expected<GameLease> lease =
      GameLease::Acquire(ports, config.lease_ttl, game_id);
  if (!lease) {
    return recorder.Fail({lease.error().code, lease.error().message, {}, {}});
  }
  return run();
}

// The Run flow: validation → run(), under the caller's lease.
template <typename RunUnderLease>
OperationResult RunUnderCallersLease(OperationRecorder& recorder,
                                     const Expected<void>& validation,
                                     RunUnderLease&& run) {
  if (!validation) {
    return recorder.Fail(
        {ErrorCode::kInvalidRequest, validation.error().message, {}, {}});
  }
  return run();
}

// "\"name\"": how messages quote game ids and refs.
std::string Quoted(std::string_view text);

}  // namespace rtm
