#include "controller/app/restart_scheduler.h"

#include <algorithm>

namespace rtm {

RestartScheduler::RestartScheduler(ScheduledRestarts& restarts, Clock& clock)
    : restarts_(restarts), clock_(clock) {}

RestartScheduler::~RestartScheduler() { Stop(); }

void RestartScheduler::Start() { thread_ = std::thread([this] { Loop(); }); }

void RestartScheduler::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void RestartScheduler::Kick() {
  {
    std::lock_guard lock(mutex_);
    kicked_ = true;
  }
  wake_.notify_all();
}

void RestartScheduler::Loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    kicked_ = false;
    lock.unlock();
    const Timestamp next = restarts_.RunDue();
    lock.lock();
    // The clock is injected; the wait is on the steady clock for the same
    // span, checked again against the injected clock by RunDue.
    const Duration wait = std::max(next - clock_.Now(), Duration{0});
    wake_.wait_for(lock, wait, [this] { return stopping_ || kicked_; });
  }
}

}  // namespace rtm
