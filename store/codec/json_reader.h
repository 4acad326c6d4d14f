// Building blocks shared by the JSON codecs of store/codec/ (not for other
// code: include the *_json.h header of the type instead). Decoders read
// through ObjectReader, which throws DecodeError naming the offending field
// path (e.g. "spec.ports[1].hostPort"); the public FromJson functions turn
// it into Expected via DecodeGuarded, so nothing throws past a codec.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "reconcile/domain/error.h"
#include "reconcile/domain/time.h"

namespace rtm::codec_internal {

// Thrown inside the decoders only.
class DecodeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Typed access to the fields of one JSON object, reporting the path of the
// offending field. Unknown fields are ignored.
class ObjectReader {
 public:
  // `path` names `object` in errors ("" for the top level).
  ObjectReader(const nlohmann::json& object, std::string path);

  // Present and not null.
  bool Has(std::string_view name) const;

  const nlohmann::json& Field(std::string_view name) const;
  std::string String(std::string_view name) const;
  int64_t Int64(std::string_view name) const;
  int Int(std::string_view name) const;
  uint64_t Uint64(std::string_view name) const;
  double Number(std::string_view name) const;
  bool Bool(std::string_view name) const;
  // An RFC 3339 UTC timestamp as FormatRfc3339 writes it.
  Timestamp Time(std::string_view name) const;
  std::vector<std::string> StringList(std::string_view name) const;
  std::map<std::string, std::string> StringMap(std::string_view name) const;
  ObjectReader Object(std::string_view name) const;
  const nlohmann::json& Array(std::string_view name) const;

  // "<path>.<name>", or "<name>" at the top level.
  std::string PathOf(std::string_view name) const;
  // "<path>.<name>[<index>]": the path of an array element.
  std::string PathOf(std::string_view name, size_t index) const;

  [[noreturn]] void Mistyped(std::string_view name,
                             std::string_view expected) const;

 private:
  std::string Where() const;

  const nlohmann::json& object_;
  std::string path_;
};

// The enum value named by the string field `name`; a name `parse` does not
// know is DecodeError.
template <typename Enum>
Enum ReadEnum(const ObjectReader& reader, std::string_view name,
              std::optional<Enum> (*parse)(std::string_view)) {
  const std::optional<Enum> value = parse(reader.String(name));
  if (!value) reader.Mistyped(name, "a known value");
  return *value;
}

// Runs a decoder that throws; any exception becomes kInternal.
template <typename Value, typename Decode>
Expected<Value> DecodeGuarded(Decode decode) {
  try {
    return decode();
  } catch (const std::exception& error) {
    return Fail(ErrorCode::kInternal, error.what());
  }
}

// Compact text; never throws on content (invalid UTF-8 becomes U+FFFD).
std::string DumpJson(const nlohmann::json& value);
// kInternal "not valid JSON" for text that does not parse.
Expected<nlohmann::json> ParseJsonText(std::string_view text);

}  // namespace rtm::codec_internal
