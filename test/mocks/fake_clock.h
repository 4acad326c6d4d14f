#pragma once

#include <mutex>

#include "reconcile/ports/clock.h"

namespace rtm {

// A clock that stands still until a test moves it. Thread-safe.
class FakeClock : public Clock {
 public:
  explicit FakeClock(Timestamp start = Timestamp(std::chrono::hours(1)))
      : now_(start) {}

  Timestamp Now() override {
    std::lock_guard lock(mutex_);
    return now_;
  }

  void Advance(Duration by) {
    std::lock_guard lock(mutex_);
    now_ += by;
  }

  void Set(Timestamp to) {
    std::lock_guard lock(mutex_);
    now_ = to;
  }

 private:
  std::mutex mutex_;
  Timestamp now_;
};

}  // namespace rtm
