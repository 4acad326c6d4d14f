#include "reconcile/lifecycle/stop_service.h"

#include "reconcile/lifecycle/service_support.h"

namespace rtm {

std::string_view ToString(StopReason reason) {
  switch (reason) {
    case StopReason::kDesiredStopped:
      return "desired_stopped";
    case StopReason::kAdminRequest:
      return "admin_request";
    case StopReason::kUpdate:
      return "update";
  }
  return "unknown";
}

StopService::StopService(const LifecyclePorts& ports,
                         const LifecycleConfig& config)
    : ports_(ports), config_(config) {}

Expected<RuntimeRecord> StopService::Handle(const StopInput& input) {
  return RunOperation(ports_, config_, OpKind::kStop, LeaseMode::kOwn, input,
                      ValidateOperationTarget(input.game_id, input.op_source),
                      [&](OperationRecorder& recorder) {
                        return RunUnderLease(input, recorder);
                      });
}

Expected<RuntimeRecord> StopService::Run(const StopInput& input) {
  return RunOperation(ports_, config_, OpKind::kStop, LeaseMode::kCallers,
                      input, ValidateOperationTarget(input.game_id, input.op_source),
                      [&](OperationRecorder& recorder) {
                        return RunUnderLease(input, recorder);
                      });
}

Expected<RuntimeRecord> StopService::RunUnderLease(
    const StopInput& input, OperationRecorder& recorder) {
  auto loaded = LoadActiveRecord(ports_.records, input.game_id, "stop");
  if (!loaded) return recorder.Fail(std::move(loaded.error()));
  RuntimeRecord record = std::move(*loaded);

  if (!record.current_container_id.empty()) {
    RunPreStop(ports_, record, recorder);
    auto stopped = ports_.engine.StopContainer(
        record.current_container_id, record.spec.stop_timeout_seconds);
    if (!stopped && stopped.error().code == ErrorCode::kNotFound) {
      record.current_container_id.clear();  // gone already: nothing to stop
    } else if (!stopped) {
      return recorder.Fail({stopped.error().code,
                            "docker stop: " + stopped.error().message,
                            record.current_image_ref,
                            record.current_container_id});
    } else if (auto ended = KeepLastWords(ports_, record.game_id,
                                          record.current_container_id)) {
      record.last_termination = std::move(ended);
    }
  }

  record.status = RuntimeStatus::kStopped;
  record.updated_at = ports_.clock.Now();
  auto saved = ports_.records.Upsert(record);
  if (!saved) {
    return recorder.Fail({saved.error().code,
                          "save runtime record: " + saved.error().message,
                          record.current_image_ref,
                          record.current_container_id});
  }
  record.revision = *saved;
  ports_.logger.Log(LogLevel::kDebug, "runtime stopped",
                    {{"game_id", input.game_id},
                     {"reason", std::string(ToString(input.reason))}});
  return recorder.Succeed(std::move(record));
}

}  // namespace rtm
