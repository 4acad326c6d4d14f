#pragma once

#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "reconcile/domain/game_runtime.h"
#include "reconcile/domain/operation.h"
#include "reconcile/domain/runtime_record.h"
#include "test/store/store_test_support.h"

namespace rtm {

// Checks that a write succeeded and sets value.revision to the revision it
// returned: the value then is what a read gives back, and what the next
// conditional write must carry.
template <typename Value>
::testing::AssertionResult Track(Value& value, const Expected<uint64_t>& written) {
  if (!written) return ::testing::AssertionFailure() << written.error().message;
  value.revision = *written;
  return ::testing::AssertionSuccess();
}

// A record with every field, optional ones included, set to a non-default.
inline RuntimeRecord FullRecord(std::string game_id) {
  RuntimeRecord record;
  record.game_id = std::move(game_id);
  record.status = RuntimeStatus::kRunning;
  record.current_image_ref = "galaxy/game:2";
  record.current_container_id = "4f2c9a0d1e";
  record.hostname = record.game_id;
  record.spec.image = "galaxy/game:2";
  record.spec.command = {"/bin/httpd", "-f", "-p", "8080"};
  record.spec.env = {{"MAP", "nebula"}, {"MODE", "ranked \"quoted\""}};
  record.spec.secret_env = {{"RCON_PASSWORD", {.file = "games/rcon", .digest = "9f86d081"}}};
  record.spec.state = DesiredState::kStopped;
  record.spec.restart_generation = 7;
  record.spec.ports = {
      PortMapping{8080, 18080, "tcp", "127.0.0.1"},
      PortMapping{9000, 0, "udp", "0.0.0.0"},
  };
  record.spec.health_check = HealthCheck{
      {"/bin/wget", "-q", "-O-", "http://127.0.0.1:8080/"}, 2, 1, 3};
  record.spec.stop_timeout_seconds = 25;
  record.spec.resources.memory_mib = 256;
  record.spec.resources.cpus = 0.35;
  record.spec.volumes = {{.name = "world", .mount_path = "/data", .read_only = false},
                         {.name = "maps", .mount_path = "/maps", .read_only = true,
                          .host_path = "/srv/maps"}};
  record.spec.volume_reclaim_policy = VolumeReclaimPolicy::kDelete;
  record.spec.max_consecutive_failures = 5;
  record.spec.stop_signal = "SIGINT";
  record.spec.pre_stop = ExecHook{.command = {"rcon", "save-all"}, .timeout_seconds = 20};
  record.spec.drain = DrainPolicy{.command = {"players", "--empty"},
                                  .period_seconds = 15,
                                  .max_wait_seconds = 900,
                                  .timeout_seconds = 4};
  record.spec.restart_schedule = RestartSchedule{
      .cron = "0 4 * * MON-FRI",
      .time_zone = "Europe/Berlin",
      .starting_deadline_seconds = 600,
      .warnings = {{.before_seconds = 900, .command = {"rcon", "say", "15 min"},
                    .timeout_seconds = 7}}};
  record.generation = 12;
  record.restart_generation = 6;
  record.last_termination = Termination{.container_id = "3e1b7c",
                                        .exit_code = 137,
                                        .reason = "OOMKilled",
                                        .started_at = At("2026-11-25T01:00:00.000Z"),
                                        .finished_at = At("2026-11-25T02:04:30.500Z")};
  record.created_at = At("2026-11-25T02:04:34.123Z");
  record.updated_at = At("2026-11-26T17:00:01.999Z");
  return record;
}

// An entry with every field set; a failure so that errorCode is present.
inline OperationEntry FullEntry(std::string game_id) {
  OperationEntry entry;
  entry.game_id = std::move(game_id);
  entry.op_kind = OpKind::kRestart;
  entry.op_source = OpSource::kRest;
  entry.source_ref = "req-5f1e";
  entry.image_ref = "galaxy/game:1";
  entry.container_id = "c0ffee";
  entry.outcome = Outcome::kFailure;
  entry.error_code = ErrorCode::kServiceUnavailable;
  entry.error_message = "docker rm: engine unreachable";
  entry.started_at = At("2026-11-25T02:04:34.123Z");
  entry.finished_at = At("2026-11-25T02:04:35.456Z");
  entry.pre_stop = HookRun{.exit_code = 3,
                           .timed_out = false,
                           .error = "",
                           .duration = Duration(1250),
                           .output_tail = "saving \"world\"\ndone"};
  entry.drain = DrainRecord{DrainOutcome::kDeadline, Duration(600000)};
  entry.requested_by = Requester{"ops", "10.0.0.5"};
  return entry;
}

inline OperationEntry SuccessEntry(std::string game_id, OpKind kind) {
  OperationEntry entry;
  entry.game_id = std::move(game_id);
  entry.op_kind = kind;
  entry.op_source = OpSource::kReconciler;
  entry.outcome = Outcome::kSuccess;
  entry.started_at = At("2026-11-25T02:04:34.000Z");
  entry.finished_at = At("2026-11-25T02:04:34.500Z");
  return entry;
}

// A desired object with every field set to a non-default; a tombstone
// with a manifest error, so that no bool or string is left at its default.
inline DesiredRuntime FullDesired(std::string name) {
  DesiredRuntime runtime;
  runtime.name = std::move(name);
  runtime.labels = {{"tier", "casual"}, {"region", "eu \"west\""}};
  runtime.spec = FullRecord(runtime.name).spec;
  runtime.source = ManifestSource{"games/lobby.yaml", 2, 31};
  runtime.generation = 12;
  runtime.api_restart_count = 3;
  runtime.restart_source = OpSource::kRest;
  runtime.restart_source_ref = "req-5f1e";
  runtime.restart_requested_by = Requester{"ci-bot", "192.0.2.7"};
  runtime.deleted = true;
  runtime.manifest_error = "games/lobby.yaml:31: spec.image: required";
  runtime.created_at = At("2026-11-20T08:15:00.250Z");
  runtime.force_restart_generation = 8;
  runtime.schedule_checked_through = At("2026-11-20T04:00:00Z");
  runtime.disruption_budget =
      BudgetTerms{.name = "eu-fleet",
                  .max_unavailable = {.value = 10, .percent = true},
                  .min_ready_seconds = 30,
                  .source_path = "budgets/eu.yaml"};
  return runtime;
}

// A status with every field, optional ones included, set to a non-default,
// and one condition of each status.
inline RuntimeStatusView FullStatus() {
  RuntimeStatusView status;
  status.phase = Phase::kFailed;
  status.observed_generation = 12;
  status.observed_restart_generation = 9;
  status.last_restart =
      LastRestart{9, "failure", ErrorCode::kImageNotFound, "c0ffee",
                  "req-5f1e", At("2026-11-25T02:04:35.456Z")};
  status.container_id = "4f2c9a0d1e";
  status.image_ref = "galaxy/game:2";
  status.node_name = "node-a";
  status.hostname = "lobby-eu-1";
  status.health = "unhealthy";
  status.restart_count = 4;
  status.last_error = LastError{ErrorCode::kStartFailed,
                                "port 18080 is already allocated",
                                At("2026-11-25T02:04:36.001Z")};
  status.conditions = {
      Condition{"Ready", ConditionStatus::kFalse, "ContainerExited",
                "exit code 137", At("2026-11-25T02:04:36.001Z")},
      Condition{"Progressing", ConditionStatus::kTrue, "Restarting",
                "restart generation 9", At("2026-11-25T02:04:34.000Z")},
      Condition{"ManifestValid", ConditionStatus::kUnknown, "NotRead",
                "not read yet", At("2026-11-24T23:59:59.999Z")},
  };
  status.self_heal = SelfHealBackoff{.consecutive = 3,
                                     .last_heal_at = At("2026-11-25T02:05:00.250Z"),
                                     .not_before = At("2026-11-25T02:05:04.250Z"),
                                     .gave_up_generation = 11};
  status.last_termination = FullRecord("g").last_termination;
  status.drain_wait = DrainWait{.action = "update",
                                .since = At("2026-11-25T02:00:00.000Z"),
                                .deadline = At("2026-11-25T02:10:00.000Z"),
                                .last_probe_at = At("2026-11-25T02:04:30.500Z"),
                                .last_probe = "exit 1: 3 players online"};
  return status;
}

}  // namespace rtm
