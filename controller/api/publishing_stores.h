#pragma once

#include "controller/api/watch_hub.h"
#include "reconcile/ports/desired_state_store.h"

namespace rtm {

// Decorators of the desired-state and status ports that publish every
// successful Put of a runtime's desired object or status to the WatchHub as
// the whole GameRuntime object. Reads pass through.
class PublishingDesiredStateStore : public DesiredStateStore {
 public:
  PublishingDesiredStateStore(DesiredStateStore& desired,
                              StatusStore& statuses, WatchHub& hub)
      : desired_(desired), statuses_(statuses), hub_(hub) {}

  Expected<DesiredRuntime> Get(std::string_view name) override {
    return desired_.Get(name);
  }
  Expected<std::vector<DesiredRuntime>> List() override {
    return desired_.List();
  }
  Expected<void> Put(const DesiredRuntime& runtime) override;

 private:
  DesiredStateStore& desired_;
  StatusStore& statuses_;
  WatchHub& hub_;
};

class PublishingStatusStore : public StatusStore {
 public:
  PublishingStatusStore(StatusStore& statuses, DesiredStateStore& desired,
                        WatchHub& hub)
      : statuses_(statuses), desired_(desired), hub_(hub) {}

  Expected<RuntimeStatusView> Get(std::string_view name) override {
    return statuses_.Get(name);
  }
  Expected<void> Put(std::string_view name,
                     const RuntimeStatusView& status) override;

 private:
  StatusStore& statuses_;
  DesiredStateStore& desired_;
  WatchHub& hub_;
};

}  // namespace rtm
