#pragma once

#include <cstdint>
#include <string>

#include "reconcile/domain/game_spec.h"
#include "reconcile/domain/operation.h"
#include "reconcile/lifecycle/lifecycle_ports.h"
#include "reconcile/lifecycle/operation_recorder.h"

namespace rtm {

struct StartInput {
  std::string game_id;
  GameSpec spec;           // the desired spec, image included
  int64_t generation = 0;  // metadata.generation the container implements
  OpSource op_source = OpSource::kReconciler;
  std::string source_ref;
  // The caller has just removed the game's container (a recreate): create
  // without inspecting the name first. A name conflict still falls back to
  // inspecting what holds it.
  bool name_just_freed = false;
  std::optional<Requester> requested_by;  // who asked through the API
};

// `start`: makes the game's container exist and run with `spec`. Creates and
// starts it when missing, starts it in place when it exists stopped with the
// same spec, adopts it when it already runs with the same spec. A stopped
// container of ours with another spec is replaced; a running one with
// another spec is left alone (kConflict: that takes an update). A container
// named rtm-<game> without our managed label is never touched (kConflict).
class StartService {
 public:
  StartService(const LifecyclePorts& ports, const LifecycleConfig& config);

  // Takes the game's lease for the operation.
  Expected<RuntimeRecord> Handle(const StartInput& input);
  // Runs under a lease the caller already holds (restart, update).
  Expected<RuntimeRecord> Run(const StartInput& input);

 private:
  Expected<RuntimeRecord> RunUnderLease(const StartInput& input,
                                      OperationRecorder& recorder);

  const LifecyclePorts& ports_;
  const LifecycleConfig& config_;
};

}  // namespace rtm
