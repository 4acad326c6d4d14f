#include "reconcile/lifecycle/update_service.h"

#include "reconcile/lifecycle/recreate.h"
#include "reconcile/lifecycle/service_support.h"

namespace rtm {
namespace {

Expected<void> Validate(const UpdateInput& input) {
  return ValidateSpecOperation(input.game_id, input.op_source,
                               input.generation, input.spec);
}

}  // namespace

UpdateService::UpdateService(const LifecyclePorts& ports,
                             const LifecycleConfig& config,
                             StopService& stop_service,
                             StartService& start_service)
    : ports_(ports),
      config_(config),
      stop_service_(stop_service),
      start_service_(start_service) {}

Expected<RuntimeRecord> UpdateService::Handle(const UpdateInput& input) {
  return RunOperation(ports_, config_, OpKind::kUpdate, LeaseMode::kOwn, input,
                      Validate(input),
                      [&](OperationRecorder& recorder) {
                        return RunUnderLease(input, recorder);
                      });
}

Expected<RuntimeRecord> UpdateService::Run(const UpdateInput& input) {
  return RunOperation(ports_, config_, OpKind::kUpdate, LeaseMode::kCallers,
                      input, Validate(input),
                      [&](OperationRecorder& recorder) {
                        return RunUnderLease(input, recorder);
                      });
}

Expected<RuntimeRecord> UpdateService::RunUnderLease(
    const UpdateInput& input, OperationRecorder& recorder) {
  auto loaded = LoadActiveRecord(ports_.records, input.game_id, "update");
  if (!loaded) return recorder.Fail(std::move(loaded.error()));
  const RuntimeRecord& existing = *loaded;
  const std::string& image = input.spec.image;

  if (auto found = ports_.engine.InspectImage(image); !found) {
    const bool missing = found.error().code == ErrorCode::kImageNotFound;
    return recorder.Fail(
        {found.error().code,
         missing ? "image " + Quoted(image) +
                       " not found; the current container keeps running"
                 : "docker image inspect: " + found.error().message,
         image, existing.current_container_id});
  }

  if (input.source_ref.empty()) {
    recorder.set_correlation_ref(ports_.tokens.NewToken());
  }
  auto recreated = Recreate(
      ports_, stop_service_, start_service_,
      RecreateRequest{
          .stop_reason = StopReason::kUpdate,
          .previous_container_id = existing.current_container_id,
          .start = StartInput{
              .game_id = input.game_id,
              .spec = input.spec,
              .generation = input.generation,
              .op_source = input.op_source,
              .source_ref = recorder.correlation_ref(),
          }});
  if (!recreated) return recorder.Fail(std::move(recreated.error()));

  ports_.logger.Log(LogLevel::kInfo, "runtime updated",
                    {{"game_id", input.game_id},
                     {"op_kind", "update"},
                     {"source_ref", recorder.correlation_ref()},
                     {"prev_container_id", existing.current_container_id},
                     {"new_container_id", recreated->current_container_id},
                     {"prev_image_ref", existing.current_image_ref},
                     {"image_ref", image}});
  return recorder.Succeed(std::move(*recreated));
}

}  // namespace rtm
