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
  if constexpr (requires { input.drain; }) recorder.set_drain(input.drain);
  if constexpr (requires { input.requested_by; }) {
    recorder.set_requested_by(input.requested_by);
  }
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

// Runs the spec.preStop of `record` in its container, before the
// container is stopped, and gives the outcome to `recorder` for the audit
// entry. Nothing when the spec has no preStop or the container is not
// running. The stop proceeds whatever the outcome: a failing, timed-out or
// unrunnable hook is recorded (and logged) only.
void RunPreStop(const LifecyclePorts& ports, const RuntimeRecord& record,
                OperationRecorder& recorder);

// How `state` ended; nullopt while it runs or when the engine does not say
// when it finished.
std::optional<Termination> TerminationOf(const ContainerState& state);

// After rtmanager stopped `container_id` of game `game_id`, before it may be
// removed: keeps the tail of its logs in the log archive and returns how it
// ended (for the record). Best effort: what the engine or the archive
// cannot give is logged at warn level, and the operation goes on.
std::optional<Termination> KeepLastWords(const LifecyclePorts& ports,
                                         const std::string& game_id,
                                         const std::string& container_id);

// "\"name\"": how messages quote game ids and refs.
std::string Quoted(std::string_view text);

// The last non-blank line of a command's output, at most 120 bytes of it:
// what a drain probe or a schedule warning said ("3 players online").
std::string LastLine(std::string_view output);

}  // namespace rtm
