#include "controller/telemetry/runtime_gauges.h"

#include <string>

namespace rtm {

Expected<PrometheusTelemetry::Gauges> CollectRuntimeGauges(
    size_t workqueue_depth, DesiredStateStore& desired, StatusStore& statuses) {
  PrometheusTelemetry::Gauges gauges;
  gauges.workqueue_depth = workqueue_depth;
  auto declared = desired.List();
  if (!declared) return std::unexpected(declared.error());
  for (const DesiredRuntime& runtime : *declared) {
    auto status = statuses.Get(runtime.name);
    if (!status && status.error().code != ErrorCode::kNotFound) {
      return std::unexpected(status.error());
    }
    ++gauges.runtimes_by_phase[std::string(
        ToString(status ? status->phase : Phase::kPending))];
  }
  return gauges;
}

}  // namespace rtm
