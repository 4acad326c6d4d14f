// The one error model of rtmanager: a stable code plus an operator-readable
// message, carried in std::expected. Codes are part of the product contract
// (docs/contract.md §4): they appear in the operation log, the REST API and metrics.
#pragma once

#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace rtm {

enum class ErrorCode {
  kInvalidRequest,
  kNotFound,
  kConflict,
  kServiceUnavailable,  // engine or store unreachable / timed out
  kImageNotFound,
  kStartFailed,  // engine refused create/start: bad command, port taken...
  kInternal,
};

// The stable wire name: "invalid_request", "not_found", ...
std::string_view ToString(ErrorCode code);
// Inverse of ToString; nullopt for an unknown name.
std::optional<ErrorCode> ParseErrorCode(std::string_view name);

struct Error {
  ErrorCode code;
  std::string message;
  // The context of a failed lifecycle operation, written to its audit entry
  // (reconcile/lifecycle/operation_recorder.h): the image and container it
  // concerned. Empty elsewhere.
  std::string image_ref;
  std::string container_id;

  friend bool operator==(const Error&, const Error&) = default;
};

template <typename T>
using Expected = std::expected<T, Error>;

// Shorthand for the error side: `return Fail(ErrorCode::kNotFound, "...")`.
inline std::unexpected<Error> Fail(ErrorCode code, std::string message) {
  return std::unexpected<Error>(Error{code, std::move(message)});
}

}  // namespace rtm
