#pragma once

#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "reconcile/budget_gate.h"
#include "reconcile/decide.h"
#include "reconcile/drain.h"
#include "reconcile/lifecycle/lifecycle_ports.h"
#include "reconcile/lifecycle/lifecycle_operations.h"
#include "reconcile/ports/desired_state_store.h"
#include "reconcile/ports/game_ownership.h"
#include "reconcile/self_heal.h"

namespace rtm {

class TokenBucket;

struct ReconcilerConfig {
  // Self-heal backoff of a game whose container keeps dying
  // (reconcile/self_heal.h); kept in the game's status.
  SelfHealPolicy self_heal;
  // Bound of decide → act rounds within one reconcile (adopt, then act...).
  int max_rounds = 4;
  // The controller's network: it owns the managed containers labelled with it.
  std::string network = "rtmanager";
  // Cluster mode: this node's name, reported as status.nodeName.
  std::string node_name;
  // Which games this process may act on (cluster mode); null: all of them.
  GameOwnership* ownership = nullptr;
  // Admits restarts and updates of games under a disruption budget
  // (reconcile/budget_gate.h); null: budgets are not enforced.
  BudgetGate* budgets = nullptr;
  // How soon a game is looked at again while ownership is suspended.
  Duration suspended_recheck = std::chrono::seconds(1);
};

struct ReconcileResult {
  enum class Kind { kConverged, kRequeueAfter, kRetry };
  Kind kind = Kind::kConverged;
  Duration requeue_after{0};  // kRequeueAfter
  std::string error;          // kRetry: why

  static ReconcileResult Converged() { return {}; }
  static ReconcileResult RequeueAfter(Duration delay) {
    return {Kind::kRequeueAfter, delay, {}};
  }
  static ReconcileResult Retry(std::string why) {
    return {Kind::kRetry, Duration{0}, std::move(why)};
  }
};

// reconcile(name): reads desired state, the record and the game's containers,
// decides, acts through the lifecycle services (each under its own lease),
// and writes the status. Level-triggered and idempotent: calling it again
// with nothing changed makes no engine call but the container list. Safe to
// call concurrently for different names (the work queue never runs one name
// on two workers).
class Reconciler {
 public:
  Reconciler(const LifecyclePorts& ports, LifecycleOperations& operations,
             DesiredStateStore& desired,
             StatusStore& statuses, TokenBucket& operation_limit,
             ReconcilerConfig config);

  ReconcileResult Reconcile(std::string_view name);

  // True when the stored status of `input.name` reports what `input` (a
  // converged observation) shows (StatusReportsConverged); false when it
  // does not, is missing or cannot be read.
  bool StatusIsCurrent(const DecisionInput& input);

  // The plan for `name` as of now, without acting (for `rtmanager plan`).
  Expected<Plan> PlanFor(std::string_view name);

  // When the last Reconcile(name) ended converged: the instant (clock) its
  // final observation of the engine began. nullopt when that reconcile did
  // not converge or none ran. Engine events stamped before it are reflected
  // in what that reconcile saw (see TriggerLedger).
  std::optional<Timestamp> ConvergedObservationAt(std::string_view name) const;

 private:
  struct Observation {
    std::optional<DesiredRuntime> desired;
    std::optional<RuntimeRecord> record;
    std::vector<ContainerState> containers;
  };

  Expected<Observation> Observe(std::string_view name,
                                const std::optional<DesiredRuntime>& desired);
  Expected<std::optional<DesiredRuntime>> LoadDesired(std::string_view name);
  // A game that is not this node's: removes what this node still runs of
  // it, as for a deleted document, audited with `why`; writes no status
  // (the owner does).
  ReconcileResult Release(std::string_view name, const std::string& why);
  // Runs one action for game `name`; the error is the failure to report.
  // Sets `last_restart` when the action settles a restart generation.
  // `drain` is what the drain gate let through (for the audit entry of the
  // disruption).
  Expected<void> Execute(const std::string& name, const Action& action,
                         const Observation& seen,
                         const RuntimeStatusView& previous,
                         const std::optional<DrainRecord>& drain,
                         std::optional<LastRestart>& last_restart);
  // Writes the record again when its spec lags the desired one in fields
  // outside the container (FollowFieldsOutsideContainer); true when it did.
  Expected<bool> FollowDesiredRecordFields(const Observation& seen);
  struct DrainGate {
    std::optional<DrainRecord> record;  // passed: how
    std::optional<DrainWait> waiting;   // held back: the wait to report
    Timestamp recheck_at{};             // held back: when to look again
  };
  // The drain gate (reconcile/drain.h) of the plan's voluntary disruption
  // of a running container whose spec has a drain; passes (no record) when
  // there is none. Probes the container when due.
  DrainGate PassDrainGate(const Plan& plan, const Observation& seen,
                          const RuntimeStatusView& previous);
  struct BudgetPass {
    bool admitted = false;               // a place in the budget is held
    std::optional<std::string> waiting;  // held back: the wait to report
    Timestamp recheck_at{};              // held back: when to look again
    std::optional<Error> error;          // the members could not be read
  };
  // The disruption budget's admission of the plan's restart or update of
  // a running container of a game under a budget; passes (not admitted,
  // nothing held) when there is none.
  BudgetPass PassBudgetGate(const Plan& plan, const Observation& seen);
  DrainProbe ProbeDrain(const ContainerState& container,
                        const DrainPolicy& policy);
  Expected<void> Adopt(const ContainerState& container,
                       const Observation& seen);
  // After adopting `container` in place of the record's: when it carries a
  // restart generation no restart acknowledged yet (the controller died
  // between create and record write of a restart), acknowledge it as done
  // and write the start and restart entries the dead controller could not.
  void AcknowledgeAdoptedRestart(const ContainerState& container,
                                 const Observation& seen,
                                 const RuntimeStatusView& previous,
                                 std::optional<LastRestart>& last_restart);
  // The controller died after a restart committed its record and before
  // the status acknowledged it: recovers the outcome from the restart's
  // audit entries (correlated by its source ref), writing the start and
  // restart entries the dead controller could not. Sets `last_restart`
  // then; the error is the operation log's.
  Expected<void> RecoverRestartOutcome(const Observation& seen,
                                       const RuntimeStatusView& previous,
                                       std::optional<LastRestart>& last_restart);
  // Writes the audit entries that finish a restart of `desired` found done
  // (its start's unless `start_recorded`, then its own) and returns its
  // acknowledgement.
  LastRestart CompleteRestartAudit(const DesiredRuntime& desired,
                                   const std::string& image_ref,
                                   const std::string& container_id,
                                   bool start_recorded);
  Expected<void> RemoveStrayContainer(const std::string& name,
                                      const std::string& id,
                                      const Observation& seen);
  // Takes `count` tokens of the global lifecycle-operation limit for
  // `name`: nullopt when it may act now; else the instant its reserved turn
  // comes, when the reconcile requeues (no worker waits). The reservation
  // is kept for the game, so its requeued reconcile neither loses its turn
  // nor takes a second one.
  std::optional<Timestamp> OperationTurn(std::string_view name, size_t count);
  // Writes `status` over `previous` (what this reconcile read: the write
  // is conditional on its revision) unless nothing changed. A conflict
  // (another writer) or store error fails the reconcile, which retries.
  // Returns the status's revision (previous.revision when unchanged).
  Expected<uint64_t> WriteStatus(std::string_view name,
                                 RuntimeStatusView status,
                                 const RuntimeStatusView& previous);
  void ForgetConvergedObservation(std::string_view name);

  const LifecyclePorts& ports_;
  LifecycleOperations& operations_;
  DesiredStateStore& desired_;
  StatusStore& statuses_;
  TokenBucket& operation_limit_;
  ReconcilerConfig config_;

  std::mutex turns_mutex_;
  std::map<std::string, Timestamp, std::less<>> reserved_turns_;

  mutable std::mutex observations_mutex_;
  std::map<std::string, Timestamp, std::less<>> converged_observations_;
};

}  // namespace rtm
