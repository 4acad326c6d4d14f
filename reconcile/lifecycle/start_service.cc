#include "reconcile/lifecycle/start_service.h"

#include <map>
#include <string>

#include "reconcile/domain/container_spec.h"
#include "reconcile/lifecycle/service_support.h"

namespace rtm {
namespace {

Expected<void> Validate(const StartInput& input) {
  return ValidateSpecOperation(input.game_id, input.op_source,
                               input.generation, input.spec);
}

// Same spec hash and restart generation: the container implements the spec.
bool Implements(const ContainerState& container, const ContainerSpec& wanted) {
  for (std::string_view key : {kLabelSpecHash, kLabelRestartGeneration}) {
    auto have = container.labels.find(std::string(key));
    auto want = wanted.labels.find(std::string(key));
    if (have == container.labels.end() || have->second != want->second) {
      return false;
    }
  }
  return true;
}

}  // namespace

StartService::StartService(const LifecyclePorts& ports,
                           const LifecycleConfig& config)
    : ports_(ports), config_(config) {}

Expected<RuntimeRecord> StartService::Handle(const StartInput& input) {
  return RunOperation(ports_, config_, OpKind::kStart, LeaseMode::kOwn, input,
                      Validate(input),
                      [&](OperationRecorder& recorder) {
                        return RunUnderLease(input, recorder);
                      });
}

Expected<RuntimeRecord> StartService::Run(const StartInput& input) {
  return RunOperation(ports_, config_, OpKind::kStart, LeaseMode::kCallers,
                      input, Validate(input),
                      [&](OperationRecorder& recorder) {
                        return RunUnderLease(input, recorder);
                      });
}

Expected<RuntimeRecord> StartService::RunUnderLease(
    const StartInput& input, OperationRecorder& recorder) {
  const std::string& image = input.spec.image;
  Expected<RuntimeRecord> previous = ports_.records.Get(input.game_id);
  if (!previous && previous.error().code != ErrorCode::kNotFound) {
    return recorder.Fail({ErrorCode::kInternal,
                          "load runtime record: " + previous.error().message,
                          image,
                          {}});
  }

  const ContainerSpec wanted = BuildContainerSpec(
      {input.game_id, input.generation}, input.spec, config_.network);
  Expected<ContainerState> existing =
      input.name_just_freed
          ? Expected<ContainerState>(Fail(ErrorCode::kNotFound, "just removed"))
          : ports_.engine.InspectContainer(wanted.name);
  if (!existing && existing.error().code != ErrorCode::kNotFound) {
    return recorder.Fail({existing.error().code,
                          "docker inspect: " + existing.error().message, image,
                          {}});
  }

  std::string container_id;
  if (existing) {
    if (!IsOwned(existing->labels, config_.network)) {
      return recorder.Fail(
          {ErrorCode::kConflict,
           "container " + Quoted(wanted.name) +
               " exists and is not managed by this rtmanager (network " +
               Quoted(config_.network) + "); refusing to touch it",
           image, existing->id});
    }
    if (Implements(*existing, wanted)) {
      container_id = existing->id;
    } else if (existing->running) {
      return recorder.Fail(
          {ErrorCode::kConflict,
           "container " + Quoted(wanted.name) +
               " runs another spec; replacing it takes an update or restart",
           image, existing->id});
    } else if (auto removed = ports_.engine.RemoveContainer(existing->id,
                                                            /*force=*/false);
               !removed) {
      return recorder.Fail({ErrorCode::kServiceUnavailable,
                            "docker remove: " + removed.error().message, image,
                            existing->id});
    }
  }

  const bool already_running = existing && !container_id.empty() &&
                               existing->running;
  if (container_id.empty()) {
    // The secrets' values go into the container created, and nowhere else.
    std::map<std::string, std::string> secret_values;
    for (const auto& [name, source] : input.spec.secret_env) {
      Expected<std::string> value = ports_.secrets.Read(source.file);
      if (!value) {
        return recorder.Fail({value.error().code,
                              "spec.secretEnv." + name + ": " + value.error().message,
                              image,
                              {}});
      }
      secret_values.emplace(name, std::move(*value));
    }
    Expected<std::string> created = ports_.engine.CreateContainer(
        secret_values.empty() ? wanted : WithSecretValues(wanted, secret_values));
    if (!created && created.error().code == ErrorCode::kConflict &&
        input.name_just_freed) {
      StartInput look_first = input;
      look_first.name_just_freed = false;
      return RunUnderLease(look_first, recorder);
    }
    if (!created) {
      return recorder.Fail({created.error().code,
                            "docker create: " + created.error().message, image,
                            {}});
    }
    container_id = *created;
  }
  if (!already_running) {
    if (auto started = ports_.engine.StartContainer(container_id); !started) {
      // A container that cannot start is not left behind: the next attempt
      // creates it afresh from the then-current spec.
      (void)ports_.engine.RemoveContainer(container_id, /*force=*/true);
      return recorder.Fail({started.error().code,
                            "docker start: " + started.error().message, image,
                            container_id});
    }
  }

  const Timestamp now = ports_.clock.Now();
  RuntimeRecord record{
      .game_id = input.game_id,
      .status = RuntimeStatus::kRunning,
      .current_image_ref = image,
      .current_container_id = container_id,
      .hostname = wanted.hostname,
      .spec = input.spec,
      .generation = input.generation,
      .restart_generation = input.spec.restart_generation,
      .last_termination = previous ? previous->last_termination : std::nullopt,
      .created_at = previous ? previous->created_at : now,
      .updated_at = now,
      .revision = previous ? previous->revision : 0,
  };
  auto saved = ports_.records.Upsert(record);
  if (!saved) {
    return recorder.Fail({saved.error().code,
                          "save runtime record: " + saved.error().message,
                          image, container_id});
  }
  record.revision = *saved;
  return recorder.Succeed(std::move(record));
}

}  // namespace rtm
