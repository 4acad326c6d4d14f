#pragma once

#include "reconcile/domain/time.h"

namespace rtm {

// The wall clock, injected so that tests control time.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp Now() = 0;
};

}  // namespace rtm
