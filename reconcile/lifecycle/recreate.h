#pragma once

#include <expected>
#include <string>

#include "reconcile/lifecycle/lifecycle_ports.h"
#include "reconcile/lifecycle/operation_recorder.h"
#include "reconcile/lifecycle/start_service.h"
#include "reconcile/lifecycle/stop_service.h"

namespace rtm {

struct RecreateRequest {
  StopReason stop_reason = StopReason::kAdminRequest;
  std::string previous_container_id;  // removed between stop and start
  // The start of the new container; its op_source and source_ref (the
  // correlation id) are also those of the inner stop.
  StartInput start;
};

// The body shared by restart and update, run under the caller's lease:
// inner stop → docker rm → inner start. The inner services write their own
// audit entries; a failure names the step ("inner stop failed: ...",
// "docker remove: ..." as kServiceUnavailable, "inner start failed: ...").
// From any intermediate state the next recreate or start converges: a
// stopped-but-not-removed container is removed by it.
Expected<RuntimeRecord> Recreate(
    const LifecyclePorts& ports, StopService& stop_service,
    StartService& start_service, const RecreateRequest& request);

}  // namespace rtm
