// TimeZoneDatabase (reconcile/ports/time_zones.h) on Debian's date/tz
// (libhowardhinnant-date-dev), built to read the system's tz database
// (/usr/share/zoneinfo, package tzdata).
#pragma once

#include "reconcile/ports/time_zones.h"

namespace rtm {

class SystemTimeZones : public TimeZoneDatabase {
 public:
  // kInvalidRequest: `unknown time zone "Europe/Berln" (not in the tz
  // database)`; kInternal when the database cannot be read at all.
  Expected<std::shared_ptr<const TimeZone>> Locate(std::string_view name) override;
};

}  // namespace rtm
