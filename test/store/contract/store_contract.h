// The store contract suite: what every store backend must do, run
// unchanged against each (test/store/contract/store_contract_test.cc holds
// the tests; each backend instantiates them with its StoreBackend, e.g.
// test/store/leveldb/leveldb_store_contract_test.cc).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include <gtest/gtest.h>

#include "reconcile/ports/change_feed.h"
#include "reconcile/ports/desired_state_store.h"
#include "reconcile/ports/game_lease_store.h"
#include "reconcile/ports/operation_log_store.h"
#include "reconcile/ports/runtime_record_store.h"
#include "test/mocks/fake_clock.h"

namespace rtm {

// One backend under test: a fresh, empty store per instance.
class StoreBackend {
 public:
  virtual ~StoreBackend() = default;

  // Opens the store; after Close, opens it again with everything written
  // before (a restart of the process).
  virtual void Open() = 0;
  virtual void Close() = 0;

  // Valid between Open and Close.
  virtual DesiredStateStore& desired() = 0;
  virtual StatusStore& statuses() = 0;
  virtual RuntimeRecordStore& records() = 0;
  virtual OperationLogStore& operation_log() = 0;
  virtual GameLeaseStore& leases() = 0;  // on the clock it was made with
  virtual ChangeFeed& changes() = 0;

  // Makes the change feed forget every change at or below `revision`
  // (etcd's compaction; leveldb's bounded history).
  virtual void CompactHistory(uint64_t revision) = 0;
};

struct StoreBackendFactory {
  std::string name;  // the test name suffix: "leveldb", "etcd"
  std::function<std::unique_ptr<StoreBackend>(Clock& clock)> make;
};

// gtest prints the parameter by its name.
inline void PrintTo(const StoreBackendFactory& factory, std::ostream* out) {
  *out << factory.name;
}

inline std::string BackendName(
    const ::testing::TestParamInfo<StoreBackendFactory>& info) {
  return info.param.name;
}

class StoreContractTest : public ::testing::TestWithParam<StoreBackendFactory> {
 protected:
  void SetUp() override {
    backend_ = GetParam().make(clock_);
    backend_->Open();
  }
  void TearDown() override {
    if (backend_) backend_->Close();
  }
  void Reopen() {
    backend_->Close();
    backend_->Open();
  }

  StoreBackend& store() { return *backend_; }

  FakeClock clock_{Timestamp(std::chrono::hours(1000))};
  std::unique_ptr<StoreBackend> backend_;
};

}  // namespace rtm
