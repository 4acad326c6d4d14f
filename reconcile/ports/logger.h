#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace rtm {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

struct LogField {
  std::string_view key;
  std::string value;
};

// Structured logging. Field keys follow docs/contract.md §9: game_id, op_kind,
// source_ref, error_code, ...
class Logger {
 public:
  virtual ~Logger() = default;
  virtual void Log(LogLevel level, std::string_view message,
                   const std::vector<LogField>& fields) = 0;
};

}  // namespace rtm
