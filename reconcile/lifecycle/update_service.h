#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "reconcile/domain/game_spec.h"
#include "reconcile/domain/operation.h"
#include "reconcile/lifecycle/lifecycle_ports.h"
#include "reconcile/lifecycle/operation_recorder.h"
#include "reconcile/lifecycle/start_service.h"
#include "reconcile/lifecycle/stop_service.h"

namespace rtm {

struct UpdateInput {
  std::string game_id;
  GameSpec spec;           // the new desired spec
  int64_t generation = 0;  // its metadata.generation
  OpSource op_source = OpSource::kReconciler;
  std::string source_ref;  // correlation id; generated when empty
  // How the disruption got past the game's drain gate (Reconciler), for
  // the audit entry; unset when there was none.
  std::optional<DrainRecord> drain;
};

// `update`: a recreate because a recreate-relevant spec field changed (image,
// command, env, ports...). Before anything is stopped the new image must
// exist: a missing image fails with kImageNotFound and the old container
// keeps running. Then, like restart: inner stop → docker rm → inner start
// with the new spec, under one outer lease, sharing one correlation id.
class UpdateService {
 public:
  UpdateService(const LifecyclePorts& ports, const LifecycleConfig& config,
                StopService& stop_service, StartService& start_service);

  Expected<RuntimeRecord> Handle(const UpdateInput& input);
  Expected<RuntimeRecord> Run(const UpdateInput& input);

 private:
  Expected<RuntimeRecord> RunUnderLease(const UpdateInput& input,
                                      OperationRecorder& recorder);

  const LifecyclePorts& ports_;
  const LifecycleConfig& config_;
  StopService& stop_service_;
  StartService& start_service_;
};

}  // namespace rtm
