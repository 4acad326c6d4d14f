// Command-line flags of the rtmanager binary: `--name value`, `--name=value`
// and boolean `--name`; a flag with a short name also takes `-x value`,
// `-x=value` and `-xvalue` (boolean: exactly `-x`). Positional arguments are
// kept in order; `-` alone, negative numbers and everything after `--` are
// positional.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "reconcile/domain/error.h"
#include "reconcile/domain/time.h"

namespace rtm {

struct FlagSpec {
  std::string name;  // without the leading "--"
  bool takes_value = true;
  std::string help;
  char short_name = '\0';  // e.g. 'o' for `-o`; '\0': none
};

class ParsedFlags {
 public:
  // Unknown flags and missing values are kInvalidRequest errors naming the
  // flag, e.g. "unknown flag --wrokers", "unknown flag -x".
  static Expected<ParsedFlags> Parse(const std::vector<std::string>& args,
                                     const std::vector<FlagSpec>& specs);

  bool Has(std::string_view name) const;
  // The last value given (flags given twice: the last wins).
  std::string Get(std::string_view name, std::string fallback) const;
  // Every value given, in order (a repeatable flag like --node-label).
  std::vector<std::string> GetAll(std::string_view name) const;
  Expected<int> GetInt(std::string_view name, int fallback, int min,
                       int max) const;
  Expected<Duration> GetDuration(std::string_view name,
                                 Duration fallback) const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  std::map<std::string, std::string, std::less<>> values_;
  std::map<std::string, std::vector<std::string>, std::less<>> all_values_;
  std::vector<std::string> positional_;
};

// The flag table as `--help` prints it.
std::string FormatFlagHelp(const std::vector<FlagSpec>& specs);

}  // namespace rtm
