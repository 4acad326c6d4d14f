// The store contract suite (test/store/contract/) on the leveldb backend.
#include <memory>

#include "store/leveldb/leveldb_database.h"
#include "store/leveldb/leveldb_desired_state_store.h"
#include "store/leveldb/leveldb_game_lease_store.h"
#include "store/leveldb/leveldb_operation_log_store.h"
#include "store/leveldb/leveldb_runtime_record_store.h"
#include "store/leveldb/leveldb_status_store.h"
#include "test/store/contract/store_contract.h"
#include "test/store/store_test_support.h"

namespace rtm {
namespace {

class LeveldbBackend : public StoreBackend {
 public:
  explicit LeveldbBackend(Clock& clock) : clock_(clock) {}

  void Open() override {
    auto database = LeveldbDatabase::Open(temp_.store_dir());
    ASSERT_TRUE(database.has_value()) << database.error().message;
    database_ = *std::move(database);
    desired_ = std::make_unique<LeveldbDesiredStateStore>(*database_);
    statuses_ = std::make_unique<LeveldbStatusStore>(*database_);
    records_ = std::make_unique<LeveldbRuntimeRecordStore>(*database_);
    leases_ = std::make_unique<LeveldbGameLeaseStore>(*database_, clock_);
    auto log = LeveldbOperationLogStore::Open(*database_);
    ASSERT_TRUE(log.has_value()) << log.error().message;
    operation_log_ = *std::move(log);
  }
  void Close() override {
    operation_log_.reset();
    leases_.reset();
    records_.reset();
    statuses_.reset();
    desired_.reset();
    database_.reset();
  }

  DesiredStateStore& desired() override { return *desired_; }
  StatusStore& statuses() override { return *statuses_; }
  RuntimeRecordStore& records() override { return *records_; }
  OperationLogStore& operation_log() override { return *operation_log_; }
  GameLeaseStore& leases() override { return *leases_; }
  ChangeFeed& changes() override { return database_->changes(); }
  void CompactHistory(uint64_t revision) override {
    database_->changes().Compact(revision);
  }

 private:
  Clock& clock_;
  TempDir temp_;
  std::unique_ptr<LeveldbDatabase> database_;
  std::unique_ptr<LeveldbDesiredStateStore> desired_;
  std::unique_ptr<LeveldbStatusStore> statuses_;
  std::unique_ptr<LeveldbRuntimeRecordStore> records_;
  std::unique_ptr<LeveldbGameLeaseStore> leases_;
  std::unique_ptr<LeveldbOperationLogStore> operation_log_;
};

INSTANTIATE_TEST_SUITE_P(
    Leveldb, StoreContractTest,
    ::testing::Values(StoreBackendFactory{
        "leveldb",
        [](Clock& clock) { return std::make_unique<LeveldbBackend>(clock); }}),
    BackendName);

}  // namespace
}  // namespace rtm
