#include "controller/telemetry/runtime_gauges.h"

#include <string>

namespace rtm {

Expected<PrometheusTelemetry::Gauges> CollectRuntimeGauges(
    size_t workqueue_depth, DesiredStateStore& desired, StatusStore& statuses,
    StoreHealth& store_health) {
  PrometheusTelemetry::Gauges gauges;
  gauges.workqueue_depth = workqueue_depth;
  gauges.store_writable = store_health.Writable().has_value();
  auto declared = desired.List();
  if (!declared) return std::unexpected(declared.error());
  auto reported = statuses.List();  // one read, not one per runtime
  if (!reported) return std::unexpected(reported.error());
  for (const DesiredRuntime& runtime : *declared) {
    auto status = reported->find(runtime.name);
    ++gauges.runtimes_by_phase[std::string(ToString(
        status != reported->end() ? status->second.phase : Phase::kPending))];
  }
  return gauges;
}

}  // namespace rtm
