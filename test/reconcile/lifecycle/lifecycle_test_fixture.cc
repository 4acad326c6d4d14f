#include "test/reconcile/lifecycle/lifecycle_test_fixture.h"

#include "reconcile/domain/container_spec.h"
#include "reconcile/lifecycle/game_lease.h"

namespace rtm::testing {

using ::testing::_;
using ::testing::Return;

std::string TokenNumber(int n) { return "token-" + std::to_string(n); }

ContainerState StoppedOldContainer() {
  return ContainerState{.id = kOldContainer,
                        .name = "rtm-lobby-eu-1",
                        .image = kImage,
                        .status = "exited",
                        .running = false,
                        .exit_code = 143,
                        .started_at = kRecordTime,
                        .finished_at = kRecordTime + std::chrono::hours(1)};
}

LifecycleTest::LifecycleTest() {
  config_.network = "rtmanager";
  ON_CALL(clock_, Now).WillByDefault([this] {
    now_ += std::chrono::milliseconds(1);
    return now_;
  });
  ON_CALL(tokens_, NewToken).WillByDefault([this] {
    return TokenNumber(++tokens_issued_);
  });
  // Specific expectations of a test take precedence over these.
  EXPECT_CALL(telemetry_, RecordOperation).Times(::testing::AnyNumber());
  EXPECT_CALL(logger_, Log).Times(::testing::AnyNumber());
  // What a stopped kOldContainer leaves (KeepLastWords): its last output and
  // how it ended.
  EXPECT_CALL(engine_, ContainerLogs(std::string_view(kOldContainer), kArchivedLogBytes))
      .Times(::testing::AnyNumber())
      .WillRepeatedly(Return(Expected<std::string>(std::string(kOldContainerOutput))));
  EXPECT_CALL(engine_, InspectContainer(std::string_view(kOldContainer)))
      .Times(::testing::AnyNumber())
      .WillRepeatedly(Return(Expected<ContainerState>(StoppedOldContainer())));
  ON_CALL(log_archive_, Keep).WillByDefault(Return(Expected<void>()));
  ON_CALL(leases_, TryAcquire).WillByDefault(Return(Expected<bool>(true)));
  ON_CALL(leases_, Release).WillByDefault(Return(Expected<void>()));
  ON_CALL(record_store_, Get)
      .WillByDefault([this](std::string_view game) -> Expected<RuntimeRecord> {
        auto found = records_.find(game);
        if (found == records_.end()) {
          return Fail(ErrorCode::kNotFound, "no record");
        }
        return found->second;
      });
  // Behaves as the port says: a write conditional on the stored revision.
  ON_CALL(record_store_, Upsert)
      .WillByDefault([this](const RuntimeRecord& record) -> Expected<uint64_t> {
        auto found = records_.find(record.game_id);
        const uint64_t stored =
            found == records_.end() ? 0 : found->second.revision;
        if (stored != record.revision) {
          return Fail(ErrorCode::kConflict, "record moved");
        }
        RuntimeRecord written = record;
        written.revision = ++store_revision_;
        records_[record.game_id] = written;
        return written.revision;
      });
  ON_CALL(operation_log_, Append)
      .WillByDefault([this](const OperationEntry& entry) -> Expected<uint64_t> {
        entries_.push_back(entry);
        entries_.back().sequence = entries_.size();
        return entries_.size();
      });
}

GameSpec LifecycleTest::Spec(std::string image) const {
  GameSpec spec;
  spec.image = std::move(image);
  spec.command = {"/bin/httpd", "-f", "-p", "8080"};
  spec.env = {{"MAP", "nebula"}};
  spec.ports = {PortMapping{8080, 18080, "tcp", "127.0.0.1"}};
  spec.stop_timeout_seconds = 3;
  return spec;
}

RuntimeRecord LifecycleTest::RunningRecord() const {
  return RuntimeRecord{
      .game_id = kGame,
      .status = RuntimeStatus::kRunning,
      .current_image_ref = kImage,
      .current_container_id = kOldContainer,
      .hostname = kGame,
      .spec = Spec(),
      .generation = 4,
      .restart_generation = 2,
      .created_at = kRecordTime,
      .updated_at = kRecordTime,
  };
}

ContainerState LifecycleTest::ManagedContainer(const std::string& id,
                                               const GameSpec& spec,
                                               bool running,
                                               int64_t generation) const {
  const ContainerSpec built =
      BuildContainerSpec({kGame, generation}, spec, config_.network);
  return ContainerState{
      .id = id,
      .name = built.name,
      .image = spec.image,
      .labels = built.labels,
      .status = running ? "running" : "exited",
      .running = running,
  };
}

void LifecycleTest::ExpectFreshCreateAndStart(const std::string& id) {
  EXPECT_CALL(engine_, InspectContainer(ContainerName(kGame)))
      .WillOnce(Return(Fail(ErrorCode::kNotFound, "no such container")));
  EXPECT_CALL(engine_, CreateContainer(_)).WillOnce(Return(id));
  EXPECT_CALL(engine_, StartContainer(std::string_view(id)))
      .WillOnce(Return(Expected<void>()));
}

void LifecycleTest::ExpectCreateAndStartAfterRemove(const std::string& id) {
  EXPECT_CALL(engine_, InspectContainer(std::string_view(ContainerName(kGame)))).Times(0);
  EXPECT_CALL(engine_, CreateContainer(_)).WillOnce(Return(id));
  EXPECT_CALL(engine_, StartContainer(std::string_view(id)))
      .WillOnce(Return(Expected<void>()));
}

std::vector<OpKind> LifecycleTest::EntryKinds() const {
  std::vector<OpKind> kinds;
  for (const auto& entry : entries_) kinds.push_back(entry.op_kind);
  return kinds;
}

void LifecycleTest::ExpectLeaseReleased() {
  EXPECT_CALL(leases_, Release(std::string_view(kGame),
                               std::string_view(TokenNumber(1)),
                               kLeaseReleaseTimeout))
      .Times(1);
}

}  // namespace rtm::testing
