// Whether the engine answers, for GET /readyz, without an engine call on
// the request's thread: a hung engine would otherwise hold each probe for
// the whole engine call timeout (10 s), past any prober's own timeout
// (docs/reliability.md "Hanging engine").
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <thread>

#include "reconcile/domain/error.h"
#include "reconcile/ports/clock.h"
#include "reconcile/ports/container_engine.h"

namespace rtm {

// A probe thread (started at the first Check) asks the engine for its
// version when a caller wants a fresh answer, one probe at a time. Check:
//   - the newest answer younger than kFresh → that answer, at once;
//   - else a probe is asked for (or already running), and Check waits for
//     its answer at most `max_wait`; past that → kServiceUnavailable
//     "docker: no answer for N ms" (N: how long the probe has waited).
// Cheap when idle: no probe runs unless someone asks. Thread-safe.
class EngineReadiness {
 public:
  static constexpr Duration kFresh = std::chrono::seconds(1);

  EngineReadiness(ContainerEngine& engine, Clock& clock,
                  Duration max_wait = std::chrono::seconds(1));
  // Waits for a probe in flight (bounded by the engine's call timeout).
  ~EngineReadiness();
  EngineReadiness(const EngineReadiness&) = delete;
  EngineReadiness& operator=(const EngineReadiness&) = delete;

  Expected<void> Check();

 private:
  void ProbeLoop();

  ContainerEngine& engine_;
  Clock& clock_;
  const Duration max_wait_;
  std::mutex mutex_;
  std::condition_variable wanted_;    // a probe is asked for, or stopping
  std::condition_variable answered_;  // a probe finished
  std::optional<Expected<void>> answer_;  // the newest finished probe's
  Timestamp answered_at_{};
  uint64_t answers_ = 0;
  std::optional<Timestamp> probing_since_;  // asked for or in flight
  bool stopping_ = false;
  std::thread prober_;  // from the first Check
};

}  // namespace rtm
