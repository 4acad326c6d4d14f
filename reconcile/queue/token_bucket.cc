#include "reconcile/queue/token_bucket.h"

#include <algorithm>
#include <cmath>

namespace rtm {
namespace {

constexpr double kRoundingSlackMs = 1e-6;
constexpr double kLongestWaitMs = 1e15;

}  // namespace

TokenBucket::TokenBucket(Clock& clock, double rate_per_second, int burst)
    : clock_(clock),
      rate_per_second_(rate_per_second),
      burst_(std::max(burst, 1)),
      tokens_(burst_),
      refilled_at_(clock.Now()) {}

Duration TokenBucket::Reserve() {
  if (rate_per_second_ <= 0) return Duration::zero();
  std::lock_guard lock(mutex_);
  RefillLocked(clock_.Now());
  tokens_ -= 1;
  if (tokens_ >= 0) return Duration::zero();
  const double wait_ms =
      std::min(-tokens_ / rate_per_second_ * 1000.0, kLongestWaitMs);
  return Duration(static_cast<Duration::rep>(
      std::ceil(wait_ms - kRoundingSlackMs)));
}

void TokenBucket::RefillLocked(Timestamp now) {
  if (now <= refilled_at_) return;
  const double elapsed_seconds =
      std::chrono::duration<double>(now - refilled_at_).count();
  tokens_ = std::min(burst_, tokens_ + elapsed_seconds * rate_per_second_);
  refilled_at_ = now;
}

}  // namespace rtm
