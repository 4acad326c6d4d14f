#include "reconcile/domain/error.h"

#include <array>

namespace rtm {
namespace {

constexpr std::array<std::pair<ErrorCode, std::string_view>, 7> kNames{{
    {ErrorCode::kInvalidRequest, "invalid_request"},
    {ErrorCode::kNotFound, "not_found"},
    {ErrorCode::kConflict, "conflict"},
    {ErrorCode::kServiceUnavailable, "service_unavailable"},
    {ErrorCode::kImageNotFound, "image_not_found"},
    {ErrorCode::kStartFailed, "start_failed"},
    {ErrorCode::kInternal, "internal"},
}};

}  // namespace

std::string_view ToString(ErrorCode code) {
  for (const auto& [value, name] : kNames) {
    if (value == code) return name;
  }
  return "internal";
}

std::optional<ErrorCode> ParseErrorCode(std::string_view name) {
  for (const auto& [value, wire] : kNames) {
    if (wire == name) return value;
  }
  return std::nullopt;
}

}  // namespace rtm
