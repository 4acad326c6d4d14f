#pragma once

#include <cstddef>

#include "controller/telemetry/prometheus_telemetry.h"
#include "reconcile/domain/error.h"
#include "reconcile/ports/desired_state_store.h"

namespace rtm {

// The gauges read at scrape time: the work queue's depth and
// rtmanager_runtimes{phase}, the declared runtimes (tombstones included)
// by the phase of their status; one not reconciled yet counts as Pending.
// A store that cannot be read is an error (the scrape fails), never zero
// runtimes.
Expected<PrometheusTelemetry::Gauges> CollectRuntimeGauges(
    size_t workqueue_depth, DesiredStateStore& desired, StatusStore& statuses);

}  // namespace rtm
