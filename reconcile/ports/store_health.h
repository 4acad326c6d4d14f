// Whether the store takes writes now (docs/contract.md §6 /readyz, §8).
#pragma once

#include "reconcile/domain/error.h"

namespace rtm {

// A store that cannot write (a full disk under leveldb, an etcd over its
// space quota or out of reach) still serves reads, and the controller can
// then neither act nor record what it saw: a game's status cannot say so,
// since it lives in the same store. This port lets the controller's
// readiness and metrics say it instead.
class StoreHealth {
 public:
  virtual ~StoreHealth() = default;

  // Success until a write fails for the store's own reasons (not a
  // conditional write that lost, not an invalid request); from then on the
  // error of that failure (kServiceUnavailable or kInternal, its message
  // naming the store and the cause) until a write succeeds again. Does no
  // I/O of its own; thread-safe.
  virtual Expected<void> Writable() = 0;
};

}  // namespace rtm
