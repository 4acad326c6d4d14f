// Time values used across the core. Wall-clock timestamps are UTC and are
// written RFC 3339 with millisecond precision ("2026-11-25T02:04:34.123Z").
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "reconcile/domain/error.h"

namespace rtm {

using Timestamp = std::chrono::time_point<std::chrono::system_clock,
                                          std::chrono::milliseconds>;
using Duration = std::chrono::milliseconds;

std::string FormatRfc3339(Timestamp at);
// Accepts the form FormatRfc3339 writes ("YYYY-MM-DDTHH:MM:SS[.fff]Z").
std::optional<Timestamp> ParseRfc3339(std::string_view text);

// A duration the way people read it, in whole seconds and at most two
// units: "0s", "45s", "3m12s", "2h5m", "3d4h". Negative counts as 0s.
std::string FormatDuration(Duration duration);

// "250ms", "5s", "5m", "1h", and sums like "1m30s" (flags, manifests).
// Rejects negatives, missing units and unknown units with a message naming
// the text.
Expected<Duration> ParseDuration(std::string_view text);

}  // namespace rtm
