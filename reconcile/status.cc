#include "reconcile/status.h"

#include <charconv>

#include "reconcile/domain/container_spec.h"
#include "reconcile/drain.h"

namespace rtm {
namespace {

std::string_view HealthName(ContainerHealth health) {
  switch (health) {
    case ContainerHealth::kHealthy:
      return "healthy";
    case ContainerHealth::kUnhealthy:
      return "unhealthy";
    case ContainerHealth::kStarting:
      return "starting";
    case ContainerHealth::kNone:
      return "none";
  }
  return "none";
}

std::optional<int64_t> LabelNumber(const ContainerState& container,
                                   std::string_view key) {
  auto found = container.labels.find(std::string(key));
  if (found == container.labels.end()) return std::nullopt;
  int64_t value = 0;
  const std::string& text = found->second;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

Phase ComputePhase(const StatusInput& input) {
  const bool absent = !input.desired || input.desired->deleted;
  if (input.failure) return Phase::kFailed;
  // Held back by its drain gate or budget: it runs and serves until
  // disrupted.
  if ((input.drain_wait || input.budget_wait) && input.keeper != nullptr &&
      input.keeper->running) {
    return Phase::kRunning;
  }
  if (absent) return input.converged ? Phase::kRemoved : Phase::kPending;
  if (!input.converged) return Phase::kPending;
  if (input.desired->spec.state == DesiredState::kStopped) return Phase::kStopped;
  return input.keeper != nullptr && input.keeper->running ? Phase::kRunning
                                                          : Phase::kPending;
}

// A condition that keeps its transition time while its status stays.
Condition MakeCondition(const RuntimeStatusView& previous, std::string type,
                        ConditionStatus status, std::string reason,
                        std::string message, Timestamp now) {
  Condition condition{std::move(type), status, std::move(reason),
                      std::move(message), now};
  for (const Condition& old : previous.conditions) {
    if (old.type == condition.type && old.status == condition.status) {
      condition.last_transition_time = old.last_transition_time;
    }
  }
  return condition;
}

}  // namespace

RuntimeStatusView ComputeStatus(const StatusInput& input,
                                const RuntimeStatusView& previous) {
  RuntimeStatusView status;
  status.phase = ComputePhase(input);
  status.observed_generation =
      input.converged && input.desired ? input.desired->generation
                                       : previous.observed_generation;
  status.last_restart = input.last_restart ? input.last_restart
                                           : previous.last_restart;
  status.restart_count = input.restart_count;
  status.self_heal = input.self_heal;
  status.drain_wait = input.drain_wait;
  // The newest ending known: the status's, the record's (a stop by an
  // operation) or the one this reconcile saw.
  for (const std::optional<Termination>* candidate :
       {&previous.last_termination,
        input.record ? &input.record->last_termination : nullptr,
        &input.observed_termination}) {
    if (candidate == nullptr || !candidate->has_value()) continue;
    if (!status.last_termination ||
        (*candidate)->finished_at >= status.last_termination->finished_at) {
      status.last_termination = **candidate;
    }
  }
  status.node_name = input.node_name;

  if (input.keeper != nullptr) {
    status.container_id = input.keeper->id;
    status.image_ref = input.keeper->image;
    status.hostname = input.record ? input.record->hostname : "";
    status.health = std::string(HealthName(input.keeper->health));
    status.observed_restart_generation =
        LabelNumber(*input.keeper, kLabelRestartGeneration)
            .value_or(previous.observed_restart_generation);
  } else if (input.record) {
    status.image_ref = input.record->current_image_ref;
    status.hostname = input.record->hostname;
    status.observed_restart_generation = input.record->restart_generation;
  }
  if (status.hostname.empty() && input.keeper != nullptr) {
    status.hostname = input.desired ? input.desired->name : "";
  }

  if (input.failure) {
    status.last_error = LastError{input.failure->code, input.failure->message,
                                  input.now};
  } else if (!input.converged) {
    status.last_error = previous.last_error;
  }

  const bool running = status.phase == Phase::kRunning;
  const bool healthy = status.health != "unhealthy" && status.health != "starting";
  status.conditions.push_back(MakeCondition(
      previous, "Ready",
      running && healthy ? ConditionStatus::kTrue : ConditionStatus::kFalse,
      running ? (healthy ? "Running"
                       : status.health == "starting" ? "HealthStarting"
                                                     : "Unhealthy")
              : std::string(ToString(status.phase)),
      running && !healthy ? "container health is " + status.health : "",
      input.now));
  if (status.container_id != previous.container_id) {
    status.conditions.back().last_transition_time = input.now;
  }
  if (input.budget_wait) {
    status.conditions.push_back(MakeCondition(previous, "Progressing",
                                              ConditionStatus::kTrue,
                                              "WaitingForBudget",
                                              *input.budget_wait, input.now));
  } else if (input.drain_wait) {
    status.conditions.push_back(MakeCondition(
        previous, "Progressing", ConditionStatus::kTrue, "WaitingForDrain",
        input.drain_wait->action + " " +
            DescribeDrainWait(*input.drain_wait, input.now),
        input.now));
  } else {
    status.conditions.push_back(MakeCondition(
        previous, "Progressing",
        input.converged ? ConditionStatus::kFalse : ConditionStatus::kTrue,
        input.converged
            ? "Converged"
            : (input.pending_action
                   ? std::string(ToString(input.pending_action->kind))
                   : "Retrying"),
        input.pending_action ? input.pending_action->reason : "", input.now));
  }
  const std::string manifest_error =
      input.desired ? input.desired->manifest_error : "";
  status.conditions.push_back(MakeCondition(
      previous, "ManifestValid",
      manifest_error.empty() ? ConditionStatus::kTrue : ConditionStatus::kFalse,
      manifest_error.empty() ? "Valid" : "Invalid", manifest_error, input.now));
  return status;
}

bool StatusReportsConverged(const RuntimeStatusView& status,
                            const DecisionInput& input) {
  const ContainerState* keeper = SelectKeeper(input);
  const std::string kept = keeper != nullptr ? keeper->id : "";
  const int64_t generation = input.desired ? input.desired->generation : 0;
  return status.container_id == kept &&
         status.observed_generation == generation;
}

}  // namespace rtm
