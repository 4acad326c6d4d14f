// Real etcd members (Debian etcd-server's /usr/bin/etcd) on loopback for
// tests: each member on ports that were free, data in a temp directory,
// log in <dir>/member-N.log. Members can be killed and restarted with
// their data. Everything is killed and removed on destruction.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "net/http_endpoint.h"
#include "store/etcd/etcd_client.h"
#include "test/e2e/e2e_support.h"

namespace rtm {

// How the members serve their clients.
struct EtcdTestSecurity {
  // HTTPS with a certificate for 127.0.0.1 from a CA made for the cluster
  // (openssl), in <dir>/ca.pem; peers stay on plain HTTP.
  bool tls = false;
  // etcd authentication on, with user root (role root) and password
  // "root-password-0123"; simple tokens live `token_ttl_seconds`.
  bool auth = false;
  int token_ttl_seconds = 300;
};

class EtcdTestCluster {
 public:
  // Starts `members` members and waits until the cluster serves a
  // linearizable read (fails the test otherwise). `quota_backend_bytes`
  // (0: etcd's default) is etcd's --quota-backend-bytes.
  explicit EtcdTestCluster(size_t members = 1, EtcdTestSecurity security = {},
                           int64_t quota_backend_bytes = 0);
  ~EtcdTestCluster();
  EtcdTestCluster(const EtcdTestCluster&) = delete;
  EtcdTestCluster& operator=(const EtcdTestCluster&) = delete;

  std::vector<HttpEndpoint> endpoints() const;
  HttpEndpoint endpoint(size_t member) const;
  // etcd://127.0.0.1:P1,127.0.0.1:P2,... (etcd+https:// with TLS)
  std::string url() const;
  // What a client needs: the user and password (auth), "" without.
  etcd::ClientOptions client_options() const;
  // The PEM of the CA that signed the members' certificates (TLS).
  std::string ca_file() const { return dir_ + "/ca.pem"; }
  // etcdctl's flags to reach `member` as root.
  std::string EtcdctlFlags(size_t member) const;

  void Kill(size_t member);
  void Restart(size_t member);  // with its data; waits until it serves

  // Whether the cluster's member answers a linearizable read (bounded).
  bool Serves(size_t member) const;

  // The member that leads the raft group now (asked of the live members),
  // nullopt when none answers with a leader.
  std::optional<size_t> LeaderMember() const;

 private:
  struct Member {
    std::string name;
    int client_port = 0;
    int peer_port = 0;
    std::unique_ptr<e2e::ChildProcess> process;
  };
  void StartMember(size_t member, bool initial);
  void AwaitServing(size_t member) const;
  void MakeCertificates();
  void EnableAuthentication();

  std::string dir_;
  EtcdTestSecurity security_;
  int64_t quota_backend_bytes_ = 0;
  std::vector<Member> members_;
};

// One single-member cluster per test process, started on first use (each
// ctest test is a process of its own; tests isolate by key prefix).
EtcdTestCluster& SharedEtcd();
// The same, over TLS with authentication.
EtcdTestCluster& SharedSecureEtcd();

// A key prefix no other test of this process uses: "/<tag>-<n>/".
std::string UniqueEtcdPrefix(const std::string& tag);

}  // namespace rtm
