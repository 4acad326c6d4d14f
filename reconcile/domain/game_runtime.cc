#include "reconcile/domain/game_runtime.h"

namespace rtm {

std::string_view ToString(Phase phase) {
  switch (phase) {
    case Phase::kPending:
      return "Pending";
    case Phase::kRunning:
      return "Running";
    case Phase::kStopped:
      return "Stopped";
    case Phase::kFailed:
      return "Failed";
    case Phase::kRemoved:
      return "Removed";
    case Phase::kUnknown:
      return "Unknown";
  }
  return "Pending";
}

std::string_view ToString(ConditionStatus status) {
  switch (status) {
    case ConditionStatus::kTrue:
      return "True";
    case ConditionStatus::kFalse:
      return "False";
    case ConditionStatus::kUnknown:
      return "Unknown";
  }
  return "Unknown";
}

bool RuntimeIsGone(const DesiredRuntime* desired,
                   const RuntimeStatusView* status) {
  return desired != nullptr && desired->deleted && status != nullptr &&
         status->phase == Phase::kRemoved;
}

}  // namespace rtm
