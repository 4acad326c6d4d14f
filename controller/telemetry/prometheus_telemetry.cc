#include "controller/telemetry/prometheus_telemetry.h"

#include <charconv>
#include <chrono>

namespace rtm {
namespace {

double Seconds(Duration duration) {
  return std::chrono::duration<double>(duration).count();
}

// The shortest text that reads back as `value` ("0.005", not
// "0.0050000000000000001"): Prometheus matches `le` labels as text.
std::string FormatNumber(double value) {
  char text[32];
  auto [end, error] = std::to_chars(text, text + sizeof text, value);
  return error == std::errc() ? std::string(text, end) : "NaN";
}

}  // namespace

void Histogram::Observe(double seconds) {
  for (size_t i = 0; i < kBounds.size(); ++i) {
    if (seconds <= kBounds[i]) ++buckets_[i];
  }
  ++count_;
  sum_ += seconds;
}

void Histogram::Render(std::string& out, const std::string& name,
                       const std::string& labels) const {
  const std::string sep = labels.empty() ? "" : ",";
  for (size_t i = 0; i < kBounds.size(); ++i) {
    out += name + "_bucket{" + labels + sep + "le=\"" +
           FormatNumber(kBounds[i]) + "\"} " + std::to_string(buckets_[i]) +
           "\n";
  }
  out += name + "_bucket{" + labels + sep + "le=\"+Inf\"} " +
         std::to_string(count_) + "\n";
  const std::string braces = labels.empty() ? "" : "{" + labels + "}";
  out += name + "_sum" + braces + " " + FormatNumber(sum_) + "\n";
  out += name + "_count" + braces + " " + std::to_string(count_) + "\n";
}

void PrometheusTelemetry::RecordLeaseAcquireLatency(Duration latency) {
  std::lock_guard lock(mutex_);
  lease_acquire_.Observe(Seconds(latency));
}

void PrometheusTelemetry::RecordOperation(OpKind kind, Outcome outcome,
                                          std::optional<ErrorCode> error_code,
                                          Duration duration) {
  std::lock_guard lock(mutex_);
  ++operations_[{kind, outcome,
                 error_code ? std::string(ToString(*error_code)) : ""}];
  operation_durations_[kind].Observe(Seconds(duration));
}

void PrometheusTelemetry::RecordReconcile(std::string_view result) {
  std::lock_guard lock(mutex_);
  auto found = reconciles_.find(result);
  if (found == reconciles_.end()) {
    reconciles_.emplace(std::string(result), 1);
  } else {
    ++found->second;
  }
}

void PrometheusTelemetry::RecordDockerRequest(std::string_view code) {
  std::lock_guard lock(mutex_);
  auto found = docker_requests_.find(code);
  if (found == docker_requests_.end()) {
    docker_requests_.emplace(std::string(code), 1);
  } else {
    ++found->second;
  }
}

std::string PrometheusTelemetry::RenderPrometheus(const Gauges& gauges) const {
  std::lock_guard lock(mutex_);
  std::string out;
  out +=
      "# HELP rtmanager_operations_total Lifecycle operations by kind, "
      "outcome and stable error code.\n"
      "# TYPE rtmanager_operations_total counter\n";
  for (const auto& [key, count] : operations_) {
    const auto& [kind, outcome, code] = key;
    out += "rtmanager_operations_total{op_kind=\"" +
           std::string(ToString(kind)) + "\",outcome=\"" +
           std::string(ToString(outcome)) + "\",error_code=\"" + code +
           "\"} " + std::to_string(count) + "\n";
  }
  out +=
      "# HELP rtmanager_operation_duration_seconds Lifecycle operation "
      "duration.\n"
      "# TYPE rtmanager_operation_duration_seconds histogram\n";
  for (const auto& [kind, histogram] : operation_durations_) {
    histogram.Render(out, "rtmanager_operation_duration_seconds",
                     "op_kind=\"" + std::string(ToString(kind)) + "\"");
  }
  out +=
      "# HELP rtmanager_lease_acquire_duration_seconds Per-game lease "
      "acquire latency.\n"
      "# TYPE rtmanager_lease_acquire_duration_seconds histogram\n";
  lease_acquire_.Render(out, "rtmanager_lease_acquire_duration_seconds", "");
  out +=
      "# HELP rtmanager_reconcile_total Reconciles by result.\n"
      "# TYPE rtmanager_reconcile_total counter\n";
  for (const auto& [result, count] : reconciles_) {
    out += "rtmanager_reconcile_total{result=\"" + result + "\"} " +
           std::to_string(count) + "\n";
  }
  out +=
      "# HELP rtmanager_docker_requests_total Docker Engine API requests by "
      "HTTP status (error: no answer).\n"
      "# TYPE rtmanager_docker_requests_total counter\n";
  for (const auto& [code, count] : docker_requests_) {
    out += "rtmanager_docker_requests_total{code=\"" + code + "\"} " +
           std::to_string(count) + "\n";
  }
  out +=
      "# HELP rtmanager_workqueue_depth Games waiting in the work queue.\n"
      "# TYPE rtmanager_workqueue_depth gauge\n"
      "rtmanager_workqueue_depth " + std::to_string(gauges.workqueue_depth) + "\n";
  out +=
      "# HELP rtmanager_runtimes Declared runtimes by status phase.\n"
      "# TYPE rtmanager_runtimes gauge\n";
  for (const auto& [phase, count] : gauges.runtimes_by_phase) {
    out += "rtmanager_runtimes{phase=\"" + phase + "\"} " +
           std::to_string(count) + "\n";
  }
  out +=
      "# HELP rtmanager_store_writable 1 while the store takes writes; 0 from a write "
      "that failed (a full disk, etcd out of reach or over its quota) until one succeeds.\n"
      "# TYPE rtmanager_store_writable gauge\n"
      "rtmanager_store_writable " + std::string(gauges.store_writable ? "1" : "0") + "\n";
  return out;
}

}  // namespace rtm
