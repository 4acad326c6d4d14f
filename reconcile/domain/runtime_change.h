// A committed change of a runtime, as the change feed
// (reconcile/ports/change_feed.h) delivers it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "reconcile/domain/game_runtime.h"

namespace rtm {

enum class ChangeType { kAdded, kModified, kDeleted };
std::string_view ToString(ChangeType type);  // "ADDED" | "MODIFIED" | "DELETED"

// Which half of a runtime a change wrote.
enum class RuntimePart { kDesired, kStatus };

// One committed write of a runtime's desired object or status, with the
// whole runtime as it stood at that revision. Its type, for a runtime
// before → after the write:
//   kDeleted  after is gone (RuntimeIsGone: deleted and reported Removed);
//   kAdded    else, when before had no desired object or was gone;
//   kModified otherwise.
// A status written for a name that has no desired object yet is kAdded
// with `desired` empty.
struct RuntimeChange {
  uint64_t revision = 0;
  ChangeType type = ChangeType::kModified;
  RuntimePart part = RuntimePart::kDesired;
  std::string name;
  // The halves as of `revision` (null: not stored). Immutable, so changes
  // of one runtime share the half they did not write.
  std::shared_ptr<const DesiredRuntime> desired;
  std::shared_ptr<const RuntimeStatusView> status;
};

// The type of a write that takes a runtime from `before` to `after` (see
// RuntimeChange); null pointers are halves that are not stored.
ChangeType ClassifyChange(const DesiredRuntime* before_desired,
                          const RuntimeStatusView* before_status,
                          const DesiredRuntime* after_desired,
                          const RuntimeStatusView* after_status);

}  // namespace rtm
