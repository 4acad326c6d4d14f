#include "reconcile/domain/runtime_record.h"

namespace rtm {

std::string_view ToString(RuntimeStatus status) {
  switch (status) {
    case RuntimeStatus::kRunning:
      return "running";
    case RuntimeStatus::kStopped:
      return "stopped";
    case RuntimeStatus::kRemoved:
      return "removed";
  }
  return "unknown";
}

std::optional<RuntimeStatus> ParseRuntimeStatus(std::string_view name) {
  if (name == "running") return RuntimeStatus::kRunning;
  if (name == "stopped") return RuntimeStatus::kStopped;
  if (name == "removed") return RuntimeStatus::kRemoved;
  return std::nullopt;
}

}  // namespace rtm
