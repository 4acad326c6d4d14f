#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "reconcile/domain/operation.h"
#include "reconcile/lifecycle/lifecycle_ports.h"
#include "reconcile/lifecycle/operation_recorder.h"
#include "reconcile/lifecycle/start_service.h"
#include "reconcile/lifecycle/stop_service.h"

namespace rtm {

struct RestartInput {
  std::string game_id;
  OpSource op_source = OpSource::kReconciler;
  // Opaque per-source reference (REST request id, manifest reference). When
  // non-empty it is the correlation id of the outer and inner entries; when
  // empty a fresh token is generated for them.
  std::string source_ref;
  // The generations the new container acknowledges; the record's when unset.
  std::optional<int64_t> restart_generation;
  std::optional<int64_t> generation;
  // How the disruption got past the game's drain gate (Reconciler), for
  // the audit entry; unset when there was none.
  std::optional<DrainRecord> drain;
  // Who asked through the API; the outer and the inner entries say it.
  std::optional<Requester> requested_by;
};

// `restart` (docs/contract.md §4): a recreate with the runtime's *current* image under
// one outer lease: inner stop → docker rm → inner start. The hostname and
// network alias stay; the container id changes. Failure codes: invalid input
// → kInvalidRequest; lease store error → kServiceUnavailable; lease held →
// kConflict; record missing → kNotFound; record unreadable → kInternal;
// removed → kConflict; no image_ref → kInternal; inner stop/start failure →
// their code; docker rm failure → kServiceUnavailable.
class RestartService {
 public:
  RestartService(const LifecyclePorts& ports, const LifecycleConfig& config,
                 StopService& stop_service, StartService& start_service);

  Expected<RuntimeRecord> Handle(const RestartInput& input);
  Expected<RuntimeRecord> Run(const RestartInput& input);

 private:
  Expected<RuntimeRecord> RunUnderLease(const RestartInput& input,
                                      OperationRecorder& recorder);

  const LifecyclePorts& ports_;
  const LifecycleConfig& config_;
  StopService& stop_service_;
  StartService& start_service_;
};

}  // namespace rtm
