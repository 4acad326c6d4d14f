// Domain values for the tests of the REST API's representations
// (controller/api/representation/): one with every field set, including the
// optional ones.
#pragma once

#include <string>

#include "reconcile/domain/game_runtime.h"
#include "reconcile/domain/operation.h"
#include "reconcile/domain/time.h"

namespace rtm::api_test {

inline Timestamp At(const char* rfc3339) { return *ParseRfc3339(rfc3339); }

inline GameSpec FullSpec() {
  return GameSpec{
      .image = "galaxy/game:2",
      .command = {"/bin/game", "--port", "8080"},
      .env = {{"REGION", "eu"}, {"MODE", "ranked"}},
      .state = DesiredState::kStopped,
      .restart_generation = 7,
      .ports = {PortMapping{8080, 18080, "tcp", "127.0.0.1"},
                PortMapping{9000, 0, "udp", "0.0.0.0"}},
      .health_check = HealthCheck{{"/bin/check", "-q"}, 5, 2, 4},
      .stop_timeout_seconds = 15,
      .resources = Resources{.memory_mib = 512, .cpus = 1.5},
      .node_name = "node-a",
      .node_selector = {{"zone", "eu-west-1a"}, {"disk", "ssd"}},
  };
}

inline DesiredRuntime FullDesired() {
  return DesiredRuntime{
      .name = "lobby-eu-1",
      .labels = {{"tier", "casual"}, {"region", "eu \"west\""}},
      .spec = FullSpec(),
      .source = {"games/lobby.yaml", 2, 31},
      .generation = 12,
      .api_restart_count = 3,
      .restart_source = OpSource::kRest,
      .restart_source_ref = "req-5f1e",
      .deleted = true,
      .manifest_error = "games/lobby.yaml:31: spec.image: required",
      .revision = 44,
  };
}

inline RuntimeStatusView FullStatus() {
  RuntimeStatusView status;
  status.phase = Phase::kFailed;
  status.observed_generation = 12;
  status.observed_restart_generation = 9;
  status.last_restart =
      LastRestart{9, "failure", ErrorCode::kImageNotFound, "c0ffee", "req-5f1e",
                  At("2026-11-25T02:04:35.456Z")};
  status.container_id = "4f2c9a0d1e";
  status.image_ref = "galaxy/game:2";
  status.hostname = "lobby-eu-1";
  status.health = "unhealthy";
  status.restart_count = 4;
  status.last_error = LastError{ErrorCode::kStartFailed,
                                "port 18080 is already allocated",
                                At("2026-11-25T02:04:36.001Z")};
  status.conditions = {
      Condition{"Ready", ConditionStatus::kFalse, "ContainerExited",
                "exit code 137", At("2026-11-25T02:04:36.001Z")},
      Condition{"Progressing", ConditionStatus::kTrue, "Restarting", "",
                At("2026-11-25T02:04:34.000Z")},
      Condition{"ManifestValid", ConditionStatus::kUnknown, "", "",
                At("2026-11-25T02:00:00.000Z")},
  };
  status.self_heal = SelfHealBackoff{2, At("2026-11-25T02:04:30.000Z"),
                                     At("2026-11-25T02:05:30.000Z")};
  status.revision = 45;
  return status;
}

inline OperationEntry FullEntry() {
  return OperationEntry{
      .sequence = 42,
      .game_id = "lobby-eu-1",
      .op_kind = OpKind::kRestart,
      .op_source = OpSource::kRest,
      .source_ref = "req-5f1e",
      .image_ref = "galaxy/game:2",
      .container_id = "c0ffee",
      .outcome = Outcome::kFailure,
      .error_code = ErrorCode::kStartFailed,
      .error_message = "port 18080 is already allocated",
      .started_at = At("2026-11-25T02:04:34.123Z"),
      .finished_at = At("2026-11-25T02:04:35.456Z"),
  };
}

}  // namespace rtm::api_test
