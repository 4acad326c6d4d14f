#include "reconcile/schedule/cron.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <vector>

namespace rtm {
namespace {

using namespace std::chrono;

struct FieldRule {
  std::string_view name;
  int min;
  int max;
  const std::array<std::string_view, 12>* names = nullptr;  // names[i] = min + i
};

constexpr std::array<std::string_view, 12> kMonthNames{
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN",
    "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr std::array<std::string_view, 12> kWeekdayNames{
    "SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT", "", "", "", "", ""};

Expected<void> Invalid(const FieldRule& rule, const std::string& problem) {
  return Fail(ErrorCode::kInvalidRequest,
              std::string(rule.name) + ": " + problem);
}

Expected<int> ReadValue(const FieldRule& rule, std::string_view text) {
  if (rule.names != nullptr) {
    std::string upper(text);
    std::transform(upper.begin(), upper.end(), upper.begin(),
                   [](unsigned char c) { return std::toupper(c); });
    for (size_t i = 0; i < rule.names->size(); ++i) {
      if (!(*rule.names)[i].empty() && (*rule.names)[i] == upper) {
        return rule.min + static_cast<int>(i);
      }
    }
  }
  int value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
    return std::unexpected(Error{ErrorCode::kInvalidRequest,
                                 std::string(rule.name) + ": \"" + std::string(text) +
                                     "\" is not a number"});
  }
  // Sunday may be written 7.
  const int max = rule.name == "day-of-week" ? 7 : rule.max;
  if (value < rule.min || value > max) {
    return std::unexpected(Error{
        ErrorCode::kInvalidRequest,
        std::string(rule.name) + ": " + std::to_string(value) + " is out of range " +
            std::to_string(rule.min) + "-" + std::to_string(max)});
  }
  return value;
}

// One field into `bits` (index = value); `restricted`: it is not `*...`.
template <size_t N>
Expected<void> ParseField(const FieldRule& rule, std::string_view text,
                          std::bitset<N>& bits, bool* restricted = nullptr) {
  if (restricted != nullptr) *restricted = !text.starts_with('*');
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = text.find(',', start);
    std::string_view part = text.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    start = comma == std::string_view::npos ? text.size() + 1 : comma + 1;
    if (part.empty()) return Invalid(rule, "empty list item in \"" + std::string(text) + "\"");
    int step = 1;
    if (const size_t slash = part.find('/'); slash != std::string_view::npos) {
      auto parsed = std::from_chars(part.data() + slash + 1, part.data() + part.size(), step);
      if (parsed.ec != std::errc() || parsed.ptr != part.data() + part.size() || step < 1) {
        return Invalid(rule, "bad step in \"" + std::string(part) + "\"");
      }
      part = part.substr(0, slash);
      if (part != "*" && part.find('-') == std::string_view::npos) {
        // "a/n": from a to the end of the range.
        auto from = ReadValue(rule, part);
        if (!from) return std::unexpected(from.error());
        for (int v = *from; v <= rule.max; v += step) bits.set(static_cast<size_t>(v));
        continue;
      }
    }
    int low = rule.min;
    int high = rule.max;
    if (part != "*") {
      const size_t dash = part.find('-');
      auto first = ReadValue(rule, part.substr(0, dash));
      if (!first) return std::unexpected(first.error());
      low = high = *first;
      if (dash != std::string_view::npos) {
        auto last = ReadValue(rule, part.substr(dash + 1));
        if (!last) return std::unexpected(last.error());
        high = *last;
        if (high < low) {
          return Invalid(rule, "range \"" + std::string(part) + "\" runs backwards");
        }
      }
    }
    for (int v = low; v <= high; v += step) {
      bits.set(static_cast<size_t>(rule.name == "day-of-week" ? v % 7 : v));
    }
  }
  return {};
}

std::string_view Macro(std::string_view text) {
  if (text == "@yearly" || text == "@annually") return "0 0 1 1 *";
  if (text == "@monthly") return "0 0 1 * *";
  if (text == "@weekly") return "0 0 * * 0";
  if (text == "@daily" || text == "@midnight") return "0 0 * * *";
  if (text == "@hourly") return "0 * * * *";
  return {};
}

}  // namespace

Expected<CronExpression> CronExpression::Parse(std::string_view text) {
  CronExpression cron;
  cron.text_ = std::string(text);
  if (text.starts_with('@')) {
    std::string_view expanded = Macro(text);
    if (expanded.empty()) {
      return std::unexpected(Error{ErrorCode::kInvalidRequest,
                                   "unknown macro " + std::string(text) +
                                       " (want @yearly, @monthly, @weekly, @daily or @hourly)"});
    }
    text = expanded;
  }
  std::vector<std::string_view> fields;
  size_t start = 0;
  while (start < text.size()) {
    const size_t end = text.find(' ', start);
    if (end != start) {
      fields.push_back(text.substr(start, end == std::string_view::npos ? text.size() - start
                                                                        : end - start));
    }
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  if (fields.size() != 5 && fields.size() != 6) {
    return std::unexpected(Error{
        ErrorCode::kInvalidRequest,
        "want 5 fields (minute hour day-of-month month day-of-week) or 6 "
        "(second first), got " + std::to_string(fields.size())});
  }
  if (fields.size() == 5) {
    cron.seconds_.set(0);
  } else if (auto done = ParseField({"second", 0, 59}, fields[0], cron.seconds_); !done) {
    return std::unexpected(done.error());
  }
  const size_t o = fields.size() - 5;
  for (auto done : {ParseField({"minute", 0, 59}, fields[o], cron.minutes_),
                    ParseField({"hour", 0, 23}, fields[o + 1], cron.hours_),
                    ParseField({"day-of-month", 1, 31}, fields[o + 2], cron.days_,
                               &cron.days_restricted_),
                    ParseField({"month", 1, 12, &kMonthNames}, fields[o + 3], cron.months_),
                    ParseField({"day-of-week", 0, 6, &kWeekdayNames}, fields[o + 4],
                               cron.weekdays_, &cron.weekdays_restricted_)}) {
    if (!done) return std::unexpected(done.error());
  }
  return cron;
}

bool CronExpression::MatchesDay(LocalSeconds local) const {
  const local_days day = floor<days>(local);
  const year_month_day date{day};
  const bool by_date = days_.test(static_cast<unsigned>(date.day()));
  const bool by_weekday = weekdays_.test(weekday{day}.c_encoding());
  if (days_restricted_ && weekdays_restricted_) return by_date || by_weekday;
  return by_date && by_weekday;
}

bool CronExpression::Matches(LocalSeconds local) const {
  const local_days day = floor<days>(local);
  const hh_mm_ss time{local - day};
  const year_month_day date{day};
  return months_.test(static_cast<unsigned>(date.month())) && MatchesDay(local) &&
         hours_.test(static_cast<size_t>(time.hours().count())) &&
         minutes_.test(static_cast<size_t>(time.minutes().count())) &&
         seconds_.test(static_cast<size_t>(time.seconds().count()));
}

std::optional<LocalSeconds> CronExpression::NextMatch(LocalSeconds local) const {
  LocalSeconds t = local + seconds{1};
  const LocalSeconds limit = local + years{8};
  while (t <= limit) {
    const local_days day = floor<days>(t);
    const year_month_day date{day};
    if (!months_.test(static_cast<unsigned>(date.month()))) {
      const year_month next = year_month{date.year(), date.month()} + months{1};
      t = LocalSeconds{local_days{next / 1}};
      continue;
    }
    if (!MatchesDay(t)) {
      t = LocalSeconds{day + days{1}};
      continue;
    }
    const hh_mm_ss time{t - day};
    if (!hours_.test(static_cast<size_t>(time.hours().count()))) {
      t = LocalSeconds{day} + time.hours() + hours{1};
      continue;
    }
    if (!minutes_.test(static_cast<size_t>(time.minutes().count()))) {
      t = LocalSeconds{day} + time.hours() + time.minutes() + minutes{1};
      continue;
    }
    if (!seconds_.test(static_cast<size_t>(time.seconds().count()))) {
      t += seconds{1};
      continue;
    }
    return t;
  }
  return std::nullopt;
}

std::optional<SysSeconds> NextFire(const CronExpression& cron,
                                   const TimeZone& zone, SysSeconds after) {
  // Local times are searched from the wall clock at `after`; after clocks
  // went back, that wall clock repeats, so a match is taken only when the
  // instant it resolves to is later than `after`.
  LocalSeconds cursor = zone.ToLocal(after);
  // Once past `after`'s own wall clock by more than any DST shift, every
  // match resolves later; the bound only guards against a zone that
  // misbehaves.
  for (int guard = 0; guard < 100000; ++guard) {
    std::optional<LocalSeconds> match = cron.NextMatch(cursor);
    if (!match) return std::nullopt;
    const TimeZone::Resolution resolved = zone.ToSys(*match);
    std::optional<SysSeconds> instant;
    switch (resolved.kind) {
      case TimeZone::Resolution::Kind::kUnique:
      case TimeZone::Resolution::Kind::kAmbiguous:
        instant = resolved.first;  // a repeated wall clock fires once
        break;
      case TimeZone::Resolution::Kind::kNonexistent:
        instant = resolved.skipped_to;
        break;
    }
    if (*instant > after) return instant;
    cursor = *match;
  }
  return std::nullopt;
}

}  // namespace rtm
