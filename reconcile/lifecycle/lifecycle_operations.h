#pragma once

#include "reconcile/lifecycle/remove_service.h"
#include "reconcile/lifecycle/restart_service.h"
#include "reconcile/lifecycle/start_service.h"
#include "reconcile/lifecycle/stop_service.h"
#include "reconcile/lifecycle/update_service.h"

namespace rtm {

// The lifecycle operations as the reconciler invokes them: each one takes
// the game's lease itself (the services' Handle entry points).
class LifecycleOperations {
 public:
  virtual ~LifecycleOperations() = default;
  virtual Expected<RuntimeRecord> Start(const StartInput& input) = 0;
  virtual Expected<RuntimeRecord> Stop(const StopInput& input) = 0;
  virtual Expected<RuntimeRecord> Restart(const RestartInput& input) = 0;
  virtual Expected<RuntimeRecord> Update(const UpdateInput& input) = 0;
  virtual Expected<RuntimeRecord> Remove(const RemoveInput& input) = 0;
};

// LifecycleOperations on the five services, which it owns.
class LifecycleServices : public LifecycleOperations {
 public:
  LifecycleServices(const LifecyclePorts& ports, const LifecycleConfig& config)
      : start_(ports, config),
        stop_(ports, config),
        restart_(ports, config, stop_, start_),
        update_(ports, config, stop_, start_),
        remove_(ports, config) {}

  Expected<RuntimeRecord> Start(const StartInput& input) override {
    return start_.Handle(input);
  }
  Expected<RuntimeRecord> Stop(const StopInput& input) override {
    return stop_.Handle(input);
  }
  Expected<RuntimeRecord> Restart(const RestartInput& input) override {
    return restart_.Handle(input);
  }
  Expected<RuntimeRecord> Update(const UpdateInput& input) override {
    return update_.Handle(input);
  }
  Expected<RuntimeRecord> Remove(const RemoveInput& input) override {
    return remove_.Handle(input);
  }

 private:
  StartService start_;
  StopService stop_;
  RestartService restart_;
  UpdateService update_;
  RemoveService remove_;
};

}  // namespace rtm
