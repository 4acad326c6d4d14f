// Building blocks shared by the REST API's representations
// (controller/api/representation/): how the API writes JSON text, error
// codes and instants. The API's wire shape is defined here and in the
// *_representation.h headers, not by the store's codecs (store/codec/):
// the two may evolve apart.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "reconcile/domain/error.h"
#include "reconcile/domain/time.h"

namespace rtm::api {

// The compact text of `value` as the API sends it: no whitespace, object
// keys sorted, invalid UTF-8 in strings replaced by U+FFFD. Never throws on
// content.
std::string JsonText(const nlohmann::json& value);

// The stable wire name of `code` ("not_found"); "" when there is none.
std::string_view ErrorCodeText(const std::optional<ErrorCode>& code);

// An instant: RFC 3339 UTC with milliseconds ("2026-11-25T02:04:34.123Z").
std::string TimeText(Timestamp at);

}  // namespace rtm::api
