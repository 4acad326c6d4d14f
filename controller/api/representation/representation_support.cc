#include "controller/api/representation/representation_support.h"

namespace rtm::api {

std::string JsonText(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string_view ErrorCodeText(const std::optional<ErrorCode>& code) {
  return code ? ToString(*code) : std::string_view();
}

std::string TimeText(Timestamp at) { return FormatRfc3339(at); }

}  // namespace rtm::api
