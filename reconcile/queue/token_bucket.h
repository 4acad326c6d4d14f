#pragma once

#include <mutex>

#include "reconcile/domain/time.h"
#include "reconcile/ports/clock.h"

namespace rtm {

// A token bucket limiting an event rate (the global limit on lifecycle
// operations, --max-ops-per-second), after golang.org/x/time/rate.
//
// The bucket holds at most `burst` tokens, starts full and refills at
// rate_per_second. Reserve always succeeds: it takes a token now, letting the
// bucket go into debt, and tells the caller how long to wait before acting,
// so successive reservations are spaced 1/rate apart once the burst is spent.
// rate_per_second <= 0 means unlimited. A burst below 1 counts as 1.
//
// Time is read only from the injected clock. Thread-safe; the clock must
// outlive the bucket.
class TokenBucket {
 public:
  TokenBucket(Clock& clock, double rate_per_second, int burst);

  TokenBucket(const TokenBucket&) = delete;
  TokenBucket& operator=(const TokenBucket&) = delete;

  // Takes one token and returns how long from now the caller must wait
  // before acting (rounded up to whole milliseconds); zero when a token was
  // available now, always zero when unlimited.
  Duration Reserve();

 private:
  void RefillLocked(Timestamp now);

  Clock& clock_;
  const double rate_per_second_;
  const double burst_;

  std::mutex mutex_;
  double tokens_;
  Timestamp refilled_at_;
};

}  // namespace rtm
