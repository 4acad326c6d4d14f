#pragma once

#include <optional>
#include <string>

#include "reconcile/domain/operation.h"
#include "reconcile/lifecycle/lifecycle_ports.h"
#include "reconcile/lifecycle/operation_recorder.h"

namespace rtm {

struct RemoveInput {
  std::string game_id;
  OpSource op_source = OpSource::kReconciler;
  std::string source_ref;
  // How the disruption got past the game's drain gate (Reconciler), for
  // the audit entry; unset when there was none.
  std::optional<DrainRecord> drain;
};

// `remove`: stops the container gracefully (the spec's stop timeout), removes
// it, and marks the record `removed` (kept, so history and status stay
// readable). Removing a removed runtime succeeds without engine calls.
// Record missing → kNotFound; engine failure → its code (stop) or
// kServiceUnavailable (rm); the record is only marked once the container is
// gone.
class RemoveService {
 public:
  RemoveService(const LifecyclePorts& ports, const LifecycleConfig& config);

  Expected<RuntimeRecord> Handle(const RemoveInput& input);
  Expected<RuntimeRecord> Run(const RemoveInput& input);

 private:
  Expected<RuntimeRecord> RunUnderLease(const RemoveInput& input,
                                      OperationRecorder& recorder);

  const LifecyclePorts& ports_;
  const LifecycleConfig& config_;
};

}  // namespace rtm
