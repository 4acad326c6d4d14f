#pragma once

#include "reconcile/ports/clock.h"

namespace rtm {

class SystemClock : public Clock {
 public:
  Timestamp Now() override {
    return std::chrono::time_point_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now());
  }
};

}  // namespace rtm
