// The etcd backend of every store port, opened as one unit: the client of
// the cluster's endpoints, the change feed's watch, and the stores that
// share them (`rtmanager run --store etcd://HOST:PORT[,HOST:PORT...]
// --etcd-prefix /rtmanager/`; docs/contract.md §8).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "net/http_endpoint.h"
#include "reconcile/ports/change_feed.h"
#include "reconcile/ports/clock.h"
#include "reconcile/ports/desired_state_store.h"
#include "reconcile/ports/game_lease_store.h"
#include "reconcile/ports/operation_log_store.h"
#include "reconcile/ports/runtime_record_store.h"
#include "reconcile/ports/store_ports.h"
#include "store/etcd/etcd_change_feed.h"
#include "store/etcd/etcd_client.h"
#include "store/etcd/etcd_cluster.h"
#include "store/etcd/etcd_game_lease_store.h"
#include "store/etcd/etcd_keys.h"
#include "store/etcd/etcd_operation_log_store.h"
#include "store/etcd/etcd_runtime_stores.h"

namespace rtm {

struct EtcdStoreOptions {
  std::vector<HttpEndpoint> endpoints;  // not empty
  std::string prefix = std::string(kDefaultEtcdPrefix);
  // Cluster mode (docs/cluster.md): this process's node. Its records are
  // its own, its status writes are fenced by the games' assignments, and
  // cluster() is set. Empty: one host.
  std::string node;
  etcd::ClientOptions client;
  EtcdChangeFeedOptions feed;
};

// `etcd://host:port[,host:port...]` (port defaults to 2379) → the
// endpoints; `etcd+https://...` → the same over TLS (HttpEndpoint::tls
// set, verified against the system's CAs until the caller says
// otherwise); anything else is kInvalidRequest naming the value.
Expected<std::vector<HttpEndpoint>> ParseEtcdUrl(std::string_view url);

// A key prefix: starts with '/', gains a trailing '/' when it lacks one;
// empty, relative or containing NUL → kInvalidRequest.
Expected<std::string> ParseEtcdPrefix(std::string_view text);

// StoreHealth of the etcd backend: what the client saw of its last write
// (etcd::Client::Writable).
class EtcdStoreHealth final : public StoreHealth {
 public:
  explicit EtcdStoreHealth(etcd::Client& client) : client_(client) {}
  Expected<void> Writable() override { return client_.Writable(); }

 private:
  etcd::Client& client_;
};

class EtcdStore {
 public:
  // Reads the prefix once (an unreachable cluster is kServiceUnavailable
  // naming the endpoints) and starts the change feed's watch.
  static Expected<std::unique_ptr<EtcdStore>> Open(EtcdStoreOptions options,
                                                   Clock& clock);
  ~EtcdStore();

  DesiredStateStore& desired() { return desired_; }
  StatusStore& statuses() { return statuses_; }
  RuntimeRecordStore& records() { return records_; }
  OperationLogStore& operation_log() { return operation_log_; }
  GameLeaseStore& leases() { return leases_; }
  EtcdChangeFeed& changes() { return *feed_; }
  etcd::Client& client() { return *client_; }
  // Cluster mode only; null on one host.
  EtcdCluster* cluster() { return cluster_.get(); }
  StorePorts ports();
  const EtcdKeys& keys() const { return keys_; }

 private:
  EtcdStore(std::unique_ptr<etcd::Client> client, EtcdKeys keys,
            std::unique_ptr<EtcdChangeFeed> feed,
            std::unique_ptr<EtcdCluster> cluster, Clock& clock);

  std::unique_ptr<etcd::Client> client_;
  const EtcdKeys keys_;
  std::unique_ptr<EtcdChangeFeed> feed_;
  std::unique_ptr<EtcdCluster> cluster_;
  EtcdDesiredStateStore desired_;
  EtcdStatusStore statuses_;
  EtcdRuntimeRecordStore records_;
  EtcdOperationLogStore operation_log_;
  EtcdGameLeaseStore leases_;
  EtcdStoreHealth health_;
};

}  // namespace rtm
