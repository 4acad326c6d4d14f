// The collaborators every lifecycle service is built from. References: the
// wiring in main owns the adapters and outlives the services.
#pragma once

#include <string>

#include "reconcile/domain/time.h"
#include "reconcile/ports/clock.h"
#include "reconcile/ports/container_engine.h"
#include "reconcile/ports/game_lease_store.h"
#include "reconcile/ports/log_archive.h"
#include "reconcile/ports/logger.h"
#include "reconcile/ports/operation_log_store.h"
#include "reconcile/ports/runtime_record_store.h"
#include "reconcile/ports/secret_source.h"
#include "reconcile/ports/telemetry.h"
#include "reconcile/ports/token_generator.h"

namespace rtm {

struct LifecycleConfig {
  Duration lease_ttl = std::chrono::seconds(60);
  std::string network = "rtmanager";  // user-defined bridge network
};

struct LifecyclePorts {
  RuntimeRecordStore& records;
  OperationLogStore& operation_log;
  ContainerEngine& engine;
  GameLeaseStore& leases;
  Telemetry& telemetry;
  Logger& logger;
  Clock& clock;
  TokenGenerator& tokens;
  LogArchive& logs;  // the previous container's last output, per game
  SecretSource& secrets;  // spec.secretEnv values, read when creating
};

}  // namespace rtm
