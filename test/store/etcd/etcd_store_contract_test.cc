// The store contract suite (test/store/contract/) on the etcd backend,
// against a real single-member etcd started for this test process: on
// plain HTTP, and over TLS with authentication (a token per client).
#include <memory>

#include "store/etcd/etcd_store.h"
#include "test/store/contract/store_contract.h"
#include "test/store/etcd/etcd_test_cluster.h"

namespace rtm {
namespace {

class EtcdBackend : public StoreBackend {
 public:
  EtcdBackend(Clock& clock, EtcdTestCluster& cluster)
      : clock_(clock), cluster_(cluster), prefix_(UniqueEtcdPrefix("contract")) {}

  void Open() override {
    EtcdStoreOptions options;
    options.endpoints = cluster_.endpoints();
    options.prefix = prefix_;
    options.client = cluster_.client_options();
    auto store = EtcdStore::Open(std::move(options), clock_);
    ASSERT_TRUE(store.has_value()) << store.error().message;
    store_ = *std::move(store);
  }
  void Close() override { store_.reset(); }

  DesiredStateStore& desired() override { return store_->desired(); }
  StatusStore& statuses() override { return store_->statuses(); }
  RuntimeRecordStore& records() override { return store_->records(); }
  OperationLogStore& operation_log() override { return store_->operation_log(); }
  GameLeaseStore& leases() override { return store_->leases(); }
  ChangeFeed& changes() override { return store_->changes(); }
  // etcd keeps the revision compacted at; the feed's cache forgets what
  // etcd forgot. The feed first catches up with the writes made here: etcd
  // cancels a watch still behind the compaction, and the feed then relists
  // (test/store/etcd/etcd_failover_test.cc), which forgets everything.
  void CompactHistory(uint64_t revision) override {
    auto caught_up = store_->changes().Revision();
    ASSERT_TRUE(caught_up.has_value()) << caught_up.error().message;
    auto compacted = store_->client().Compact(
        static_cast<int64_t>(revision) + 1, /*physical=*/true);
    ASSERT_TRUE(compacted.has_value()) << compacted.error().message;
    store_->changes().Compact(revision);
  }

 private:
  Clock& clock_;
  EtcdTestCluster& cluster_;
  std::string prefix_;
  std::unique_ptr<EtcdStore> store_;
};

INSTANTIATE_TEST_SUITE_P(
    Etcd, StoreContractTest,
    ::testing::Values(StoreBackendFactory{"etcd",
                                          [](Clock& clock) {
                                            return std::make_unique<EtcdBackend>(clock,
                                                                                 SharedEtcd());
                                          }},
                      StoreBackendFactory{"etcd_tls_auth",
                                          [](Clock& clock) {
                                            return std::make_unique<EtcdBackend>(
                                                clock, SharedSecureEtcd());
                                          }}),
    BackendName);

}  // namespace
}  // namespace rtm
