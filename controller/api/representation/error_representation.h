// The error body of the REST API (docs/contract.md §6):
// {"error": {"code": "<reason>", "message": "..."}}.
//
// A business outcome carries one of the seven stable codes of the domain
// (reconcile/domain/error.h: invalid_request, not_found, conflict,
// service_unavailable, image_not_found, start_failed, internal), the codes
// of the operation log and metrics too. A refusal at the HTTP level that is
// no such outcome (auth, method, limits, watch history) carries a reason of
// the API's own (Refusal), with its own HTTP status.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "reconcile/domain/error.h"

namespace rtm::api {

enum class Refusal {
  kUnauthorized,      // 401 "unauthorized": missing or wrong bearer token
  kForbidden,         // 403 "forbidden": a read-only token on a mutating call
  kMethodNotAllowed,  // 405 "method_not_allowed": on an existing route
  kExpired,           // 410 "expired": watch revision outside the retained
                      //     history (list again, watch from its revision)
  kPayloadTooLarge,   // 413 "payload_too_large": request body
  kUriTooLong,        // 414 "uri_too_long": path and query
  kHeadersTooLarge,   // 431 "headers_too_large": request headers
};

// The wire name of the reason ("unauthorized", ...).
std::string_view ToString(Refusal refusal);

// 400 invalid_request; 404 not_found, image_not_found; 409 conflict;
// 503 service_unavailable; 500 start_failed, internal.
int HttpStatusFor(ErrorCode code);
// 401 / 403 / 405 / 410 / 413 / 414 / 431, as listed at Refusal.
int HttpStatusFor(Refusal refusal);

// {"error": {"code": ToString(error.code), "message": error.message}}
nlohmann::json RenderError(const Error& error);
// {"error": {"code": ToString(refusal), "message": message}}
nlohmann::json RenderError(Refusal refusal, std::string_view message);

}  // namespace rtm::api
