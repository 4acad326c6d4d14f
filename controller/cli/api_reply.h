// Reading the REST API's answers (docs/contract.md §6) into JSON or an error the
// client commands print as they are.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "controller/cli/api_client.h"
#include "reconcile/domain/error.h"

namespace rtm {

// The JSON body of a 2xx answer. A non-2xx answer is the error of its body
// {"error": {code, message}}: the stable code, kInternal for any other
// reason (the API's own reasons of HTTP-level refusals: "unauthorized",
// "method_not_allowed", "expired", "payload_too_large", "uri_too_long",
// "headers_too_large"), and the message "Error from server (<code>):
// <message>" naming the reason as the server sent it ("(HTTP <status>)"
// and the start of the body when the body is not such an error). A 2xx
// body that is not JSON is kInternal "unexpected answer from rtmanager at
// <base_url>: ...". Transport errors pass through.
Expected<nlohmann::json> ReadApiReply(const Expected<HttpReply>& reply,
                                      std::string_view base_url);

// Get + ReadApiReply.
Expected<nlohmann::json> GetJson(ApiClient& client, const std::string& target);

// The body of a 2xx answer as it is (text/plain, logs); a non-2xx answer is
// its error, as ReadApiReply reads it.
Expected<std::string> GetText(ApiClient& client, const std::string& target);

}  // namespace rtm
