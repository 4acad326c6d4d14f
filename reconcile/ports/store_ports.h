// Every store port one backend provides (docs/contract.md §8): the
// embedded leveldb (store/leveldb/leveldb_store.h) or etcd
// (store/etcd/etcd_store.h). The references stay valid as long as the
// backend that handed them out.
#pragma once

#include "reconcile/ports/change_feed.h"
#include "reconcile/ports/desired_state_store.h"
#include "reconcile/ports/game_lease_store.h"
#include "reconcile/ports/operation_log_store.h"
#include "reconcile/ports/runtime_record_store.h"
#include "reconcile/ports/store_health.h"

namespace rtm {

struct StorePorts {
  DesiredStateStore& desired;
  StatusStore& statuses;
  RuntimeRecordStore& records;
  OperationLogStore& operation_log;
  GameLeaseStore& leases;
  ChangeFeed& changes;
  StoreHealth& health;
};

}  // namespace rtm
