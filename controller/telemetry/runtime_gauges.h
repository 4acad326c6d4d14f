#pragma once

#include <cstddef>

#include "controller/telemetry/prometheus_telemetry.h"
#include "reconcile/domain/error.h"
#include "reconcile/ports/desired_state_store.h"
#include "reconcile/ports/store_health.h"

namespace rtm {

// The gauges read at scrape time: the work queue's depth,
// rtmanager_runtimes{phase}, the declared runtimes (tombstones included)
// by the phase of their status (one not reconciled yet counts as Pending),
// and whether the store takes writes. A store that cannot be read is an
// error (the scrape fails), never zero runtimes.
Expected<PrometheusTelemetry::Gauges> CollectRuntimeGauges(
    size_t workqueue_depth, DesiredStateStore& desired, StatusStore& statuses,
    StoreHealth& store_health);

}  // namespace rtm
