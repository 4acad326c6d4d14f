#include "reconcile/lifecycle/remove_service.h"

#include "reconcile/domain/container_spec.h"
#include "reconcile/lifecycle/service_support.h"

namespace rtm {

RemoveService::RemoveService(const LifecyclePorts& ports,
                             const LifecycleConfig& config)
    : ports_(ports), config_(config) {}

Expected<RuntimeRecord> RemoveService::Handle(const RemoveInput& input) {
  return RunOperation(ports_, config_, OpKind::kRemove, LeaseMode::kOwn, input,
                      ValidateOperationTarget(input.game_id, input.op_source),
                      [&](OperationRecorder& recorder) {
                        return RunUnderLease(input, recorder);
                      });
}

Expected<RuntimeRecord> RemoveService::Run(const RemoveInput& input) {
  return RunOperation(ports_, config_, OpKind::kRemove, LeaseMode::kCallers,
                      input, ValidateOperationTarget(input.game_id, input.op_source),
                      [&](OperationRecorder& recorder) {
                        return RunUnderLease(input, recorder);
                      });
}

Expected<RuntimeRecord> RemoveService::RunUnderLease(
    const RemoveInput& input, OperationRecorder& recorder) {
  Expected<RuntimeRecord> loaded = ports_.records.Get(input.game_id);
  if (!loaded && loaded.error().code == ErrorCode::kNotFound) {
    return recorder.Fail({ErrorCode::kNotFound,
                          "runtime record for game " + Quoted(input.game_id) +
                              " does not exist",
                          {},
                          {}});
  }
  if (!loaded) {
    return recorder.Fail({ErrorCode::kInternal,
                          "load runtime record: " + loaded.error().message,
                          {},
                          {}});
  }
  RuntimeRecord record = std::move(*loaded);
  if (record.status == RuntimeStatus::kRemoved) {
    return recorder.Succeed(std::move(record));
  }

  const std::string container_id = record.current_container_id;
  if (!container_id.empty()) {
    RunPreStop(ports_, record, recorder);
    auto stopped = ports_.engine.StopContainer(
        container_id, record.spec.stop_timeout_seconds);
    if (!stopped && stopped.error().code != ErrorCode::kNotFound) {
      return recorder.Fail({stopped.error().code,
                            "docker stop: " + stopped.error().message,
                            record.current_image_ref, container_id});
    }
    if (stopped) {
      if (auto ended = KeepLastWords(ports_, record.game_id, container_id)) {
        record.last_termination = std::move(ended);
      }
    }
    if (auto removed = ports_.engine.RemoveContainer(container_id,
                                                     /*force=*/false);
        !removed) {
      return recorder.Fail({ErrorCode::kServiceUnavailable,
                            "docker remove: " + removed.error().message,
                            record.current_image_ref, container_id});
    }
  }

  // Named volumes outlive restarts and updates; removal takes them only
  // when the spec says so. Before the record is marked removed: a failure
  // here is retried with the policy still at hand.
  if (record.spec.volume_reclaim_policy == VolumeReclaimPolicy::kDelete) {
    for (const std::string& volume : NamedVolumesOf(record.game_id, record.spec)) {
      if (auto removed = ports_.engine.RemoveVolume(volume); !removed) {
        return recorder.Fail({removed.error().code,
                              "docker volume remove " + volume + ": " +
                                  removed.error().message,
                              record.current_image_ref, container_id});
      }
    }
  }

  record.status = RuntimeStatus::kRemoved;
  record.current_container_id.clear();
  record.updated_at = ports_.clock.Now();
  auto saved = ports_.records.Upsert(record);
  if (!saved) {
    return recorder.Fail({saved.error().code,
                          "save runtime record: " + saved.error().message,
                          record.current_image_ref, container_id});
  }
  record.revision = *saved;
  // The entry names the container that went away.
  recorder.SucceedWith(record.current_image_ref, container_id);
  return record;
}

}  // namespace rtm
