// The GameRuntime object (docs/contract.md §2, §5, §6): a game's desired state as the
// controller stores it, and the status the controller reports for it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "reconcile/domain/budget_terms.h"
#include "reconcile/domain/error.h"
#include "reconcile/domain/game_spec.h"
#include "reconcile/domain/operation.h"
#include "reconcile/domain/termination.h"
#include "reconcile/domain/time.h"

namespace rtm {

// Where a desired object was declared.
struct ManifestSource {
  std::string path;        // relative to the watched directory
  int document_index = 0;  // 0-based index of the document in the file
  int line = 0;            // 1-based line where the document starts

  friend bool operator==(const ManifestSource&, const ManifestSource&) = default;
};

// The desired state of one game as stored by the controller.
struct DesiredRuntime {
  std::string name;  // metadata.name, the game id
  std::map<std::string, std::string> labels;
  GameSpec spec;
  ManifestSource source;
  // Bumped by the controller on every change of the desired object (spec,
  // labels or the API restart counter); never taken from the file.
  int64_t generation = 0;
  // Restarts requested through the API (POST .../restart), owned by the
  // controller; survives manifest edits. The effective restart generation is
  // spec.restart_generation + api_restart_count.
  int64_t api_restart_count = 0;
  // Who asked for the newest restart generation and their reference (the
  // manifest path and generation, or the REST X-Request-Id): the restart's
  // opSource and correlation id.
  OpSource restart_source = OpSource::kManifest;
  std::string restart_source_ref;
  // restart_source kRest: who asked (the restart's audit entries say it).
  std::optional<Requester> restart_requested_by;
  // The document is gone: the runtime must be removed. Kept as a tombstone
  // so status and history stay readable (phase Removed).
  bool deleted = false;
  // Non-empty while the file that declares this runtime is invalid: the
  // last valid desired state above stays in force (ManifestValid=False).
  std::string manifest_error;
  // When this incarnation of the object was first stored (a tombstone
  // declared again starts a new one): the Kubernetes creationTimestamp.
  // Zero for objects stored before it was kept.
  Timestamp created_at{};

  // Non-zero: the operator asked (`rtmanager restart --force`, the API's
  // ?force=true) that disruptions skip the drain wait until the game runs a
  // container of this effective restart generation: the forced restart, or
  // any disruption before it. Later changes of the object (a GitOps sync
  // landing after the request) do not cancel it.
  int64_t force_restart_generation = 0;

  // The DisruptionBudget that selects this game, stamped by the manifest
  // sync (reconcile/desired_sync.h); none: its restarts and updates are not
  // limited. Not part of the spec: a change of it bumps no generation.
  std::optional<BudgetTerms> disruption_budget;

  // spec.restartSchedule: every scheduled restart up to this instant was
  // requested (or skipped as too late); the next one is the schedule's
  // first fire after it. Set by the desired-state writer when a schedule
  // appears or changes (schedules do not reach into the past), advanced by
  // the scheduler (reconcile/schedule/scheduled_restarts.h).
  Timestamp schedule_checked_through{};

  // The store revision of this object's last write (0: never written).
  // Read back from the store; a write is conditional on it
  // (DesiredStateStore::Put), like metadata.resourceVersion in Kubernetes.
  uint64_t revision = 0;

  // Whether a disruption of a container of `running_restart_generation`
  // skips its drain wait on request.
  bool DrainSkipped(int64_t running_restart_generation) const {
    return force_restart_generation > running_restart_generation;
  }

  int64_t EffectiveRestartGeneration() const {
    return spec.restart_generation + api_restart_count;
  }

  friend bool operator==(const DesiredRuntime&, const DesiredRuntime&) = default;
};

// kUnknown: its node is lost and it is pinned there (docs/cluster.md).
enum class Phase { kPending, kRunning, kStopped, kFailed, kRemoved, kUnknown };
enum class ConditionStatus { kTrue, kFalse, kUnknown };

std::string_view ToString(Phase phase);            // "Pending", ...
std::string_view ToString(ConditionStatus status);  // "True", ...

struct Condition {
  std::string type;  // Ready | Progressing | ManifestValid
  ConditionStatus status = ConditionStatus::kUnknown;
  std::string reason;
  std::string message;
  Timestamp last_transition_time{};

  friend bool operator==(const Condition&, const Condition&) = default;
};

struct LastError {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  Timestamp at{};

  friend bool operator==(const LastError&, const LastError&) = default;
};

// What became of the newest requested restart generation.
struct LastRestart {
  int64_t restart_generation = 0;
  std::string outcome;  // success | failure
  std::optional<ErrorCode> error_code;
  std::string container_id;
  std::string source_ref;
  Timestamp finished_at{};

  friend bool operator==(const LastRestart&, const LastRestart&) = default;
};

// The self-heal backoff of a game whose container keeps dying, kept in its
// status so that it survives a restart of the controller.
struct SelfHealBackoff {
  int64_t consecutive = 0;  // self-heals since the last healthy stretch
  Timestamp last_heal_at{};
  Timestamp not_before{};   // no self-heal before this instant
  // Non-zero: the metadata.generation at which the game was given up
  // (spec.maxConsecutiveFailures reached); a new generation heals again.
  int64_t gave_up_generation = 0;

  friend bool operator==(const SelfHealBackoff&,
                         const SelfHealBackoff&) = default;
};

// A voluntary disruption held back by spec.drain, kept in status so that
// its deadline survives a restart of the controller.
struct DrainWait {
  std::string action;  // restart | update | stop | remove
  Timestamp since{};   // the first probe that found the game busy
  Timestamp deadline{};  // since + maxWaitSeconds: forced then
  Timestamp last_probe_at{};
  std::string last_probe;  // "exit 1: 3 players online" (bounded)

  friend bool operator==(const DrainWait&, const DrainWait&) = default;
};

struct RuntimeStatusView {
  Phase phase = Phase::kPending;
  int64_t observed_generation = 0;
  int64_t observed_restart_generation = 0;
  std::optional<LastRestart> last_restart;
  std::string container_id;
  std::string image_ref;
  std::string hostname;
  std::string node_name;  // cluster mode: the node it runs on (docs/cluster.md)
  std::string health = "none";  // healthy | unhealthy | starting | none
  int64_t restart_count = 0;
  std::optional<LastError> last_error;
  std::vector<Condition> conditions;
  std::optional<SelfHealBackoff> self_heal;  // once a self-heal ran
  std::optional<DrainWait> drain_wait;  // while a disruption waits for drain
  // How its newest ended container ended (a crash, an OOM kill, a stop).
  std::optional<Termination> last_termination;

  // The store revision of this status's last write (0: never written); a
  // write is conditional on it (StatusStore::Put).
  uint64_t revision = 0;

  friend bool operator==(const RuntimeStatusView&,
                         const RuntimeStatusView&) = default;
};

// A runtime is gone once its document was deleted and the controller
// reported it removed: watchers see it DELETED. `desired` or `status` may
// be null (not stored).
bool RuntimeIsGone(const DesiredRuntime* desired,
                   const RuntimeStatusView* status);

}  // namespace rtm
