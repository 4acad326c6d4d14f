#pragma once

#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "reconcile/decide.h"
#include "reconcile/lifecycle/lifecycle_ports.h"
#include "reconcile/lifecycle/lifecycle_operations.h"
#include "reconcile/ports/desired_state_store.h"

namespace rtm {

class TokenBucket;

struct ReconcilerConfig {
  // Self-heal backoff of a game whose container keeps dying: base doubling to
  // cap, reset when a death comes `healthy_reset` or more after the last
  // self-heal (the healed container ran that long).
  Duration self_heal_base = std::chrono::seconds(1);
  Duration self_heal_cap = std::chrono::minutes(5);
  Duration healthy_reset = std::chrono::minutes(10);
  // Bound of decide → act rounds within one reconcile (adopt, then act...).
  int max_rounds = 4;
  // The controller's network: it owns the managed containers labelled with it.
  std::string network = "rtmanager";
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

  // True once a status was written for `name`.
  bool HasStatus(std::string_view name) {
    return statuses_.Get(name).has_value();
  }

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
  struct SelfHealState {
    int64_t consecutive = 0;
    Timestamp not_before{};
    Timestamp last_heal{};
  };

  Expected<Observation> Observe(std::string_view name,
                                const std::optional<DesiredRuntime>& desired);
  Expected<std::optional<DesiredRuntime>> LoadDesired(std::string_view name);
  // Runs one action for game `name`; the error is the failure to report.
  // Sets `last_restart` when the action settles a restart generation.
  Expected<void> Execute(const std::string& name, const Action& action,
                         const Observation& seen,
                         const RuntimeStatusView& previous,
                         std::optional<LastRestart>& last_restart);
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
  Expected<void> RemoveStrayContainer(const std::string& name,
                                      const std::string& id,
                                      const Observation& seen);
  // When the self-heal of `name` may run next (nullopt: now, and the
  // backoff is advanced).
  std::optional<Timestamp> SelfHealBlockedUntil(std::string_view name);
  // Writes `status` over `previous` (what this reconcile read: the write
  // is conditional on its revision) unless nothing changed. A conflict
  // (another writer) or store error fails the reconcile, which retries.
  Expected<void> WriteStatus(std::string_view name, RuntimeStatusView status,
                             const RuntimeStatusView& previous);
  void ForgetConvergedObservation(std::string_view name);

  const LifecyclePorts& ports_;
  LifecycleOperations& operations_;
  DesiredStateStore& desired_;
  StatusStore& statuses_;
  TokenBucket& operation_limit_;
  ReconcilerConfig config_;

  std::mutex self_heal_mutex_;
  std::map<std::string, SelfHealState, std::less<>> self_heal_;

  mutable std::mutex observations_mutex_;
  std::map<std::string, Timestamp, std::less<>> converged_observations_;
};

}  // namespace rtm
