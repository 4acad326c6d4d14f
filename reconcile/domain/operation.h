// Operation-log entries (docs/contract.md §4): the durable audit trail of every
// lifecycle operation.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "reconcile/domain/error.h"
#include "reconcile/domain/time.h"

namespace rtm {

enum class OpKind { kStart, kStop, kRestart, kUpdate, kRemove };
// Who asked for an operation: a manifest change, the REST API, the
// reconciler itself (self-heal, cleanup) or spec.restartSchedule.
enum class OpSource { kManifest, kRest, kReconciler, kSchedule };
enum class Outcome { kSuccess, kFailure };

std::string_view ToString(OpKind kind);
std::string_view ToString(OpSource source);
std::string_view ToString(Outcome outcome);
std::optional<OpKind> ParseOpKind(std::string_view name);
std::optional<OpSource> ParseOpSource(std::string_view name);
std::optional<Outcome> ParseOutcome(std::string_view name);

// A command the operation ran inside the container (spec.preStop).
struct HookRun {
  // Its exit status; nullopt when it did not finish within its timeout
  // (timed_out) or could not be run at all (error).
  std::optional<int> exit_code;
  bool timed_out = false;
  std::string error;  // why it could not run (the engine's refusal)
  Duration duration{0};
  std::string output_tail;  // the end of its stdout and stderr (bounded)

  friend bool operator==(const HookRun&, const HookRun&) = default;
};

// How a voluntary disruption of a game with spec.drain got past its drain
// gate: the probe said "empty" (drained), spec.drain.maxWaitSeconds passed
// (deadline), or the operator asked to skip the wait (forced:
// `rtmanager restart --force`).
enum class DrainOutcome { kDrained, kDeadline, kForced };
std::string_view ToString(DrainOutcome outcome);  // drained|deadline|forced
std::optional<DrainOutcome> ParseDrainOutcome(std::string_view name);

struct DrainRecord {
  DrainOutcome outcome = DrainOutcome::kDrained;
  Duration waited{0};  // from the first probe to the disruption

  friend bool operator==(const DrainRecord&, const DrainRecord&) = default;
};

// Who asked for an operation through the API (docs/contract.md §6
// Access): the name of the caller's token ("anonymous" on a listener
// without tokens) and the address the request came from.
struct Requester {
  std::string name;
  std::string address;  // the peer's IP address; "" when not known

  friend bool operator==(const Requester&, const Requester&) = default;
};

struct OperationEntry {
  // Assigned by the operation log on append; 0 before.
  uint64_t sequence = 0;
  std::string game_id;
  OpKind op_kind = OpKind::kStart;
  OpSource op_source = OpSource::kReconciler;
  std::string source_ref;  // correlation id shared by outer and inner entries
  std::string image_ref;
  std::string container_id;
  Outcome outcome = Outcome::kSuccess;
  std::optional<ErrorCode> error_code;  // set iff outcome == kFailure
  std::string error_message;
  Timestamp started_at{};
  Timestamp finished_at{};
  std::optional<HookRun> pre_stop;   // a stop that ran spec.preStop
  std::optional<DrainRecord> drain;  // a disruption behind spec.drain
  // An operation the API asked for (op_source kRest): who asked. Unset for
  // those of the manifests, the schedule and the reconciler.
  std::optional<Requester> requested_by;

  friend bool operator==(const OperationEntry&,
                         const OperationEntry&) = default;
};

}  // namespace rtm
