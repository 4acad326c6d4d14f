#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>

#include "reconcile/ports/clock.h"
#include "reconcile/schedule/scheduled_restarts.h"

namespace rtm {

// Runs ScheduledRestarts::RunDue on a thread of its own: again at the
// instant it asks for, or at once after Kick (a desired object with a
// schedule changed). Stop is idempotent; the destructor stops.
class RestartScheduler {
 public:
  RestartScheduler(ScheduledRestarts& restarts, Clock& clock);
  ~RestartScheduler();

  RestartScheduler(const RestartScheduler&) = delete;
  RestartScheduler& operator=(const RestartScheduler&) = delete;

  void Start();
  void Stop();
  void Kick();

 private:
  void Loop();

  ScheduledRestarts& restarts_;
  Clock& clock_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool kicked_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace rtm
