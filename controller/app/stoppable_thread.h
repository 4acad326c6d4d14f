#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "reconcile/domain/time.h"

namespace rtm {

// One background thread that runs a loop until Stop: the loop polls
// Stopping() and waits with WaitUnlessStopping, which Stop interrupts.
// Stop is idempotent and joins; the destructor stops.
class StoppableThread {
 public:
  StoppableThread() = default;
  ~StoppableThread() { Stop(); }

  StoppableThread(const StoppableThread&) = delete;
  StoppableThread& operator=(const StoppableThread&) = delete;

  void Start(std::function<void()> loop) { thread_ = std::thread(std::move(loop)); }

  // Tells the loop to stop (Stopping() is true from now on) without
  // waiting for it.
  void RequestStop() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    stop_signal_.notify_all();
  }

  void Stop() {
    RequestStop();
    if (thread_.joinable()) thread_.join();
  }

  bool Stopping() {
    std::lock_guard lock(mutex_);
    return stopping_;
  }

  // Waits `delay` or until Stop; false when stopping.
  bool WaitUnlessStopping(Duration delay) {
    std::unique_lock lock(mutex_);
    return !stop_signal_.wait_for(lock, delay, [this] { return stopping_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable stop_signal_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace rtm
