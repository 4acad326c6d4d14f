#include "reconcile/decide.h"

#include "reconcile/domain/container_spec.h"

namespace rtm {
namespace {

std::string Label(const ContainerState& container, std::string_view key) {
  auto found = container.labels.find(std::string(key));
  return found == container.labels.end() ? "" : found->second;
}

std::string Join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& part : parts) {
    if (!out.empty()) out += ", ";
    out += part;
  }
  return out;
}

bool IsLiveRecord(const std::optional<RuntimeRecord>& record) {
  return record && record->status != RuntimeStatus::kRemoved;
}

void RemoveExtras(const DecisionInput& input, const ContainerState* keeper,
                  Plan& plan) {
  for (const ContainerState& container : input.containers) {
    if (&container == keeper) continue;
    plan.actions.push_back({ActionKind::kRemoveContainer, container.id,
                            "more than one container for the game"});
  }
}

// The document was deleted (a tombstone): remove the runtime and every
// container of the game.
void DecideDeleted(const DecisionInput& input, Plan& plan) {
  if (IsLiveRecord(input.record)) {
    plan.actions.push_back({ActionKind::kRemove, {}, "desired object deleted"});
  }
  const std::string record_container =
      IsLiveRecord(input.record) ? input.record->current_container_id : "";
  for (const ContainerState& container : input.containers) {
    if (container.id == record_container) continue;  // kRemove takes it
    plan.actions.push_back({ActionKind::kRemoveContainer, container.id,
                            "desired object deleted"});
  }
}

void DecideStopped(const DecisionInput& input, const ContainerState* keeper,
                   Plan& plan) {
  if (keeper != nullptr && keeper->running) {
    plan.actions.push_back({ActionKind::kStop, {}, "desired state Stopped"});
  } else if (input.record->status == RuntimeStatus::kRunning) {
    plan.actions.push_back(
        {ActionKind::kStop, {}, "desired state Stopped; record says running"});
  }
}

void DecideRunning(const DecisionInput& input, const ContainerState* keeper,
                   Plan& plan) {
  const DesiredRuntime& desired = *input.desired;
  const RuntimeRecord& record = *input.record;
  const std::string desired_hash = SpecHash(desired.spec);
  const std::string observed_hash =
      keeper != nullptr ? Label(*keeper, kLabelSpecHash) : SpecHash(record.spec);
  const int64_t desired_restart = desired.EffectiveRestartGeneration();
  const std::string observed_restart =
      keeper != nullptr ? Label(*keeper, kLabelRestartGeneration)
                        : std::to_string(record.restart_generation);

  if (observed_hash != desired_hash) {
    std::vector<std::string> fields = DifferingSpecFields(record.spec, desired.spec);
    plan.actions.push_back(
        {ActionKind::kUpdate, {},
         fields.empty() ? "spec-hash differs"
                        : "spec fields differ: " + Join(fields)});
    return;
  }
  if (observed_restart != std::to_string(desired_restart)) {
    plan.actions.push_back({ActionKind::kRestart, {},
                            "restartGeneration " + observed_restart + " -> " +
                                std::to_string(desired_restart)});
    return;
  }
  if (keeper != nullptr && keeper->running) return;
  const bool died = record.status == RuntimeStatus::kRunning;
  plan.actions.push_back(
      {died ? ActionKind::kSelfHeal : ActionKind::kStart, {},
       keeper == nullptr
           ? (died ? "container vanished" : "no container")
           : (died ? "container exited (code " +
                         std::to_string(keeper->exit_code) + ")"
                   : "container not running")});
}

}  // namespace

std::string_view ToString(ActionKind kind) {
  switch (kind) {
    case ActionKind::kAdopt:
      return "adopt";
    case ActionKind::kStart:
      return "start";
    case ActionKind::kSelfHeal:
      return "self-heal";
    case ActionKind::kRestart:
      return "restart";
    case ActionKind::kUpdate:
      return "update";
    case ActionKind::kStop:
      return "stop";
    case ActionKind::kRemove:
      return "remove";
    case ActionKind::kRemoveContainer:
      return "remove-container";
  }
  return "unknown";
}

const ContainerState* SelectKeeper(const DecisionInput& input) {
  if (input.containers.empty()) return nullptr;
  if (IsLiveRecord(input.record)) {
    for (const ContainerState& container : input.containers) {
      if (container.id == input.record->current_container_id) return &container;
    }
  }
  for (const ContainerState& container : input.containers) {
    if (container.running) return &container;
  }
  return &input.containers.front();
}

std::vector<std::string> DifferingSpecFields(const GameSpec& from,
                                             const GameSpec& to) {
  std::vector<std::string> fields;
  if (from.image != to.image) fields.push_back("image");
  if (from.command != to.command) fields.push_back("command");
  if (from.env != to.env) fields.push_back("env");
  if (from.secret_env != to.secret_env) fields.push_back("secretEnv");
  if (from.ports != to.ports) fields.push_back("ports");
  if (from.health_check != to.health_check) fields.push_back("healthCheck");
  if (from.stop_timeout_seconds != to.stop_timeout_seconds) {
    fields.push_back("stopTimeoutSeconds");
  }
  if (from.stop_signal != to.stop_signal) fields.push_back("stopSignal");
  if (from.resources != to.resources) fields.push_back("resources");
  if (from.volumes != to.volumes) fields.push_back("volumes");
  return fields;
}

Plan Decide(const DecisionInput& input) {
  Plan plan;
  if (!input.desired) {
    // Nothing declares the game and nothing says it was deleted (a lost
    // store, an unreadable manifests tree): its containers are left alone.
    return plan;
  }
  if (input.desired->deleted) {
    DecideDeleted(input, plan);
    return plan;
  }
  const ContainerState* keeper = SelectKeeper(input);
  RemoveExtras(input, keeper, plan);

  if (!IsLiveRecord(input.record)) {
    if (keeper != nullptr) {
      // Our container without a live record (store lost, or a crash between
      // create and record write): recognise it rather than duplicate it.
      plan.actions.push_back({ActionKind::kAdopt, keeper->id,
                              "managed container without a record"});
    } else if (input.desired->spec.state == DesiredState::kRunning) {
      plan.actions.push_back({ActionKind::kStart, {}, "no container"});
    }
    return plan;
  }

  if (keeper != nullptr && keeper->id != input.record->current_container_id) {
    plan.actions.push_back({ActionKind::kAdopt, keeper->id,
                            "the record names another container"});
    return plan;
  }
  if (input.desired->spec.state == DesiredState::kStopped) {
    DecideStopped(input, keeper, plan);
  } else {
    DecideRunning(input, keeper, plan);
  }
  return plan;
}

}  // namespace rtm
