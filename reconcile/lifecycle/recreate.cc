#include "reconcile/lifecycle/recreate.h"

namespace rtm {

Expected<RuntimeRecord> Recreate(
    const LifecyclePorts& ports, StopService& stop_service,
    StartService& start_service, const RecreateRequest& request) {
  const StartInput& start = request.start;
  const std::string& image = start.spec.image;

  Expected<RuntimeRecord> stopped = stop_service.Run(StopInput{
      .game_id = start.game_id,
      .reason = request.stop_reason,
      .op_source = start.op_source,
      .source_ref = start.source_ref,
      .requested_by = start.requested_by,
  });
  if (!stopped) {
    return std::unexpected(Error{
        stopped.error().code, "inner stop failed: " + stopped.error().message,
        image, request.previous_container_id});
  }

  if (!request.previous_container_id.empty()) {
    if (auto removed = ports.engine.RemoveContainer(
            request.previous_container_id, /*force=*/false);
        !removed) {
      return std::unexpected(Error{
          ErrorCode::kServiceUnavailable,
          "docker remove: " + removed.error().message, image,
          request.previous_container_id});
    }
  }

  StartInput start_input = start;
  start_input.name_just_freed = !request.previous_container_id.empty();
  Expected<RuntimeRecord> started = start_service.Run(start_input);
  if (!started) {
    return std::unexpected(Error{
        started.error().code, "inner start failed: " + started.error().message,
        image, {}});
  }
  return started;
}

}  // namespace rtm
