#include "reconcile/domain/time.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <iterator>
#include <utility>

namespace rtm {

std::string FormatRfc3339(Timestamp at) {
  const auto day = std::chrono::floor<std::chrono::days>(at);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss hms{at - day};
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ",
                static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()),
                static_cast<int>(hms.subseconds().count()));
  return text;
}

std::optional<Timestamp> ParseRfc3339(std::string_view text) {
  int year = 0;
  unsigned month = 0, day = 0;
  int hour = 0, minute = 0, second = 0, millis = 0, consumed = 0;
  const std::string owned(text);
  if (std::sscanf(owned.c_str(), "%4d-%2u-%2uT%2d:%2d:%2d%n", &year, &month,
                  &day, &hour, &minute, &second, &consumed) != 6) {
    return std::nullopt;
  }
  std::string_view rest = text.substr(static_cast<size_t>(consumed));
  if (!rest.empty() && rest.front() == '.') {
    rest.remove_prefix(1);
    int digits = 0;
    while (!rest.empty() && rest.front() >= '0' && rest.front() <= '9') {
      if (digits < 3) millis = millis * 10 + (rest.front() - '0');
      ++digits;
      rest.remove_prefix(1);
    }
    if (digits == 0) return std::nullopt;
    for (; digits < 3; ++digits) millis *= 10;
  }
  if (rest != "Z") return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year{year},
                                        std::chrono::month{month},
                                        std::chrono::day{day}};
  if (!ymd.ok() || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  return Timestamp{std::chrono::sys_days{ymd}} + std::chrono::hours{hour} +
         std::chrono::minutes{minute} + std::chrono::seconds{second} +
         std::chrono::milliseconds{millis};
}

std::string FormatDuration(Duration duration) {
  const int64_t total = std::max<int64_t>(
      std::chrono::duration_cast<std::chrono::seconds>(duration).count(), 0);
  struct Unit {
    int64_t seconds;
    const char* suffix;
  };
  static constexpr Unit kUnits[] = {
      {86400, "d"}, {3600, "h"}, {60, "m"}, {1, "s"}};
  for (size_t i = 0; i + 1 < std::size(kUnits); ++i) {
    const int64_t major = total / kUnits[i].seconds;
    if (major == 0) continue;
    const int64_t minor =
        (total % kUnits[i].seconds) / kUnits[i + 1].seconds;
    std::string text = std::to_string(major) + kUnits[i].suffix;
    if (minor != 0) text += std::to_string(minor) + kUnits[i + 1].suffix;
    return text;
  }
  return std::to_string(total) + "s";
}

Expected<Duration> ParseDuration(std::string_view text) {
  const std::string quoted = "\"" + std::string(text) + "\"";
  if (text.empty()) {
    return Fail(ErrorCode::kInvalidRequest, "empty duration");
  }
  Duration total{0};
  std::string_view rest = text;
  while (!rest.empty()) {
    int64_t amount = 0;
    auto [end, error] =
        std::from_chars(rest.data(), rest.data() + rest.size(), amount);
    if (error != std::errc() || end == rest.data() || amount < 0) {
      return Fail(ErrorCode::kInvalidRequest,
                  "duration " + quoted +
                      " must be a non-negative number with a unit "
                      "(250ms, 5s, 5m, 1h)");
    }
    rest.remove_prefix(static_cast<size_t>(end - rest.data()));
    size_t unit_length = 0;
    while (unit_length < rest.size() && rest[unit_length] >= 'a' &&
           rest[unit_length] <= 'z') {
      ++unit_length;
    }
    const std::string_view unit = rest.substr(0, unit_length);
    rest.remove_prefix(unit_length);
    if (unit == "ms") {
      total += std::chrono::milliseconds(amount);
    } else if (unit == "s") {
      total += std::chrono::seconds(amount);
    } else if (unit == "m") {
      total += std::chrono::minutes(amount);
    } else if (unit == "h") {
      total += std::chrono::hours(amount);
    } else {
      return Fail(ErrorCode::kInvalidRequest,
                  "duration " + quoted + " has " +
                      (unit.empty() ? std::string("no unit")
                                    : "unknown unit \"" + std::string(unit) + "\"") +
                      " (use ms, s, m or h)");
    }
  }
  return total;
}

}  // namespace rtm
