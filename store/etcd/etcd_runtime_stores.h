// The etcd backend of the desired-state, status and runtime-record ports
// (reconcile/ports/desired_state_store.h, runtime_record_store.h): one key
// per value (store/etcd/etcd_keys.h), its etcd mod_revision as the
// value's revision, every write one transaction guarded by that revision.
// Errors: kServiceUnavailable when etcd does not answer in time (a write's
// outcome may then be unknown: re-read before deciding again).
#pragma once

#include <string_view>
#include <vector>

#include "reconcile/ports/desired_state_store.h"
#include "reconcile/ports/runtime_record_store.h"
#include "store/etcd/etcd_change_feed.h"
#include "store/etcd/etcd_client.h"
#include "store/etcd/etcd_cluster.h"
#include "store/etcd/etcd_keys.h"

namespace rtm {

class EtcdDesiredStateStore : public DesiredStateStore {
 public:
  // Every successful Put is noted in `feed` (read-your-writes).
  EtcdDesiredStateStore(etcd::Client& client, const EtcdKeys& keys,
                        EtcdChangeFeed& feed);

  Expected<DesiredRuntime> Get(std::string_view name) override;
  Expected<std::vector<DesiredRuntime>> List() override;
  Expected<uint64_t> Put(const DesiredRuntime& runtime) override;

 private:
  etcd::Client& client_;
  const EtcdKeys& keys_;
  EtcdChangeFeed& feed_;
};

class EtcdStatusStore : public StatusStore {
 public:
  // With `fence` (cluster mode), every Put also compares the game's
  // assignment to the token this node acts under (EtcdCluster::StatusGuard).
  EtcdStatusStore(etcd::Client& client, const EtcdKeys& keys,
                  EtcdChangeFeed& feed, EtcdCluster* fence = nullptr);

  Expected<RuntimeStatusView> Get(std::string_view name) override;
  Expected<std::map<std::string, RuntimeStatusView>> List() override;
  Expected<uint64_t> Put(std::string_view name,
                         const RuntimeStatusView& status) override;

 private:
  etcd::Client& client_;
  const EtcdKeys& keys_;
  EtcdChangeFeed& feed_;
  EtcdCluster* fence_;
};

class EtcdRuntimeRecordStore : public RuntimeRecordStore {
 public:
  EtcdRuntimeRecordStore(etcd::Client& client, const EtcdKeys& keys);

  Expected<RuntimeRecord> Get(std::string_view game_id) override;
  Expected<uint64_t> Upsert(const RuntimeRecord& record) override;
  Expected<std::vector<RuntimeRecord>> List() override;

 private:
  etcd::Client& client_;
  const EtcdKeys& keys_;
};

}  // namespace rtm
