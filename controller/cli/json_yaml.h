// `-o yaml`: a JSON value rendered as block-style YAML that reads back to
// the same value (strings that YAML would read as another type, e.g. "1",
// "true", "null" or "", are double-quoted).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace rtm {

// Ends with a newline. Empty objects and arrays are written `{}` and `[]`.
std::string JsonToYaml(const nlohmann::json& value);

}  // namespace rtm
