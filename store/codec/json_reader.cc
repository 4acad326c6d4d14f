#include "store/codec/json_reader.h"

#include <limits>
#include <utility>

namespace rtm::codec_internal {

using nlohmann::json;

ObjectReader::ObjectReader(const json& object, std::string path)
    : object_(object), path_(std::move(path)) {
  if (!object_.is_object()) throw DecodeError(Where() + "must be an object");
}

bool ObjectReader::Has(std::string_view name) const {
  return object_.contains(name) && !object_.at(name).is_null();
}

const json& ObjectReader::Field(std::string_view name) const {
  const auto found = object_.find(name);
  if (found == object_.end()) throw DecodeError(PathOf(name) + ": missing");
  return *found;
}

std::string ObjectReader::String(std::string_view name) const {
  const json& value = Field(name);
  if (!value.is_string()) Mistyped(name, "a string");
  return value.get<std::string>();
}

int64_t ObjectReader::Int64(std::string_view name) const {
  const json& value = Field(name);
  if (!value.is_number_integer()) Mistyped(name, "an integer");
  if (value.is_number_unsigned() &&
      value.get<uint64_t>() >
          static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    Mistyped(name, "a 64-bit signed integer");
  }
  return value.get<int64_t>();
}

int ObjectReader::Int(std::string_view name) const {
  const int64_t value = Int64(name);
  if (value < std::numeric_limits<int>::min() ||
      value > std::numeric_limits<int>::max()) {
    Mistyped(name, "a 32-bit integer");
  }
  return static_cast<int>(value);
}

uint64_t ObjectReader::Uint64(std::string_view name) const {
  const json& value = Field(name);
  if (!value.is_number_unsigned()) Mistyped(name, "a non-negative integer");
  return value.get<uint64_t>();
}

double ObjectReader::Number(std::string_view name) const {
  const json& value = Field(name);
  if (!value.is_number()) Mistyped(name, "a number");
  return value.get<double>();
}

bool ObjectReader::Bool(std::string_view name) const {
  const json& value = Field(name);
  if (!value.is_boolean()) Mistyped(name, "a boolean");
  return value.get<bool>();
}

Timestamp ObjectReader::Time(std::string_view name) const {
  const std::optional<Timestamp> at = ParseRfc3339(String(name));
  if (!at) Mistyped(name, "an RFC 3339 UTC timestamp");
  return *at;
}

std::vector<std::string> ObjectReader::StringList(std::string_view name) const {
  const json& value = Field(name);
  if (!value.is_array()) Mistyped(name, "an array of strings");
  std::vector<std::string> out;
  for (const json& item : value) {
    if (!item.is_string()) Mistyped(name, "an array of strings");
    out.push_back(item.get<std::string>());
  }
  return out;
}

std::map<std::string, std::string> ObjectReader::StringMap(
    std::string_view name) const {
  const json& value = Field(name);
  if (!value.is_object()) Mistyped(name, "an object of strings");
  std::map<std::string, std::string> out;
  for (const auto& [key, item] : value.items()) {
    if (!item.is_string()) Mistyped(name, "an object of strings");
    out.emplace(key, item.get<std::string>());
  }
  return out;
}

ObjectReader ObjectReader::Object(std::string_view name) const {
  return ObjectReader(Field(name), PathOf(name));
}

const json& ObjectReader::Array(std::string_view name) const {
  const json& value = Field(name);
  if (!value.is_array()) Mistyped(name, "an array");
  return value;
}

std::string ObjectReader::PathOf(std::string_view name) const {
  return path_.empty() ? std::string(name) : path_ + "." + std::string(name);
}

std::string ObjectReader::PathOf(std::string_view name, size_t index) const {
  return PathOf(name) + "[" + std::to_string(index) + "]";
}

void ObjectReader::Mistyped(std::string_view name,
                            std::string_view expected) const {
  throw DecodeError(PathOf(name) + ": must be " + std::string(expected));
}

std::string ObjectReader::Where() const {
  return path_.empty() ? "" : path_ + ": ";
}

std::string DumpJson(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

Expected<json> ParseJsonText(std::string_view text) {
  json value = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return Fail(ErrorCode::kInternal, "not valid JSON");
  return value;
}

}  // namespace rtm::codec_internal
