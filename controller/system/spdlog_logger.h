#pragma once

#include <memory>
#include <string>

#include "reconcile/ports/logger.h"

namespace spdlog {
class logger;
}

namespace rtm {

enum class LogFormat { kText, kJson };

// The Logger port on spdlog, writing to stderr. Text: `message key=value ...`;
// JSON: one object per line with time, level, message and every field.
class SpdlogLogger : public Logger {
 public:
  SpdlogLogger(LogFormat format, LogLevel min_level);
  ~SpdlogLogger() override;

  void Log(LogLevel level, std::string_view message,
           const std::vector<LogField>& fields) override;

 private:
  LogFormat format_;
  LogLevel min_level_;
  std::shared_ptr<spdlog::logger> sink_;
};

}  // namespace rtm
