#pragma once

#include <cstdint>
#include <functional>

#include "controller/app/stoppable_thread.h"
#include "reconcile/ports/change_feed.h"
#include "reconcile/ports/logger.h"

namespace rtm {

// Follows the store's change feed (reconcile/ports/change_feed.h) and
// reports every change of a desired object, whoever wrote it, in commit
// order. When the feed lost history it goes on from the feed's revision
// then and reports a relist (the caller lists again: nothing up to that
// revision is missed). One thread, from Start to Stop.
class ChangeFeedInformer {
 public:
  struct Handlers {
    std::function<void(const DesiredRuntime& desired)> on_desired;
    std::function<void()> on_relist;
  };

  ChangeFeedInformer(ChangeFeed& changes, Logger& logger, Handlers handlers);
  ~ChangeFeedInformer();

  ChangeFeedInformer(const ChangeFeedInformer&) = delete;
  ChangeFeedInformer& operator=(const ChangeFeedInformer&) = delete;

  // Reports the changes after `after`.
  void Start(uint64_t after);
  // Wakes the feed's waiters and joins the thread; idempotent.
  void Stop();

 private:
  void Run(uint64_t after);

  ChangeFeed& changes_;
  Logger& logger_;
  Handlers handlers_;
  StoppableThread thread_;
};

}  // namespace rtm
