// Time zones of the system's tz database, for spec.restartSchedule
// (reconcile/schedule/cron.h). Implemented on Debian's date/tz
// (controller/system/system_time_zones.h), which reads /usr/share/zoneinfo.
#pragma once

#include <chrono>
#include <memory>
#include <string_view>

#include "reconcile/domain/error.h"

namespace rtm {

using SysSeconds = std::chrono::sys_seconds;
using LocalSeconds = std::chrono::local_seconds;

// One zone's rules. Immutable; safe from several threads.
class TimeZone {
 public:
  virtual ~TimeZone() = default;

  // The wall-clock time the zone shows at `instant`.
  virtual LocalSeconds ToLocal(SysSeconds instant) const = 0;

  // The instants that show wall-clock time `local`: one; two when the
  // clocks went back over it (earliest first); none when they jumped over
  // it, when `skipped_to` is the instant the jump happened (the first
  // instant after the gap).
  struct Resolution {
    enum class Kind { kUnique, kAmbiguous, kNonexistent };
    Kind kind = Kind::kUnique;
    SysSeconds first{};   // kUnique, kAmbiguous
    SysSeconds second{};  // kAmbiguous
    SysSeconds skipped_to{};  // kNonexistent
  };
  virtual Resolution ToSys(LocalSeconds local) const = 0;
};

class TimeZoneDatabase {
 public:
  virtual ~TimeZoneDatabase() = default;

  // The zone of that IANA name ("Europe/Berlin", "UTC"); kInvalidRequest
  // naming it when the database has no such zone.
  virtual Expected<std::shared_ptr<const TimeZone>> Locate(
      std::string_view name) = 0;
};

}  // namespace rtm
