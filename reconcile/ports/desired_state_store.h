#pragma once

#include <string_view>
#include <vector>

#include "reconcile/domain/error.h"
#include "reconcile/domain/game_runtime.h"

namespace rtm {

// The desired GameRuntime objects, one per name, written by the manifest
// sync and the REST API, read by the reconciler. Safe from several threads.
class DesiredStateStore {
 public:
  virtual ~DesiredStateStore() = default;

  // kNotFound when no object of that name was ever declared.
  virtual Expected<DesiredRuntime> Get(std::string_view name) = 0;
  // Every object (tombstones included), ordered by name.
  virtual Expected<std::vector<DesiredRuntime>> List() = 0;
  // Inserts or replaces; durable once it returns a value.
  virtual Expected<void> Put(const DesiredRuntime& runtime) = 0;
};

// The status the reconciler reports per runtime (DESIGN §5).
class StatusStore {
 public:
  virtual ~StatusStore() = default;

  // kNotFound before the first reconcile of `name`.
  virtual Expected<RuntimeStatusView> Get(std::string_view name) = 0;
  virtual Expected<void> Put(std::string_view name,
                             const RuntimeStatusView& status) = 0;
};

}  // namespace rtm
