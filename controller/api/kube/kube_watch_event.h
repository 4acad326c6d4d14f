// The lines of a Kubernetes watch stream (docs/kubernetes-api.md): one
// {"type": ADDED|MODIFIED|DELETED|BOOKMARK|ERROR, "object": ...} per line,
// as client-go's and @kubernetes/client-node's watch decoders read them.
#pragma once

#include <cstdint>
#include <string>

#include "reconcile/domain/runtime_change.h"
#include "reconcile/domain/time.h"

namespace rtm::kube {

// The event of `change` with its object as RenderObject renders it; with
// `table`, the object is a Table holding its one row (the column
// definitions only when `column_definitions`). `change` must hold a
// desired object. No trailing newline.
std::string RenderWatchEvent(const RuntimeChange& change);
std::string RenderTableWatchEvent(const RuntimeChange& change,
                                  bool column_definitions, Timestamp now);

// A synthetic ADDED event of the object as it stands (a watch from
// resourceVersion "0"), in either form.
std::string RenderAddedEvent(const DesiredRuntime& desired,
                             const RuntimeStatusView* status);
std::string RenderAddedTableEvent(const DesiredRuntime& desired,
                                  const RuntimeStatusView* status,
                                  bool column_definitions, Timestamp now);

// BOOKMARK: an object carrying only metadata.resourceVersion.
std::string RenderBookmarkEvent(uint64_t revision);

// ERROR with a Status 410 Expired: the watch's resourceVersion is older
// than the retained history; the client lists again.
std::string RenderExpiredEvent(uint64_t since);

}  // namespace rtm::kube
