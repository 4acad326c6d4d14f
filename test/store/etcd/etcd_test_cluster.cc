#include "test/store/etcd/etcd_test_cluster.h"

#include <atomic>
#include <chrono>
#include <map>

#include <gtest/gtest.h>

#include "store/etcd/etcd_client.h"

namespace rtm {
namespace {

using namespace std::chrono_literals;

constexpr const char* kEtcdBinary = "/usr/bin/etcd";

std::string PeerUrl(int port) {
  return "http://127.0.0.1:" + std::to_string(port);
}

}  // namespace

constexpr const char* kRootPassword = "root-password-0123";

EtcdTestCluster::EtcdTestCluster(size_t members, EtcdTestSecurity security,
                                 int64_t quota_backend_bytes)
    : dir_(e2e::MakeTempDir("rtm-etcd")),
      security_(security),
      quota_backend_bytes_(quota_backend_bytes) {
  if (security_.tls) MakeCertificates();
  for (size_t i = 0; i < members; ++i) {
    Member member;
    member.name = "m" + std::to_string(i);
    member.client_port = e2e::FreeLoopbackPort();
    member.peer_port = e2e::FreeLoopbackPort();
    members_.push_back(std::move(member));
  }
  for (size_t i = 0; i < members; ++i) StartMember(i, true);
  const bool auth = security_.auth;
  security_.auth = false;  // not on yet: the first reads go without
  for (size_t i = 0; i < members; ++i) AwaitServing(i);
  if (auth) {
    EnableAuthentication();
    security_.auth = true;
    for (size_t i = 0; i < members; ++i) AwaitServing(i);
  }
}

void EtcdTestCluster::MakeCertificates() {
  const auto made = e2e::Shell("bash " + e2e::ShellQuote(RTM_TEST_PKI_SCRIPT) + " " +
                               e2e::ShellQuote(dir_) + " 'rtm etcd test CA' 2>&1");
  ASSERT_EQ(made.exit_code, 0) << made.output;
}

std::string EtcdTestCluster::EtcdctlFlags(size_t member) const {
  std::string flags = "--endpoints=" + std::string(security_.tls ? "https" : "http") +
                      "://127.0.0.1:" + std::to_string(members_[member].client_port);
  if (security_.tls) flags += " --cacert=" + e2e::ShellQuote(ca_file());
  if (security_.auth) flags += " --user=root:" + std::string(kRootPassword);
  return flags;
}

void EtcdTestCluster::EnableAuthentication() {
  const std::string etcdctl = "ETCDCTL_API=3 etcdctl " + EtcdctlFlags(0) + " ";
  for (const std::string& command :
       {"user add root:" + std::string(kRootPassword), std::string("user grant-role root root"),
        std::string("auth enable")}) {
    const auto done = e2e::Shell(etcdctl + command + " 2>&1");
    ASSERT_EQ(done.exit_code, 0) << "etcdctl " << command << ": " << done.output;
  }
}

etcd::ClientOptions EtcdTestCluster::client_options() const {
  etcd::ClientOptions options;
  if (security_.auth) {
    options.user = "root";
    options.password = kRootPassword;
  }
  return options;
}

EtcdTestCluster::~EtcdTestCluster() {
  for (Member& member : members_) {
    if (member.process) member.process->Kill();
  }
  e2e::RemoveTree(dir_);
}

void EtcdTestCluster::StartMember(size_t index, bool /*initial*/) {
  std::string cluster;
  for (const Member& member : members_) {
    if (!cluster.empty()) cluster += ",";
    cluster += member.name + "=" + PeerUrl(member.peer_port);
  }
  Member& member = members_[index];
  const std::string client_url =
      (security_.tls ? "https" : "http") + std::string("://127.0.0.1:") +
      std::to_string(member.client_port);
  // A restarted member finds its data directory and ignores the
  // --initial-* flags.
  const std::vector<std::string> argv = {
      kEtcdBinary,
      "--name", member.name,
      "--data-dir", dir_ + "/" + member.name,
      "--listen-client-urls", client_url,
      "--advertise-client-urls", client_url,
      "--listen-peer-urls", PeerUrl(member.peer_port),
      "--initial-advertise-peer-urls", PeerUrl(member.peer_port),
      "--initial-cluster", cluster,
      "--initial-cluster-state", "new",
      "--initial-cluster-token", "rtm-test",
      // Fast elections on loopback: a lost leader is replaced in ~1 s.
      "--heartbeat-interval", "50",
      "--election-timeout", "500",
      "--logger", "zap",
      "--log-level", "warn",
      "--auth-token", "simple",
      "--auth-token-ttl", std::to_string(security_.token_ttl_seconds)};
  std::vector<std::string> args = argv;
  if (quota_backend_bytes_ > 0) {
    args.push_back("--quota-backend-bytes=" + std::to_string(quota_backend_bytes_));
  }
  if (security_.tls) {
    for (const std::string& flag :
         {"--cert-file=" + dir_ + "/server.pem", "--key-file=" + dir_ + "/server.key"}) {
      args.push_back(flag);
    }
  }
  member.process = std::make_unique<e2e::ChildProcess>();
  member.process->Start(args, dir_ + "/" + member.name + ".log");
}

std::vector<HttpEndpoint> EtcdTestCluster::endpoints() const {
  std::vector<HttpEndpoint> all;
  for (size_t i = 0; i < members_.size(); ++i) all.push_back(endpoint(i));
  return all;
}

HttpEndpoint EtcdTestCluster::endpoint(size_t member) const {
  HttpEndpoint endpoint;
  endpoint.transport = HttpEndpoint::Transport::kTcp;
  endpoint.host = "127.0.0.1";
  endpoint.port = static_cast<uint16_t>(members_[member].client_port);
  endpoint.text = "127.0.0.1:" + std::to_string(members_[member].client_port);
  if (security_.tls) endpoint.tls = HttpTls{.ca_file = ca_file()};
  return endpoint;
}

std::string EtcdTestCluster::url() const {
  std::string url = security_.tls ? "etcd+https://" : "etcd://";
  for (size_t i = 0; i < members_.size(); ++i) {
    if (i > 0) url += ",";
    url += endpoint(i).text;
  }
  return url;
}

void EtcdTestCluster::Kill(size_t member) {
  if (members_[member].process) members_[member].process->Kill();
}

void EtcdTestCluster::Restart(size_t member) {
  Kill(member);
  StartMember(member, false);
  AwaitServing(member);
}

bool EtcdTestCluster::Serves(size_t member) const {
  etcd::ClientOptions options = client_options();
  options.call_timeout = 1s;
  options.connect_timeout = 500ms;
  etcd::Client client({endpoint(member)}, options);
  etcd::RangeRequest probe;
  probe.key = "/rtm-test-probe";
  return client.Range(probe).has_value();
}

std::optional<size_t> EtcdTestCluster::LeaderMember() const {
  // /v3/maintenance/status: {"header": {"member_id": ...}, "leader": ...}.
  std::map<std::string, size_t> by_id;
  std::string leader;
  for (size_t i = 0; i < members_.size(); ++i) {
    if (!members_[i].process || !members_[i].process->running()) continue;
    const auto reply = e2e::Shell(
        "curl -s --max-time 2 -X POST -d '{}' " +
        (security_.tls ? "--cacert " + e2e::ShellQuote(ca_file()) + " https" : std::string("http")) +
        "://127.0.0.1:" + std::to_string(members_[i].client_port) + "/v3/maintenance/status");
    const e2e::Json status = e2e::Json::parse(reply.output, nullptr, false);
    if (!status.is_object() || !status.contains("header")) continue;
    by_id[status["header"].value("member_id", "")] = i;
    if (status.value("leader", "") != "") leader = status.value("leader", "");
  }
  auto found = by_id.find(leader);
  if (found == by_id.end()) return std::nullopt;
  return found->second;
}

void EtcdTestCluster::AwaitServing(size_t member) const {
  const bool serving =
      e2e::WaitFor([&] { return Serves(member); }, 30s, 100ms);
  ASSERT_TRUE(serving) << "etcd member " << members_[member].name
                       << " did not serve within 30 s; see " << dir_ << "/"
                       << members_[member].name << ".log";
}

EtcdTestCluster& SharedEtcd() {
  static EtcdTestCluster cluster(1);
  return cluster;
}

EtcdTestCluster& SharedSecureEtcd() {
  static EtcdTestCluster cluster(1, EtcdTestSecurity{.tls = true, .auth = true});
  return cluster;
}

std::string UniqueEtcdPrefix(const std::string& tag) {
  static std::atomic<int> used{0};
  return "/" + tag + "-" + std::to_string(++used) + "/";
}

}  // namespace rtm
