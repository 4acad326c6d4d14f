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

}  // namespace rtm
