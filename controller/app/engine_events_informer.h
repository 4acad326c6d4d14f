#pragma once

#include <functional>
#include <string>

#include "controller/app/stoppable_thread.h"
#include "reconcile/ports/clock.h"
#include "reconcile/ports/container_engine.h"
#include "reconcile/ports/logger.h"

namespace rtm {

struct EngineEventsOptions {
  // This controller's network: its games' containers carry its label, and
  // the network is ensured whenever the engine (re)connects.
  std::string network = "rtmanager";
  // Backoff of the reconnect after the engine went away.
  Duration reconnect_base = std::chrono::milliseconds(250);
  Duration reconnect_cap = std::chrono::seconds(30);
};

// The informer of the engine's container events (docs/contract.md §3):
// watches the events of this controller's containers and reports each one
// that can change a decision (die, stop, destroy, start, oom,
// health_status) as (game, arrival): when the event reached this
// controller, on its own clock. The engine's stamp is not used: a tcp://
// engine may be another host whose clock is off, and an event received
// before an observation began describes a change that observation saw
// (reconcile/queue/trigger_ledger.h). When the stream breaks it
// reconnects with backoff and then reports a relist: anything may have
// happened while it was down. One thread, from Start to Stop.
class EngineEventsInformer {
 public:
  struct Handlers {
    std::function<void(const std::string& game, Timestamp at)> on_event;
    std::function<void()> on_relist;
  };

  EngineEventsInformer(ContainerEngine& engine, Logger& logger, Clock& clock,
                       EngineEventsOptions options, Handlers handlers);
  ~EngineEventsInformer();

  EngineEventsInformer(const EngineEventsInformer&) = delete;
  EngineEventsInformer& operator=(const EngineEventsInformer&) = delete;

  void Start();
  // Returns within the stream's poll interval (500 ms) or the current
  // reconnect wait; idempotent.
  void Stop();

 private:
  void Run();

  ContainerEngine& engine_;
  Logger& logger_;
  Clock& clock_;
  EngineEventsOptions options_;
  Handlers handlers_;
  StoppableThread thread_;
};

}  // namespace rtm
