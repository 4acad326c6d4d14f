// Cron expressions of spec.restartSchedule (docs/contract.md §2 "Scheduled
// restarts") and the next instant one fires in a time zone.
//
// Syntax: five fields "minute hour day-of-month month day-of-week", or six
// with a leading "second"; each field is `*`, a value, a range `a-b`, a step
// `*/n` or `a-b/n` or `a/n`, or a comma list of those. Months take JAN-DEC,
// days of week SUN-SAT (0 and 7 are Sunday), case-insensitive. The macros
// @yearly (@annually), @monthly, @weekly, @daily (@midnight) and @hourly
// stand for their five-field forms. As in Vixie cron, when both
// day-of-month and day-of-week are restricted (neither starts with `*`), a
// day matches when either does.
#pragma once

#include <bitset>
#include <optional>
#include <string>
#include <string_view>

#include "reconcile/domain/error.h"
#include "reconcile/ports/time_zones.h"

namespace rtm {

class CronExpression {
 public:
  // kInvalidRequest with a message that names the field and the problem,
  // e.g. "hour: 24 is out of range 0-23".
  static Expected<CronExpression> Parse(std::string_view text);

  // Whether the wall-clock time `local` (whole seconds) matches.
  bool Matches(LocalSeconds local) const;

  // The first wall-clock time after `local` that matches; nullopt when
  // none does within 8 years (e.g. "0 0 30 2 *").
  std::optional<LocalSeconds> NextMatch(LocalSeconds local) const;

  const std::string& text() const { return text_; }

 private:
  bool MatchesDay(LocalSeconds local) const;

  std::string text_;
  std::bitset<60> seconds_;
  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_;    // 1..31
  std::bitset<13> months_;  // 1..12
  std::bitset<7> weekdays_;  // 0 = Sunday
  bool days_restricted_ = false;
  bool weekdays_restricted_ = false;
};

// The first instant after `after` at which `cron` fires in `zone`. A
// wall-clock time the zone skips (clocks jumping forward over it) fires at
// the first instant after the jump; one it shows twice (clocks going back)
// fires once, at its first occurrence. nullopt when it never fires.
std::optional<SysSeconds> NextFire(const CronExpression& cron,
                                   const TimeZone& zone, SysSeconds after);

}  // namespace rtm
