#include "controller/api/engine_readiness.h"

#include <string>

namespace rtm {

EngineReadiness::EngineReadiness(ContainerEngine& engine, Clock& clock, Duration max_wait)
    : engine_(engine), clock_(clock), max_wait_(max_wait) {}

EngineReadiness::~EngineReadiness() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wanted_.notify_all();
  if (prober_.joinable()) prober_.join();
}

Expected<void> EngineReadiness::Check() {
  std::unique_lock lock(mutex_);
  if (answer_ && clock_.Now() - answered_at_ < kFresh) return *answer_;
  if (!probing_since_) {
    probing_since_ = clock_.Now();
    if (!prober_.joinable()) prober_ = std::thread([this] { ProbeLoop(); });
    wanted_.notify_one();
  }
  const uint64_t before = answers_;
  answered_.wait_for(lock, max_wait_, [&] { return answers_ != before; });
  if (answers_ != before) return *answer_;
  const auto waiting = std::chrono::duration_cast<std::chrono::milliseconds>(
      clock_.Now() - probing_since_.value_or(clock_.Now()));
  return Fail(ErrorCode::kServiceUnavailable,
              "docker: no answer for " + std::to_string(waiting.count()) + " ms");
}

void EngineReadiness::ProbeLoop() {
  std::unique_lock lock(mutex_);
  while (true) {
    wanted_.wait(lock, [&] { return stopping_ || probing_since_.has_value(); });
    if (stopping_) return;
    lock.unlock();
    auto version = engine_.Version();
    Expected<void> answer;
    if (!version) {
      answer = Fail(ErrorCode::kServiceUnavailable, "docker: " + version.error().message);
    }
    lock.lock();
    answer_ = std::move(answer);
    answered_at_ = clock_.Now();
    ++answers_;
    probing_since_.reset();
    answered_.notify_all();
  }
}

}  // namespace rtm
