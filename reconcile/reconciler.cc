#include "reconcile/reconciler.h"

#include <algorithm>
#include <charconv>

#include "reconcile/domain/container_spec.h"
#include "reconcile/drain.h"
#include "reconcile/lifecycle/operation_recorder.h"
#include "reconcile/lifecycle/service_support.h"
#include "reconcile/queue/token_bucket.h"
#include "reconcile/status.h"

namespace rtm {
namespace {

int64_t LabelNumber(const ContainerState& container, std::string_view key,
                    int64_t fallback) {
  auto found = container.labels.find(std::string(key));
  if (found == container.labels.end()) return fallback;
  int64_t value = 0;
  const std::string& text = found->second;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size() ? value
                                                                  : fallback;
}

// The spec the container of `desired` must implement: the restart
// generation on its label is the effective one (manifest + API bumps).
GameSpec EffectiveSpec(const DesiredRuntime& desired) {
  GameSpec spec = desired.spec;
  spec.restart_generation = desired.EffectiveRestartGeneration();
  return spec;
}

bool IsReady(const RuntimeStatusView& status) {
  return std::any_of(status.conditions.begin(), status.conditions.end(),
                     [](const Condition& condition) {
                       return condition.type == "Ready" &&
                              condition.status == ConditionStatus::kTrue;
                     });
}

std::string ManifestRef(const DesiredRuntime& desired) {
  return desired.source.path + "#generation=" +
         std::to_string(desired.generation);
}

// The correlation id of the restart that brings `desired` to its effective
// restart generation: the API request's id, else the manifest's.
std::string RestartCorrelationRef(const DesiredRuntime& desired) {
  return desired.restart_source_ref.empty()
             ? desired.source.path + "#restartGeneration=" +
                   std::to_string(desired.EffectiveRestartGeneration())
             : desired.restart_source_ref;
}

// How far back the audit trail of one game is searched for the entries of
// its latest restart (stop, start, restart and a few of other kinds).
constexpr size_t kRecentEntriesOfARestart = 16;

const ContainerState* FindContainer(const std::vector<ContainerState>& all,
                                    std::string_view id) {
  for (const ContainerState& container : all) {
    if (container.id == id) return &container;
  }
  return nullptr;
}

}  // namespace

Reconciler::Reconciler(const LifecyclePorts& ports,
                       LifecycleOperations& operations,
                       DesiredStateStore& desired,
                       StatusStore& statuses, TokenBucket& operation_limit,
                       ReconcilerConfig config)
    : ports_(ports),
      operations_(operations),
      desired_(desired),
      statuses_(statuses),
      operation_limit_(operation_limit),
      config_(config) {}

Expected<std::optional<DesiredRuntime>> Reconciler::LoadDesired(
    std::string_view name) {
  Expected<DesiredRuntime> desired = desired_.Get(name);
  if (desired) return std::optional<DesiredRuntime>(std::move(*desired));
  if (desired.error().code == ErrorCode::kNotFound) {
    return std::optional<DesiredRuntime>();
  }
  return std::unexpected(desired.error());
}

Expected<Reconciler::Observation> Reconciler::Observe(
    std::string_view name, const std::optional<DesiredRuntime>& desired) {
  Observation seen{desired, std::nullopt, {}};
  Expected<RuntimeRecord> record = ports_.records.Get(name);
  if (record) {
    seen.record = std::move(*record);
  } else if (record.error().code != ErrorCode::kNotFound) {
    return std::unexpected(record.error());
  }
  auto selector = OwnedSelector(config_.network);
  selector.emplace(kLabelGame, name);
  auto containers = ports_.engine.ListContainers(selector);
  if (!containers) return std::unexpected(containers.error());
  seen.containers = std::move(*containers);
  return seen;
}

bool Reconciler::StatusIsCurrent(const DecisionInput& input) {
  auto status = statuses_.Get(input.name);
  return status && StatusReportsConverged(*status, input);
}

Expected<Plan> Reconciler::PlanFor(std::string_view name) {
  auto desired = LoadDesired(name);
  if (!desired) return std::unexpected(desired.error());
  auto seen = Observe(name, *desired);
  if (!seen) return std::unexpected(seen.error());
  Plan plan = Decide({std::string(name), seen->desired, seen->record,
                      seen->containers});
  // A disruption held back by its drain gate says so.
  auto status = statuses_.Get(name);
  if (!status && status.error().code != ErrorCode::kNotFound) {
    return std::unexpected(status.error());
  }
  if (status && status->drain_wait) {
    for (Action& action : plan.actions) {
      if (!IsVoluntaryDisruption(action.kind)) continue;
      action.reason += "; " + DescribeDrainWait(*status->drain_wait,
                                                ports_.clock.Now());
      break;
    }
  }
  // So does one held back by its disruption budget.
  if (config_.budgets != nullptr && seen->desired &&
      seen->desired->disruption_budget &&
      !config_.budgets->Holds(name)) {
    for (Action& action : plan.actions) {
      if (!IsBudgetedDisruption(action.kind)) continue;
      auto verdict = config_.budgets->Evaluate(
          name, *seen->desired->disruption_budget);
      if (!verdict) return std::unexpected(verdict.error());
      if (!verdict->admitted) action.reason += "; " + verdict->wait;
      break;
    }
  }
  return plan;
}

ReconcileResult Reconciler::Release(std::string_view name,
                                    const std::string& why) {
  auto desired = LoadDesired(name);
  if (!desired) {
    return ReconcileResult::Retry("load desired state: " +
                                  desired.error().message);
  }
  // Decided as if the document were deleted here.
  DesiredRuntime tombstone = desired->value_or(DesiredRuntime{});
  tombstone.name = std::string(name);
  tombstone.deleted = true;
  for (int round = 0; round < config_.max_rounds; ++round) {
    auto seen = Observe(name, tombstone);
    if (!seen) return ReconcileResult::Retry(seen.error().message);
    const Plan plan =
        Decide({std::string(name), seen->desired, seen->record, seen->containers});
    if (plan.converged()) return ReconcileResult::Converged();
    for (const Action& action : plan.actions) {
      Expected<void> done;
      if (action.kind == ActionKind::kRemove) {
        auto removed = operations_.Remove(
            {std::string(name), OpSource::kReconciler, "cluster: " + why});
        if (!removed) done = std::unexpected(removed.error());
      } else if (action.kind == ActionKind::kRemoveContainer) {
        done = RemoveStrayContainer(std::string(name), action.container_id, *seen);
      }
      if (!done) return ReconcileResult::Retry(done.error().message);
    }
  }
  return ReconcileResult::Retry("not released yet");
}

ReconcileResult Reconciler::Reconcile(std::string_view name) {
  // Until this reconcile ends converged, nothing it saw may excuse an event.
  ForgetConvergedObservation(name);
  if (config_.ownership != nullptr) {
    const Ownership ownership = config_.ownership->Check(name);
    if (ownership.kind == Ownership::Kind::kSuspended) {
      return ReconcileResult::RequeueAfter(config_.suspended_recheck);
    }
    if (ownership.kind == Ownership::Kind::kElsewhere) {
      return Release(name, ownership.detail);
    }
  }
  // The status this reconcile builds on (and writes over, conditionally on
  // its revision). Unreadable is an error, never "no status": that would
  // reset lastRestart, restartCount and every condition's transition time.
  RuntimeStatusView previous;
  if (auto stored = statuses_.Get(name)) {
    previous = std::move(*stored);
  } else if (stored.error().code != ErrorCode::kNotFound) {
    return ReconcileResult::Retry("read status: " + stored.error().message);
  }

  auto desired = LoadDesired(name);
  if (!desired) {
    return ReconcileResult::Retry("load desired state: " +
                                  desired.error().message);
  }

  std::optional<Error> failure;
  std::optional<LastRestart> last_restart;
  std::optional<Action> pending;
  std::optional<Timestamp> wait_until;
  Observation seen;
  bool converged = false;
  bool observed = false;
  Timestamp observed_at{};
  int64_t restart_count = previous.restart_count;
  std::optional<SelfHealBackoff> self_heal = previous.self_heal;
  bool gave_up = false;  // spec.maxConsecutiveFailures reached
  std::optional<DrainWait> drain_wait;  // held back by spec.drain
  std::optional<std::string> budget_wait;  // held back by its budget
  std::optional<Termination> observed_termination;  // a keeper seen ended
  // The status of what `observation` (of `seen`, kept alive by the caller:
  // the keeper points into it) shows.
  auto status_input = [&](const DecisionInput& observation,
                          bool now_converged,
                          const std::optional<Action>& next) {
    return StatusInput{
        .desired = *desired,
        .record = seen.record,
        .keeper = observed ? SelectKeeper(observation) : nullptr,
        .converged = now_converged,
        .pending_action = next,
        .failure = failure,
        .last_restart = last_restart,
        .restart_count = restart_count,
        .self_heal = self_heal,
        .drain_wait = drain_wait,
        .budget_wait = budget_wait,
        .observed_termination = observed_termination,
        .now = ports_.clock.Now(),
        .node_name = config_.node_name,
    };
  };
  for (int round = 0; round < config_.max_rounds; ++round) {
    observed_at = ports_.clock.Now();
    auto observation = Observe(name, *desired);
    if (!observation) {
      failure = observation.error();
      break;
    }
    seen = std::move(*observation);
    observed = true;
    // The record follows the spec fields outside the container first: the
    // operations below read them from it (a removal its reclaim policy, a
    // stop its preStop).
    if (auto followed = FollowDesiredRecordFields(seen); !followed) {
      failure = followed.error();
      break;
    } else if (*followed) {
      continue;  // observe the record as written
    }
    const DecisionInput input{std::string(name), seen.desired, seen.record,
                              seen.containers};
    if (const ContainerState* keeper = SelectKeeper(input)) {
      if (auto ended = TerminationOf(*keeper);
          ended && (!observed_termination ||
                    ended->finished_at > observed_termination->finished_at)) {
        observed_termination = std::move(ended);
      }
    }
    Plan plan = Decide(input);
    if (plan.converged()) {
      converged = true;
      pending.reset();
      break;
    }
    pending = plan.actions.front();
    const size_t operations = static_cast<size_t>(std::count_if(
        plan.actions.begin(), plan.actions.end(),
        [](const Action& action) { return action.kind != ActionKind::kAdopt; }));
    std::optional<SelfHealVerdict> heal;
    if (pending->kind == ActionKind::kSelfHeal) {
      const DesiredRuntime& desired = *seen.desired;
      // A game given up heals again once its generation changed.
      if (self_heal && self_heal->gave_up_generation != 0 &&
          self_heal->gave_up_generation != desired.generation) {
        self_heal.reset();
      }
      const std::optional<int> max = desired.spec.max_consecutive_failures;
      if ((self_heal && self_heal->gave_up_generation != 0) ||
          GivesUp(self_heal, ports_.clock.Now(), config_.self_heal, max)) {
        self_heal->gave_up_generation = desired.generation;
        failure = Error{ErrorCode::kStartFailed,
                        "crash loop: gave up after " + std::to_string(self_heal->consecutive) +
                            " consecutive self-heals (spec.maxConsecutiveFailures " +
                            std::to_string(max.value_or(0)) +
                            "); a new generation of the game heals it again"};
        gave_up = true;
        break;
      }
      heal = DecideSelfHeal(self_heal, ports_.clock.Now(), config_.self_heal);
      wait_until = heal->blocked_until;
      if (wait_until) break;
    }
    // A restart or update of a game under a disruption budget waits for a
    // place in the budget, held from admission until the reconcile that
    // acts ends (through a drain wait or the operation limit below).
    const BudgetPass budget = PassBudgetGate(plan, seen);
    if (!budget.admitted && budget.error) {
      failure = budget.error;
      break;
    }
    if (budget.waiting) {
      budget_wait = budget.waiting;
      wait_until = budget.recheck_at;
      break;
    }
    // A voluntary disruption of a running game waits for its drain gate;
    // the wait is reported in status and the game requeued.
    const DrainGate gate = PassDrainGate(plan, seen, previous);
    if (gate.waiting) {
      drain_wait = gate.waiting;
      wait_until = gate.recheck_at;
      break;
    }
    // The global limit on lifecycle operations: requeue until this game's
    // turn instead of holding a worker.
    if (operations > 0) {
      wait_until = OperationTurn(name, operations);
      if (wait_until) break;
    }
    if (heal) {
      self_heal = heal->backoff;
      ++restart_count;
    }
    // Before a budgeted disruption, its status says so: the game counts
    // as unavailable for its budget everywhere (other nodes, watchers).
    if (budget.admitted) {
      const RuntimeStatusView disrupting = ComputeStatus(
          status_input(input, false, plan.actions.front()), previous);
      auto written = WriteStatus(name, disrupting, previous);
      if (!written) {
        failure = written.error();
        break;
      }
      previous = disrupting;
      previous.revision = *written;
    }
    bool acted = true;
    for (const Action& action : plan.actions) {
      if (auto done = Execute(std::string(name), action, seen, previous,
                              gate.record, last_restart);
          !done) {
        failure = done.error();
        acted = false;
        break;
      }
    }
    if (!acted) break;
  }

  if (converged && !last_restart) {
    if (auto recovered = RecoverRestartOutcome(seen, previous, last_restart);
        !recovered) {
      return ReconcileResult::Retry("read operation log: " +
                                    recovered.error().message);
    }
  }
  std::optional<RuntimeStatusView> written_status;
  if (observed || failure) {
    const DecisionInput final_input{std::string(name), seen.desired,
                                    seen.record, seen.containers};
    RuntimeStatusView status =
        ComputeStatus(status_input(final_input, converged, pending), previous);
    if (auto written = WriteStatus(name, status, previous); !written) {
      if (!failure) failure = written.error();
    } else {
      written_status = std::move(status);
    }
  }
  // The budget's place is kept only by a disruption admitted and still
  // held back (a drain wait, the operation limit); otherwise it is freed
  // (and a game no longer held back stops waiting).
  if (config_.budgets != nullptr) {
    if (!wait_until || failure) config_.budgets->Release(name);
    if (written_status && desired->has_value() &&
        (*desired)->disruption_budget) {
      const bool ready = IsReady(*written_status);
      if (ready != IsReady(previous) ||
          written_status->container_id != previous.container_id) {
        config_.budgets->MemberChanged((*desired)->disruption_budget->name,
                                       ready);
      }
    }
  }
  if (converged) {
    std::lock_guard lock(observations_mutex_);
    converged_observations_.insert_or_assign(std::string(name), observed_at);
  }

  // Given up: nothing to retry until the desired object changes (which
  // queues the game again).
  if (gave_up) return ReconcileResult::Converged();
  if (failure) return ReconcileResult::Retry(failure->message);
  if (wait_until) {
    return ReconcileResult::RequeueAfter(*wait_until - ports_.clock.Now());
  }
  if (!converged) return ReconcileResult::Retry("not converged yet");
  return ReconcileResult::Converged();
}

std::optional<Timestamp> Reconciler::ConvergedObservationAt(
    std::string_view name) const {
  std::lock_guard lock(observations_mutex_);
  auto found = converged_observations_.find(name);
  if (found == converged_observations_.end()) return std::nullopt;
  return found->second;
}

void Reconciler::ForgetConvergedObservation(std::string_view name) {
  std::lock_guard lock(observations_mutex_);
  if (auto found = converged_observations_.find(name);
      found != converged_observations_.end()) {
    converged_observations_.erase(found);
  }
}

std::optional<Timestamp> Reconciler::OperationTurn(std::string_view name,
                                                   size_t count) {
  const Timestamp now = ports_.clock.Now();
  std::lock_guard lock(turns_mutex_);
  if (auto reserved = reserved_turns_.find(name);
      reserved != reserved_turns_.end()) {
    if (now < reserved->second) return reserved->second;
    reserved_turns_.erase(reserved);
    return std::nullopt;
  }
  Duration wait = Duration::zero();
  for (size_t i = 0; i < count; ++i) {
    wait = std::max(wait, operation_limit_.Reserve());
  }
  if (wait <= Duration::zero()) return std::nullopt;
  reserved_turns_.emplace(std::string(name), now + wait);
  return now + wait;
}

Expected<void> Reconciler::Execute(const std::string& name,
                                   const Action& action,
                                   const Observation& seen,
                                   const RuntimeStatusView& previous,
                                   const std::optional<DrainRecord>& drain,
                                   std::optional<LastRestart>& last_restart) {
  // The gate's record goes to the disruption it let through.
  const std::optional<DrainRecord> gated =
      IsVoluntaryDisruption(action.kind) ? drain : std::nullopt;
  if (action.kind == ActionKind::kAdopt) {
    const ContainerState* container =
        FindContainer(seen.containers, action.container_id);
    if (container == nullptr) return Fail(ErrorCode::kInternal, "adopt: container gone");
    if (auto adopted = Adopt(*container, seen); !adopted) return adopted;
    AcknowledgeAdoptedRestart(*container, seen, previous, last_restart);
    return {};
  }
  if (action.kind == ActionKind::kRemoveContainer) {
    return RemoveStrayContainer(name, action.container_id, seen);
  }
  // The lifecycle operation's result: its failure fails the step; the record
  // it succeeded with is observed again by the next round.
  Expected<RuntimeRecord> result;
  switch (action.kind) {
    case ActionKind::kRemove:
      result = operations_.Remove(
          {name, OpSource::kManifest,
           seen.desired ? seen.desired->source.path + "#deleted" : "", gated});
      break;
    case ActionKind::kStop:
      result = operations_.Stop({name, StopReason::kDesiredStopped,
                                 OpSource::kManifest,
                                 ManifestRef(*seen.desired), gated});
      break;
    case ActionKind::kStart:
    case ActionKind::kSelfHeal: {
      const bool heal = action.kind == ActionKind::kSelfHeal;
      result = operations_.Start(
          {name, EffectiveSpec(*seen.desired), seen.desired->generation,
           heal ? OpSource::kReconciler : OpSource::kManifest,
           heal ? "" : ManifestRef(*seen.desired)});
      break;
    }
    case ActionKind::kUpdate:
      result = operations_.Update(
          {name, EffectiveSpec(*seen.desired), seen.desired->generation,
           OpSource::kManifest, ManifestRef(*seen.desired), gated});
      break;
    case ActionKind::kRestart: {
      const DesiredRuntime& desired = *seen.desired;
      const std::string source_ref = RestartCorrelationRef(desired);
      result = operations_.Restart({name, desired.restart_source, source_ref,
                                    desired.EffectiveRestartGeneration(),
                                    desired.generation, gated,
                                    desired.restart_requested_by});
      last_restart = LastRestart{
          .restart_generation = desired.EffectiveRestartGeneration(),
          .outcome = std::string(
              ToString(result ? Outcome::kSuccess : Outcome::kFailure)),
          .error_code = result ? std::nullopt
                               : std::optional<ErrorCode>(result.error().code),
          .container_id = result ? result->current_container_id : "",
          .source_ref = source_ref,
          .finished_at = ports_.clock.Now(),
      };
      break;
    }
    case ActionKind::kRemoveContainer:
    case ActionKind::kAdopt:
      break;  // handled above
  }
  if (!result) return std::unexpected(std::move(result.error()));
  return {};
}

Expected<bool> Reconciler::FollowDesiredRecordFields(const Observation& seen) {
  if (!seen.record || !seen.desired ||
      seen.record->status == RuntimeStatus::kRemoved) {
    return false;
  }
  RuntimeRecord record = *seen.record;
  if (!FollowFieldsOutsideContainer(record.spec, seen.desired->spec)) {
    return false;
  }
  record.updated_at = ports_.clock.Now();
  if (auto saved = ports_.records.Upsert(record); !saved) {
    return std::unexpected(Error{saved.error().code,
                                 "save runtime record: " + saved.error().message,
                                 record.current_image_ref,
                                 record.current_container_id});
  }
  return true;
}

Reconciler::DrainGate Reconciler::PassDrainGate(
    const Plan& plan, const Observation& seen,
    const RuntimeStatusView& previous) {
  auto disruption = std::find_if(
      plan.actions.begin(), plan.actions.end(),
      [](const Action& action) { return IsVoluntaryDisruption(action.kind); });
  if (disruption == plan.actions.end() || !seen.desired ||
      !seen.desired->spec.drain) {
    return {};
  }
  const DecisionInput observed{seen.desired->name, seen.desired, seen.record,
                               seen.containers};
  const ContainerState* keeper = SelectKeeper(observed);  // into `observed`
  if (keeper == nullptr || !keeper->running) return {};

  const DrainGateInput input{
      .policy = *seen.desired->spec.drain,
      .action = std::string(ToString(disruption->kind)),
      .waiting = previous.drain_wait,
      .skip_requested = seen.desired->DrainSkipped(
          LabelNumber(*keeper, kLabelRestartGeneration, 0)),
      .now = ports_.clock.Now(),
  };
  DrainDecision decision = DecideBeforeProbe(input);
  if (decision.step == DrainDecision::Step::kProbe) {
    decision = DecideAfterProbe(input, ProbeDrain(*keeper, input.policy));
  }
  if (decision.step == DrainDecision::Step::kProceed) {
    ports_.logger.Log(
        LogLevel::kInfo, "drain gate passed",
        {{"game_id", seen.desired->name},
         {"action", input.action},
         {"drain", std::string(ToString(decision.record->outcome))},
         {"waited", FormatDuration(decision.record->waited)}});
    return {decision.record, std::nullopt, {}};
  }
  return {std::nullopt, decision.waiting, decision.recheck_at};
}

Reconciler::BudgetPass Reconciler::PassBudgetGate(const Plan& plan,
                                                  const Observation& seen) {
  if (config_.budgets == nullptr || !seen.desired ||
      !seen.desired->disruption_budget) {
    return {};
  }
  auto disruption = std::find_if(
      plan.actions.begin(), plan.actions.end(),
      [](const Action& action) { return IsBudgetedDisruption(action.kind); });
  if (disruption == plan.actions.end()) return {};
  const DecisionInput observed{seen.desired->name, seen.desired, seen.record,
                               seen.containers};
  const ContainerState* keeper = SelectKeeper(observed);  // into `observed`
  // A game that does not run is unavailable already.
  if (keeper == nullptr || !keeper->running) return {};
  auto verdict = config_.budgets->Admit(seen.desired->name,
                                        *seen.desired->disruption_budget);
  if (!verdict) {
    return {.error = Error{verdict.error().code,
                           "disruption budget: " + verdict.error().message}};
  }
  if (verdict->admitted) {
    if (!verdict->how.empty()) {
      ports_.logger.Log(LogLevel::kInfo, "disruption admitted by its budget",
                        {{"game_id", seen.desired->name},
                         {"budget", seen.desired->disruption_budget->name},
                         {"action", std::string(ToString(disruption->kind))},
                         {"admitted", verdict->how}});
    }
    return {.admitted = true};
  }
  return {.waiting = std::string(ToString(disruption->kind)) + " " +
                     verdict->wait,
          .recheck_at = verdict->recheck_at};
}

DrainProbe Reconciler::ProbeDrain(const ContainerState& container,
                                  const DrainPolicy& policy) {
  DrainProbe probe;
  auto result = ports_.engine.Exec(container.id, policy.command,
                                   std::chrono::seconds(policy.timeout_seconds));
  probe.at = ports_.clock.Now();
  if (!result) {
    // Stopped meanwhile: nobody left to disrupt.
    probe.empty = result.error().code == ErrorCode::kConflict ||
                  result.error().code == ErrorCode::kNotFound;
    probe.summary = probe.empty ? "container not running"
                                : "probe could not run: " + result.error().message;
  } else if (!result->exit_code) {
    probe.summary = "probe timed out after " +
                    std::to_string(policy.timeout_seconds) + "s";
  } else {
    probe.empty = *result->exit_code == 0;
    probe.summary = "exit " + std::to_string(*result->exit_code);
    if (std::string said = LastLine(result->output_tail); !said.empty()) {
      probe.summary += ": " + said;
    }
  }
  return probe;
}

Expected<void> Reconciler::Adopt(const ContainerState& container,
                                 const Observation& seen) {
  const Timestamp now = ports_.clock.Now();
  RuntimeRecord record = seen.record.value_or(RuntimeRecord{});
  record.game_id = seen.desired->name;
  record.status = container.running ? RuntimeStatus::kRunning
                                    : RuntimeStatus::kStopped;
  record.current_image_ref = container.image;
  record.current_container_id = container.id;
  record.hostname = seen.desired->name;
  record.spec = seen.desired->spec;
  record.spec.image = container.image;
  record.generation = LabelNumber(container, kLabelGeneration, 0);
  record.restart_generation =
      LabelNumber(container, kLabelRestartGeneration, 0);
  record.spec.restart_generation = record.restart_generation;
  if (!seen.record) record.created_at = now;
  record.updated_at = now;
  ports_.logger.Log(LogLevel::kInfo, "adopted container",
                    {{"game_id", record.game_id},
                     {"container_id", container.id}});
  if (auto saved = ports_.records.Upsert(record); !saved) {
    return std::unexpected(saved.error());
  }
  return {};
}

void Reconciler::AcknowledgeAdoptedRestart(
    const ContainerState& container, const Observation& seen,
    const RuntimeStatusView& previous,
    std::optional<LastRestart>& last_restart) {
  const DesiredRuntime& desired = *seen.desired;
  const int64_t wanted = desired.EffectiveRestartGeneration();
  const bool acknowledged =
      previous.last_restart &&
      previous.last_restart->restart_generation >= wanted;
  const bool recorded =
      seen.record && seen.record->restart_generation >= wanted;
  // Only a restart this controller was running has a record behind it; a
  // container adopted after losing the store acknowledges nothing.
  if (!seen.record || wanted == 0 || acknowledged || recorded ||
      LabelNumber(container, kLabelRestartGeneration, -1) != wanted) {
    return;
  }
  // The inner start the dead controller could not record, then the outer
  // restart, sharing the restart's correlation id like a live restart.
  last_restart = CompleteRestartAudit(desired, container.image, container.id,
                                      /*start_recorded=*/false);
}

LastRestart Reconciler::CompleteRestartAudit(const DesiredRuntime& desired,
                                             const std::string& image_ref,
                                             const std::string& container_id,
                                             bool start_recorded) {
  const std::string source_ref = RestartCorrelationRef(desired);
  const auto record = [&](OpKind kind) {
    OperationRecorder recorder(ports_, kind, desired.name, desired.restart_source,
                               source_ref);
    recorder.set_requested_by(desired.restart_requested_by);
    recorder.SucceedWith(image_ref, container_id);
  };
  if (!start_recorded) record(OpKind::kStart);
  record(OpKind::kRestart);
  return LastRestart{
      .restart_generation = desired.EffectiveRestartGeneration(),
      .outcome = std::string(ToString(Outcome::kSuccess)),
      .error_code = std::nullopt,
      .container_id = container_id,
      .source_ref = source_ref,
      .finished_at = ports_.clock.Now(),
  };
}

Expected<void> Reconciler::RecoverRestartOutcome(
    const Observation& seen, const RuntimeStatusView& previous,
    std::optional<LastRestart>& last_restart) {
  if (!seen.desired || !seen.record) return {};
  const DesiredRuntime& desired = *seen.desired;
  const RuntimeRecord& record = *seen.record;
  const int64_t wanted = desired.EffectiveRestartGeneration();
  // Only a generation the last status write had not yet observed, and
  // that the record shows committed, can have lost its acknowledgement.
  if (wanted == 0 || previous.observed_restart_generation >= wanted ||
      (previous.last_restart &&
       previous.last_restart->restart_generation >= wanted) ||
      record.restart_generation < wanted ||
      record.current_container_id.empty()) {
    return {};
  }
  auto entries = ports_.operation_log.ListByGame(desired.name,
                                                 kRecentEntriesOfARestart);
  if (!entries) return std::unexpected(std::move(entries.error()));
  const std::string source_ref = RestartCorrelationRef(desired);
  bool restart_began = false;
  bool start_recorded = false;
  for (const OperationEntry& entry : *entries) {  // newest first
    if (entry.source_ref != source_ref) continue;
    if (entry.op_kind == OpKind::kRestart) {
      last_restart = LastRestart{
          .restart_generation = wanted,
          .outcome = std::string(ToString(entry.outcome)),
          .error_code = entry.error_code,
          .container_id = entry.container_id,
          .source_ref = source_ref,
          .finished_at = entry.finished_at,
      };
      return {};
    }
    restart_began = true;
    start_recorded |= entry.op_kind == OpKind::kStart &&
                      entry.outcome == Outcome::kSuccess &&
                      entry.container_id == record.current_container_id;
  }
  // No audit entry of this restart at all: the record's container came
  // from a plain start (a game declared at this restart generation).
  if (!restart_began) return {};
  last_restart = CompleteRestartAudit(desired, record.current_image_ref,
                                      record.current_container_id,
                                      start_recorded);
  return {};
}

Expected<void> Reconciler::RemoveStrayContainer(const std::string& name,
                                                const std::string& id,
                                                const Observation& seen) {
  OperationRecorder recorder(ports_, OpKind::kRemove, name,
                             OpSource::kReconciler, "");
  const int timeout = seen.record ? seen.record->spec.stop_timeout_seconds : 10;
  auto stopped = ports_.engine.StopContainer(id, timeout);
  if (!stopped && stopped.error().code != ErrorCode::kNotFound) {
    return recorder.Fail({stopped.error().code,
                          "docker stop: " + stopped.error().message, {}, id});
  }
  if (stopped) (void)KeepLastWords(ports_, name, id);  // its logs only
  if (auto removed = ports_.engine.RemoveContainer(id, /*force=*/false); !removed) {
    return recorder.Fail({ErrorCode::kServiceUnavailable,
                          "docker remove: " + removed.error().message, {}, id});
  }
  recorder.SucceedWith({}, id);
  return {};
}

Expected<uint64_t> Reconciler::WriteStatus(std::string_view name,
                                           RuntimeStatusView status,
                                           const RuntimeStatusView& previous) {
  status.revision = previous.revision;
  if (previous.revision != 0 && status == previous) return previous.revision;
  auto written = statuses_.Put(name, status);
  if (!written) {
    ports_.logger.Log(LogLevel::kError, "write status",
                      {{"game_id", std::string(name)},
                       {"error_code", std::string(ToString(written.error().code))},
                       {"err", written.error().message}});
    return std::unexpected(Error{written.error().code,
                                 "write status: " + written.error().message});
  }
  return *written;
}

}  // namespace rtm
