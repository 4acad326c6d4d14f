#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "reconcile/domain/operation.h"
#include "reconcile/lifecycle/lifecycle_ports.h"
#include "reconcile/lifecycle/operation_recorder.h"

namespace rtm {

enum class StopReason {
  kDesiredStopped,  // spec.state: Stopped
  kAdminRequest,    // the inner stop of a restart
  kUpdate,          // the inner stop of an update
};

std::string_view ToString(StopReason reason);

struct StopInput {
  std::string game_id;
  StopReason reason = StopReason::kDesiredStopped;
  OpSource op_source = OpSource::kReconciler;
  std::string source_ref;
  // How the disruption got past the game's drain gate (Reconciler), for
  // the audit entry; unset when there was none.
  std::optional<DrainRecord> drain;
  std::optional<Requester> requested_by;  // who asked through the API
};

// `stop`: stops the game's container (SIGTERM, SIGKILL after the spec's stop
// timeout) and keeps it, so that logs survive until the next start. A game
// without a container, or whose container is already gone, is stopped.
// Record missing → kNotFound; removed → kConflict.
class StopService {
 public:
  StopService(const LifecyclePorts& ports, const LifecycleConfig& config);

  Expected<RuntimeRecord> Handle(const StopInput& input);
  Expected<RuntimeRecord> Run(const StopInput& input);

 private:
  Expected<RuntimeRecord> RunUnderLease(const StopInput& input,
                                      OperationRecorder& recorder);

  const LifecyclePorts& ports_;
  const LifecycleConfig& config_;
};

}  // namespace rtm
