#include "controller/system/spdlog_logger.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "controller/system/system_clock.h"

namespace rtm {
namespace {

spdlog::level::level_enum ToSpdlog(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return spdlog::level::debug;
    case LogLevel::kInfo:
      return spdlog::level::info;
    case LogLevel::kWarn:
      return spdlog::level::warn;
    case LogLevel::kError:
      return spdlog::level::err;
  }
  return spdlog::level::info;
}

std::string_view LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

}  // namespace

SpdlogLogger::SpdlogLogger(LogFormat format, LogLevel min_level)
    : format_(format),
      min_level_(min_level),
      sink_(std::make_shared<spdlog::logger>(
          "rtmanager", std::make_shared<spdlog::sinks::stderr_sink_mt>())) {
  sink_->set_level(ToSpdlog(min_level));
  // JSON lines carry their own time and level.
  sink_->set_pattern(format == LogFormat::kJson ? "%v"
                                                : "%Y-%m-%dT%H:%M:%S.%eZ %l %v",
                     spdlog::pattern_time_type::utc);
}

SpdlogLogger::~SpdlogLogger() = default;

void SpdlogLogger::Log(LogLevel level, std::string_view message,
                       const std::vector<LogField>& fields) {
  if (level < min_level_) return;
  std::string line;
  if (format_ == LogFormat::kJson) {
    nlohmann::json object{{"time", FormatRfc3339(SystemClock().Now())},
                          {"level", LevelName(level)},
                          {"message", message}};
    for (const LogField& field : fields) {
      if (!field.value.empty()) object[std::string(field.key)] = field.value;
    }
    line = object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } else {
    line = message;
    for (const LogField& field : fields) {
      if (field.value.empty()) continue;
      line += ' ';
      line += field.key;
      line += '=';
      const bool quote = field.value.find(' ') != std::string::npos;
      if (quote) line += '"';
      line += field.value;
      if (quote) line += '"';
    }
  }
  sink_->log(ToSpdlog(level), "{}", line);
}

}  // namespace rtm
