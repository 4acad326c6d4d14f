// A fixture that wires the lifecycle services to GoogleMock mocks of every
// port. The record store and operation log mocks default to acting on an
// in-memory map / vector, so tests can assert on the resulting state as well
// as on calls; any test can override a default with EXPECT_CALL/ON_CALL.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "reconcile/lifecycle/lifecycle_ports.h"
#include "reconcile/lifecycle/remove_service.h"
#include "reconcile/lifecycle/restart_service.h"
#include "reconcile/lifecycle/start_service.h"
#include "reconcile/lifecycle/stop_service.h"
#include "reconcile/lifecycle/update_service.h"
#include "test/mocks/mock_clock.h"
#include "test/mocks/mock_container_engine.h"
#include "test/mocks/mock_game_lease_store.h"
#include "test/mocks/mock_log_archive.h"
#include "test/mocks/mock_secret_source.h"
#include "test/mocks/mock_logger.h"
#include "test/mocks/mock_operation_log_store.h"
#include "test/mocks/mock_runtime_record_store.h"
#include "test/mocks/mock_telemetry.h"
#include "test/mocks/mock_token_generator.h"

namespace rtm::testing {

inline constexpr char kGame[] = "lobby-eu-1";
inline constexpr char kImage[] = "rtmanager/demo-game:1";
inline constexpr char kNewImage[] = "rtmanager/demo-game:2";
inline constexpr char kOldContainer[] = "c0ffee-old";
inline constexpr char kNewContainer[] = "beef-new";
inline constexpr Timestamp kRecordTime{std::chrono::sys_days{
    std::chrono::year{2026} / std::chrono::November / 1}};
inline constexpr char kOldContainerOutput[] = "player left\nshutting down\n";

// kOldContainer as the engine reports it once stopped: exited with 143 (a
// SIGTERM) an hour after kRecordTime.
ContainerState StoppedOldContainer();

class LifecycleTest : public ::testing::Test {
 protected:
  LifecycleTest();

  // A running game whose record points at kOldContainer with kImage.
  RuntimeRecord RunningRecord() const;
  GameSpec Spec(std::string image = kImage) const;
  // A managed container as the engine reports it for `spec`.
  ContainerState ManagedContainer(const std::string& id, const GameSpec& spec,
                                  bool running, int64_t generation = 1) const;

  // `record` as the store holds it when written at `revision`.
  static RuntimeRecord AtRevision(RuntimeRecord record, uint64_t revision) {
    record.revision = revision;
    return record;
  }
  // Stores `record` as the store would: at the next revision.
  void StoreRecord(RuntimeRecord record) {
    record.revision = ++store_revision_;
    records_[record.game_id] = std::move(record);
  }
  // The engine answers a create+start of a fresh container with `id`.
  void ExpectFreshCreateAndStart(const std::string& id);
  // The same within a recreate: the name was just freed, nothing inspects it.
  void ExpectCreateAndStartAfterRemove(const std::string& id);

  // Entries appended to the operation log, oldest first.
  const std::vector<OperationEntry>& entries() const { return entries_; }
  std::vector<OpKind> EntryKinds() const;
  // Expects one Release of the lease token with the 5 s bound.
  void ExpectLeaseReleased();

  ::testing::StrictMock<MockContainerEngine> engine_;
  ::testing::NiceMock<MockRuntimeRecordStore> record_store_;
  ::testing::NiceMock<MockOperationLogStore> operation_log_;
  ::testing::NiceMock<MockGameLeaseStore> leases_;
  ::testing::NiceMock<MockTelemetry> telemetry_;
  ::testing::NiceMock<MockLogger> logger_;
  ::testing::NiceMock<MockClock> clock_;
  ::testing::NiceMock<MockTokenGenerator> tokens_;
  ::testing::NiceMock<MockLogArchive> log_archive_;
  ::testing::NiceMock<MockSecretSource> secrets_;

  std::map<std::string, RuntimeRecord, std::less<>> records_;
  uint64_t store_revision_ = 0;
  std::vector<OperationEntry> entries_;
  Timestamp now_{std::chrono::sys_days{std::chrono::year{2026} /
                                       std::chrono::November / 25}};
  int tokens_issued_ = 0;

  LifecyclePorts ports_{record_store_, operation_log_, engine_, leases_,
                        telemetry_,    logger_,        clock_,  tokens_,
                        log_archive_,  secrets_};
  LifecycleConfig config_;
  StopService stop_{ports_, config_};
  StartService start_{ports_, config_};
  RestartService restart_{ports_, config_, stop_, start_};
  UpdateService update_{ports_, config_, stop_, start_};
  RemoveService remove_{ports_, config_};
};

// The token the fixture's generator returns on its n-th call (1-based).
std::string TokenNumber(int n);

// The stable code of a failed operation's result; nullopt on success, so an
// expected code never matches a success.
inline std::optional<ErrorCode> ErrorCodeOf(
    const Expected<RuntimeRecord>& result) {
  if (result) return std::nullopt;
  return result.error().code;
}
// The message of a failed operation's result; nullopt on success.
inline std::optional<std::string> ErrorMessageOf(
    const Expected<RuntimeRecord>& result) {
  if (result) return std::nullopt;
  return result.error().message;
}

}  // namespace rtm::testing
