// Steps every lifecycle service shares, with the codes and messages of docs/contract.md §4.
#pragma once

#include <expected>
#include <optional>
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
Expected<RuntimeRecord> LoadActiveRecord(
    RuntimeRecordStore& records, std::string_view game_id,
    std::string_view verb);

// Whose lease an operation runs under: its own (Handle) or its caller's
// (Run, for an outer operation that holds the game's lease).
enum class LeaseMode { kOwn, kCallers };

// The one flow of every lifecycle operation's Handle and Run: the
// operation's recorder (its startedAt is now), then validation, then (kOwn)
// the game's lease, then `body(recorder)`, the operation's own steps. A
// failed validation is kInvalidRequest, a failed lease acquire its error,
// both recorded in the operation's audit entry. An own lease is released
// when body returns, whatever it returns.
template <typename Input, typename Body>
Expected<RuntimeRecord> RunOperation(const LifecyclePorts& ports,
                                     const LifecycleConfig& config,
                                     OpKind kind, LeaseMode mode,
                                     const Input& input,
                                     const Expected<void>& validation,
                                     Body&& body) {
  OperationRecorder recorder(ports, kind, input.game_id, input.op_source,
                             input.source_ref);
  if (!validation) {
    return recorder.Fail(
        {ErrorCode::kInvalidRequest, validation.error().message});
  }
  std::optional<GameLease> lease;
  if (mode == LeaseMode::kOwn) {
    Expected<GameLease> acquired =
        GameLease::Acquire(ports, config.lease_ttl, input.game_id);
    if (!acquired) return recorder.Fail(acquired.error());
    lease.emplace(std::move(*acquired));
  }
  return body(recorder);
}

// "\"name\"": how messages quote game ids and refs.
std::string Quoted(std::string_view text);

}  // namespace rtm
