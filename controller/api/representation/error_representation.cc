#include "controller/api/representation/error_representation.h"

#include <string>

namespace rtm::api {
namespace {

nlohmann::json ErrorBody(std::string_view code, std::string_view message) {
  return {{"error", {{"code", std::string(code)}, {"message", std::string(message)}}}};
}

}  // namespace

std::string_view ToString(Refusal refusal) {
  switch (refusal) {
    case Refusal::kUnauthorized:
      return "unauthorized";
    case Refusal::kForbidden:
      return "forbidden";
    case Refusal::kMethodNotAllowed:
      return "method_not_allowed";
    case Refusal::kExpired:
      return "expired";
    case Refusal::kPayloadTooLarge:
      return "payload_too_large";
    case Refusal::kUriTooLong:
      return "uri_too_long";
    case Refusal::kHeadersTooLarge:
      return "headers_too_large";
  }
  return "invalid_request";
}

int HttpStatusFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidRequest:
      return 400;
    case ErrorCode::kNotFound:
    case ErrorCode::kImageNotFound:
      return 404;
    case ErrorCode::kConflict:
      return 409;
    case ErrorCode::kServiceUnavailable:
      return 503;
    case ErrorCode::kStartFailed:
    case ErrorCode::kInternal:
      return 500;
  }
  return 500;
}

int HttpStatusFor(Refusal refusal) {
  switch (refusal) {
    case Refusal::kUnauthorized:
      return 401;
    case Refusal::kForbidden:
      return 403;
    case Refusal::kMethodNotAllowed:
      return 405;
    case Refusal::kExpired:
      return 410;
    case Refusal::kPayloadTooLarge:
      return 413;
    case Refusal::kUriTooLong:
      return 414;
    case Refusal::kHeadersTooLarge:
      return 431;
  }
  return 400;
}

nlohmann::json RenderError(const Error& error) {
  return ErrorBody(ToString(error.code), error.message);
}

nlohmann::json RenderError(Refusal refusal, std::string_view message) {
  return ErrorBody(ToString(refusal), message);
}

}  // namespace rtm::api
