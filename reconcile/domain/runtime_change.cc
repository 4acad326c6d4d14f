#include "reconcile/domain/runtime_change.h"

namespace rtm {

std::string_view ToString(ChangeType type) {
  switch (type) {
    case ChangeType::kAdded:
      return "ADDED";
    case ChangeType::kModified:
      return "MODIFIED";
    case ChangeType::kDeleted:
      return "DELETED";
  }
  return "MODIFIED";
}

ChangeType ClassifyChange(const DesiredRuntime* before_desired,
                          const RuntimeStatusView* before_status,
                          const DesiredRuntime* after_desired,
                          const RuntimeStatusView* after_status) {
  if (RuntimeIsGone(after_desired, after_status)) return ChangeType::kDeleted;
  if (before_desired == nullptr ||
      RuntimeIsGone(before_desired, before_status)) {
    return ChangeType::kAdded;
  }
  return ChangeType::kModified;
}

}  // namespace rtm
