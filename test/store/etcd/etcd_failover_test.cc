// The etcd backend when members fail: endpoint failover, a member cut off
// from the quorum refusing (hasleader), and the change feed relisting
// after etcd compacted history its watch had not read. Real 3-member
// clusters on loopback.
#include <chrono>
#include <cstdlib>
#include <memory>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/etcd/etcd_store.h"
#include "test/mocks/fake_clock.h"
#include "test/store/etcd/etcd_test_cluster.h"
#include "test/store/etcd/tcp_cut_proxy.h"
#include "test/store/store_test_data.h"

namespace rtm {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

HttpEndpoint DeadEndpoint() {
  HttpEndpoint endpoint;
  endpoint.transport = HttpEndpoint::Transport::kTcp;
  endpoint.host = "127.0.0.1";
  endpoint.port = static_cast<uint16_t>(e2e::FreeLoopbackPort());
  endpoint.text = "127.0.0.1:" + std::to_string(endpoint.port);
  return endpoint;
}

std::unique_ptr<EtcdStore> OpenStore(std::vector<HttpEndpoint> endpoints,
                                     Clock& clock,
                                     Duration call_timeout = 5s) {
  EtcdStoreOptions options;
  options.endpoints = std::move(endpoints);
  options.prefix = "/failover/";
  options.client.call_timeout = call_timeout;
  auto store = EtcdStore::Open(std::move(options), clock);
  EXPECT_TRUE(store.has_value()) << store.error().message;
  return store ? *std::move(store) : nullptr;
}

TEST(EtcdFailoverTest, CallsAndTheWatchFailOverToALiveEndpoint) {
  EtcdTestCluster cluster(1);
  FakeClock clock;
  auto store = OpenStore({DeadEndpoint(), cluster.endpoint(0)}, clock);
  ASSERT_TRUE(store);
  const uint64_t start = *store->changes().Revision();

  DesiredRuntime a = FullDesired("a");
  ASSERT_TRUE(Track(a, store->desired().Put(a)));

  EXPECT_EQ(*store->desired().Get("a"), a);
  auto batch = store->changes().ReadAfter(start, 10);
  ASSERT_TRUE(batch.has_value()) << batch.error().message;
  ASSERT_EQ(batch->changes.size(), 1u);
  EXPECT_EQ(batch->changes[0]->revision, a.revision);
}

TEST(EtcdFailoverTest, AKilledMemberIsSkippedAndItsRestartCatchesUp) {
  EtcdTestCluster cluster(3);
  FakeClock clock;
  auto store = OpenStore(cluster.endpoints(), clock);
  ASSERT_TRUE(store);
  DesiredRuntime a = FullDesired("a");
  ASSERT_TRUE(Track(a, store->desired().Put(a)));

  cluster.Kill(0);
  // A write in flight while the members elect a new leader (if 0 led) has
  // an unknown outcome (kServiceUnavailable); once one leads, writes go
  // through whichever member answers.
  ASSERT_TRUE(e2e::WaitFor([&] { return cluster.Serves(1); }, 20s, 100ms));
  a.generation += 1;
  ASSERT_TRUE(Track(a, store->desired().Put(a)));
  auto sequence = store->operation_log().Append(SuccessEntry("a", OpKind::kStart));
  ASSERT_TRUE(sequence.has_value()) << sequence.error().message;
  cluster.Restart(0);

  auto on_restarted = OpenStore({cluster.endpoint(0)}, clock);
  ASSERT_TRUE(on_restarted);
  EXPECT_EQ(*on_restarted->desired().Get("a"), a);
  auto entries = on_restarted->operation_log().ListByGame("a", 10);
  ASSERT_TRUE(entries.has_value());
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].sequence, *sequence);
}

TEST(EtcdFailoverTest, AMemberWithoutQuorumRefusesInsteadOfServingStaleData) {
  EtcdTestCluster cluster(3);
  FakeClock clock;
  cluster.Kill(1);
  cluster.Kill(2);
  etcd::Client isolated({cluster.endpoint(0)},
                        etcd::ClientOptions{.call_timeout = 3s});
  etcd::RangeRequest read;
  read.key = "/failover/anything";

  // Once the member notices its leader is gone (an election timeout), it
  // answers "no leader" at once rather than a possibly stale read.
  Expected<etcd::RangeResponse> answer = Fail(ErrorCode::kInternal, "unset");
  ASSERT_TRUE(e2e::WaitFor(
      [&] {
        answer = isolated.Range(read);
        return !answer.has_value() &&
               answer.error().message.find("no leader") != std::string::npos;
      },
      20s, 100ms))
      << (answer ? "answered" : answer.error().message);
  EXPECT_EQ(answer.error().code, ErrorCode::kServiceUnavailable);
}

TEST(EtcdFailoverTest, TheFeedRelistsWhenEtcdCompactedWhatItsWatchMissed) {
  EtcdTestCluster cluster(1);
  TcpCutProxy proxy(cluster.endpoint(0));
  FakeClock clock;
  // The feed watches through the proxy; writes go around it.
  auto watched = OpenStore({proxy.endpoint()}, clock, 2s);
  auto writer = OpenStore({cluster.endpoint(0)}, clock);
  ASSERT_TRUE(watched && writer);
  const uint64_t before = *watched->changes().Revision();

  proxy.Cut();  // the watch breaks and cannot resume
  DesiredRuntime a = FullDesired("a");
  ASSERT_TRUE(Track(a, writer->desired().Put(a)));
  DesiredRuntime b = FullDesired("b");
  ASSERT_TRUE(Track(b, writer->desired().Put(b)));
  ASSERT_TRUE(writer->client().Compact(static_cast<int64_t>(b.revision),
                                       /*physical=*/true));
  proxy.Heal();

  // The watch resumes after `before`, finds it compacted, and relists.
  ASSERT_TRUE(e2e::WaitFor([&] { return watched->changes().relists() == 1; },
                           30s, 50ms));
  auto lost = watched->changes().ReadAfter(before, 10);
  ASSERT_TRUE(lost.has_value()) << lost.error().message;
  EXPECT_TRUE(lost->history_lost);
  // A reader relists (the list holds a and b) and reads on: nothing missed.
  const uint64_t relisted = *watched->changes().Revision();
  EXPECT_GE(relisted, b.revision);
  auto listed = watched->desired().List();
  ASSERT_TRUE(listed.has_value());
  EXPECT_THAT(*listed, ::testing::ElementsAre(a, b));
  DesiredRuntime c = FullDesired("c");
  ASSERT_TRUE(Track(c, writer->desired().Put(c)));
  watched->changes().WaitAfter(relisted, 10s);
  auto after = watched->changes().ReadAfter(relisted, 10);
  ASSERT_TRUE(after.has_value()) << after.error().message;
  ASSERT_FALSE(after->history_lost);
  ASSERT_EQ(after->changes.size(), 1u);
  EXPECT_EQ(after->changes[0]->name, "c");
  EXPECT_EQ(after->changes[0]->type, ChangeType::kAdded);
}

}  // namespace
}  // namespace rtm

namespace rtm {
namespace {

TEST(EtcdTrafficTest, EveryAttemptAndEveryByteIsCounted) {
  etcd::Client client({DeadEndpoint(), SharedEtcd().endpoint(0)});
  etcd::RangeRequest read;
  read.key = UniqueEtcdPrefix("traffic");

  ASSERT_TRUE(client.Range(read).has_value());

  const etcd::Client::Traffic traffic = client.traffic();
  EXPECT_EQ(traffic.requests, 1u);  // the dead endpoint refused the connect
  EXPECT_GT(traffic.bytes_sent, read.key.size());
  EXPECT_GT(traffic.bytes_received, 0u);
  EXPECT_EQ(traffic.watches, 0u);
}

}  // namespace
}  // namespace rtm

namespace rtm {
namespace {

// etcd over its space quota raises its NOSPACE alarm and refuses every put
// (HTTP 429, "etcdserver: mvcc: database space exceeded"). The store's
// health says so from the first refused write until an operator freed
// space (delete, compact, defragment, disarm) and a write succeeded.
TEST(EtcdStoreHealthTest, AnEtcdOverItsQuotaIsUnwritableUntilAWriteSucceeds) {
  EtcdTestCluster cluster(1, {}, /*quota_backend_bytes=*/1 << 20);
  FakeClock clock;
  auto store = OpenStore({cluster.endpoint(0)}, clock);
  ASSERT_TRUE(store);
  StoreHealth& health = store->ports().health;
  EXPECT_TRUE(health.Writable());

  const std::string filler(64 * 1024, 'x');
  Expected<etcd::TxnResponse> put;
  for (int i = 0; i < 64; ++i) {
    put = store->client().Txn(
        {.success = {etcd::Operation::Put("/filler/" + std::to_string(i), filler)}});
    if (!put) break;
  }
  ASSERT_FALSE(put) << "etcd took 4 MiB under a 1 MiB quota";
  EXPECT_THAT(put.error().message, HasSubstr("database space exceeded"));
  auto full = health.Writable();
  ASSERT_FALSE(full);
  EXPECT_THAT(full.error().message, HasSubstr("the store takes no writes"));
  EXPECT_THAT(full.error().message, HasSubstr("database space exceeded"));

  DesiredRuntime a = FullDesired("a");
  auto refused = store->desired().Put(a);
  ASSERT_FALSE(refused);
  EXPECT_FALSE(health.Writable());
  EXPECT_TRUE(store->desired().List());  // reads are served

  const std::string etcdctl = "ETCDCTL_API=3 etcdctl " + cluster.EtcdctlFlags(0);
  ASSERT_EQ(std::system((etcdctl + " del --prefix /filler/ >/dev/null").c_str()), 0);
  auto revision = store->client().Range({.key = "/filler/0"});
  ASSERT_TRUE(revision) << revision.error().message;
  ASSERT_EQ(std::system((etcdctl + " compact " + std::to_string(revision->revision) +
                         " >/dev/null && " + etcdctl + " defrag >/dev/null && " + etcdctl +
                         " alarm disarm >/dev/null")
                            .c_str()),
            0);
  EXPECT_FALSE(health.Writable());  // nothing written since

  ASSERT_TRUE(Track(a, store->desired().Put(a)));
  EXPECT_TRUE(health.Writable());
}

}  // namespace
}  // namespace rtm
