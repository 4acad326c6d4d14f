#include "reconcile/lifecycle/restart_service.h"

#include "reconcile/lifecycle/recreate.h"
#include "reconcile/lifecycle/service_support.h"

namespace rtm {

RestartService::RestartService(const LifecyclePorts& ports,
                               const LifecycleConfig& config,
                               StopService& stop_service,
                               StartService& start_service)
    : ports_(ports),
      config_(config),
      stop_service_(stop_service),
      start_service_(start_service) {}

Expected<RuntimeRecord> RestartService::Handle(const RestartInput& input) {
  return RunOperation(ports_, config_, OpKind::kRestart, LeaseMode::kOwn, input,
                      ValidateOperationTarget(input.game_id, input.op_source),
                      [&](OperationRecorder& recorder) {
                        return RunUnderLease(input, recorder);
                      });
}

Expected<RuntimeRecord> RestartService::Run(const RestartInput& input) {
  return RunOperation(ports_, config_, OpKind::kRestart, LeaseMode::kCallers,
                      input, ValidateOperationTarget(input.game_id, input.op_source),
                      [&](OperationRecorder& recorder) {
                        return RunUnderLease(input, recorder);
                      });
}

Expected<RuntimeRecord> RestartService::RunUnderLease(
    const RestartInput& input, OperationRecorder& recorder) {
  auto loaded = LoadActiveRecord(ports_.records, input.game_id, "restart");
  if (!loaded) return recorder.Fail(std::move(loaded.error()));
  const RuntimeRecord& existing = *loaded;
  if (existing.current_image_ref.find_first_not_of(" \t\r\n") ==
      std::string::npos) {
    return recorder.Fail({ErrorCode::kInternal,
                          "runtime record for game " + Quoted(input.game_id) +
                              " has no image_ref to restart with",
                          {},
                          {}});
  }

  if (input.source_ref.empty()) {
    recorder.set_correlation_ref(ports_.tokens.NewToken());
  }
  GameSpec spec = existing.spec;
  spec.image = existing.current_image_ref;
  spec.restart_generation =
      input.restart_generation.value_or(existing.restart_generation);

  auto recreated = Recreate(
      ports_, stop_service_, start_service_,
      RecreateRequest{
          .stop_reason = StopReason::kAdminRequest,
          .previous_container_id = existing.current_container_id,
          .start = StartInput{
              .game_id = input.game_id,
              .spec = std::move(spec),
              .generation = input.generation.value_or(existing.generation),
              .op_source = input.op_source,
              .source_ref = recorder.correlation_ref(),
              .requested_by = input.requested_by,
          }});
  if (!recreated) return recorder.Fail(std::move(recreated.error()));

  std::vector<LogField> fields{{"game_id", input.game_id},
                               {"op_kind", "restart"},
                               {"source_ref", recorder.correlation_ref()},
                               {"prev_container_id", existing.current_container_id},
                               {"new_container_id", recreated->current_container_id},
                               {"image_ref", existing.current_image_ref},
                               {"op_source", std::string(ToString(input.op_source))}};
  if (input.requested_by) {
    fields.push_back({"requested_by", input.requested_by->name});
    fields.push_back({"remote_address", input.requested_by->address});
  }
  ports_.logger.Log(LogLevel::kInfo, "runtime restarted", fields);
  return recorder.Succeed(std::move(*recreated));
}

}  // namespace rtm
