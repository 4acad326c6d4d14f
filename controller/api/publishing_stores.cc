#include "controller/api/publishing_stores.h"

#include "controller/api/runtime_json.h"

namespace rtm {
namespace {

// A runtime is gone for watchers once its document is deleted and the
// controller reported it removed.
void PublishObject(WatchHub& hub, const DesiredRuntime& desired,
                   const std::optional<RuntimeStatusView>& status) {
  const bool gone = desired.deleted && status && status->phase == Phase::kRemoved;
  hub.Publish(desired.name, gone, GameRuntimeJson(desired, status).dump());
}

}  // namespace

Expected<void> PublishingDesiredStateStore::Put(const DesiredRuntime& runtime) {
  if (auto written = desired_.Put(runtime); !written) return written;
  auto status = statuses_.Get(runtime.name);
  PublishObject(hub_, runtime,
                status ? std::optional(std::move(*status)) : std::nullopt);
  return {};
}

Expected<void> PublishingStatusStore::Put(std::string_view name,
                                          const RuntimeStatusView& status) {
  if (auto written = statuses_.Put(name, status); !written) return written;
  if (auto desired = desired_.Get(name)) PublishObject(hub_, *desired, status);
  return {};
}

}  // namespace rtm
