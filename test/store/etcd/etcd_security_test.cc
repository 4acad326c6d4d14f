// The etcd client over TLS and with authentication (etcd+https://,
// --etcd-ca-file, --etcd-user): what a wrong CA, plain HTTP, a wrong
// password or a lapsed token give. The store contract suite also runs on
// such a cluster (etcd_store_contract_test.cc).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "store/etcd/etcd_client.h"
#include "test/store/etcd/etcd_test_cluster.h"

namespace rtm {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

etcd::RangeRequest Probe() {
  etcd::RangeRequest probe;
  probe.key = "/rtm-security-probe";
  return probe;
}

TEST(EtcdSecurityTest, OverTlsTheCertificateIsVerifiedAndPlainHttpGetsNothing) {
  EtcdTestCluster& cluster = SharedSecureEtcd();
  etcd::Client good(cluster.endpoints(), cluster.client_options());
  ASSERT_TRUE(good.Range(Probe()).has_value());

  const std::string other = cluster.ca_file() + ".other";
  ASSERT_EQ(e2e::Shell("bash " + e2e::ShellQuote(RTM_TEST_PKI_SCRIPT) + " " +
                       e2e::ShellQuote(other) + " other")
                .exit_code,
            0);
  const std::string other_ca = other + "/ca.pem";
  std::vector<HttpEndpoint> wrong_ca = cluster.endpoints();
  wrong_ca[0].tls->ca_file = other_ca;
  etcd::ClientOptions quick = cluster.client_options();
  quick.call_timeout = 2s;
  auto refused = etcd::Client(wrong_ca, quick).Range(Probe());
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kServiceUnavailable);
  EXPECT_THAT(refused.error().message, HasSubstr("certificate verify failed"));

  std::vector<HttpEndpoint> plain = cluster.endpoints();
  plain[0].tls.reset();
  EXPECT_FALSE(etcd::Client(plain, quick).Range(Probe()).has_value());
}

TEST(EtcdSecurityTest, AWrongPasswordOrNoUserIsRefusedNamingTheUser) {
  EtcdTestCluster& cluster = SharedSecureEtcd();
  etcd::ClientOptions wrong = cluster.client_options();
  wrong.password = "not-the-password";
  auto refused = etcd::Client(cluster.endpoints(), wrong).Range(Probe());
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidRequest);
  EXPECT_THAT(refused.error().message, HasSubstr("etcd authentication as user \"root\""));
  EXPECT_THAT(refused.error().message, HasSubstr("authentication failed"));

  auto anonymous = etcd::Client(cluster.endpoints(), {}).Range(Probe());
  ASSERT_FALSE(anonymous.has_value());
  EXPECT_THAT(anonymous.error().message, HasSubstr("user name is empty"));
}

// A simple token lapses after --auth-token-ttl; the client then takes a
// new one and the call goes through, for calls and watches alike.
TEST(EtcdSecurityTest, ALapsedTokenIsReplacedWithoutAFailedCall) {
  EtcdTestCluster cluster(1, EtcdTestSecurity{.tls = true, .auth = true, .token_ttl_seconds = 1});
  etcd::Client client(cluster.endpoints(), cluster.client_options());
  ASSERT_TRUE(client.Range(Probe()).has_value());
  std::this_thread::sleep_for(3s);  // etcd's token TTL, on etcd's clock
  auto read = client.Range(Probe());
  EXPECT_TRUE(read.has_value()) << read.error().message;
  std::this_thread::sleep_for(3s);
  etcd::WatchRequest watch;
  watch.key = "/rtm-security-probe";
  auto stream = client.Watch(watch);
  EXPECT_TRUE(stream.has_value()) << stream.error().message;
}

}  // namespace
}  // namespace rtm
