#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

#include "reconcile/ports/telemetry.h"

namespace rtm {

// A fixed-bucket histogram in Prometheus' cumulative form.
class Histogram {
 public:
  static constexpr std::array<double, 14> kBounds{
      0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1,
      0.25,   0.5,   1,     2.5,  5,     10,   30};

  void Observe(double seconds);
  // Appends the _bucket/_sum/_count lines of `name` with `labels`
  // ("" or `key="value",...`).
  void Render(std::string& out, const std::string& name,
              const std::string& labels) const;

 private:
  std::array<uint64_t, kBounds.size()> buckets_{};
  uint64_t count_ = 0;
  double sum_ = 0;
};

// The Telemetry port kept in memory and exposed in the Prometheus text
// format (docs/contract.md §9). Thread-safe.
class PrometheusTelemetry : public Telemetry {
 public:
  void RecordLeaseAcquireLatency(Duration latency) override;
  void RecordOperation(OpKind kind, Outcome outcome,
                       std::optional<ErrorCode> error_code,
                       Duration duration) override;

  void RecordReconcile(std::string_view result) override;
  // One request to the Docker engine; code is the HTTP status or "error".
  void RecordDockerRequest(std::string_view code);

  // Values read at scrape time.
  struct Gauges {
    size_t workqueue_depth = 0;
    std::map<std::string, size_t> runtimes_by_phase;
    bool store_writable = true;  // StoreHealth::Writable
  };
  // The exposition of every series recorded so far plus `gauges`.
  std::string RenderPrometheus(const Gauges& gauges) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::tuple<OpKind, Outcome, std::string>, uint64_t> operations_;
  std::map<OpKind, Histogram> operation_durations_;
  Histogram lease_acquire_;
  std::map<std::string, uint64_t, std::less<>> reconciles_;
  std::map<std::string, uint64_t, std::less<>> docker_requests_;
};

}  // namespace rtm
