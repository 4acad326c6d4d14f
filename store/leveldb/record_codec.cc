#include "store/leveldb/record_codec.h"

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

namespace rtm {
namespace {

using nlohmann::json;

// Thrown inside the decoders only; the public functions turn it into Error.
class DecodeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

std::string Dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

Expected<json> ParseJson(std::string_view text) {
  json value = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return Fail(ErrorCode::kInternal, "not valid JSON");
  return value;
}

std::string_view DesiredStateName(DesiredState state) {
  return state == DesiredState::kStopped ? "Stopped" : "Running";
}

// Typed access to the fields of one JSON object, reporting the path of the
// offending field.
class ObjectReader {
 public:
  ObjectReader(const json& object, std::string path)
      : object_(object), path_(std::move(path)) {
    if (!object_.is_object()) throw DecodeError(Where() + "must be an object");
  }

  bool Has(std::string_view name) const {
    return object_.contains(name) && !object_.at(name).is_null();
  }

  const json& Field(std::string_view name) const {
    const auto found = object_.find(name);
    if (found == object_.end()) throw DecodeError(PathOf(name) + ": missing");
    return *found;
  }

  std::string String(std::string_view name) const {
    const json& value = Field(name);
    if (!value.is_string()) Mistyped(name, "a string");
    return value.get<std::string>();
  }

  int64_t Int64(std::string_view name) const {
    const json& value = Field(name);
    if (!value.is_number_integer()) Mistyped(name, "an integer");
    if (value.is_number_unsigned() &&
        value.get<uint64_t>() >
            static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      Mistyped(name, "a 64-bit signed integer");
    }
    return value.get<int64_t>();
  }

  int Int(std::string_view name) const {
    const int64_t value = Int64(name);
    if (value < std::numeric_limits<int>::min() ||
        value > std::numeric_limits<int>::max()) {
      Mistyped(name, "a 32-bit integer");
    }
    return static_cast<int>(value);
  }

  uint64_t Uint64(std::string_view name) const {
    const json& value = Field(name);
    if (!value.is_number_unsigned()) Mistyped(name, "a non-negative integer");
    return value.get<uint64_t>();
  }

  double Number(std::string_view name) const {
    const json& value = Field(name);
    if (!value.is_number()) Mistyped(name, "a number");
    return value.get<double>();
  }

  Timestamp Time(std::string_view name) const {
    const std::optional<Timestamp> at = ParseRfc3339(String(name));
    if (!at) Mistyped(name, "an RFC 3339 UTC timestamp");
    return *at;
  }

  std::vector<std::string> StringList(std::string_view name) const {
    const json& value = Field(name);
    if (!value.is_array()) Mistyped(name, "an array of strings");
    std::vector<std::string> out;
    for (const json& item : value) {
      if (!item.is_string()) Mistyped(name, "an array of strings");
      out.push_back(item.get<std::string>());
    }
    return out;
  }

  std::map<std::string, std::string> StringMap(std::string_view name) const {
    const json& value = Field(name);
    if (!value.is_object()) Mistyped(name, "an object of strings");
    std::map<std::string, std::string> out;
    for (const auto& [key, item] : value.items()) {
      if (!item.is_string()) Mistyped(name, "an object of strings");
      out.emplace(key, item.get<std::string>());
    }
    return out;
  }

  ObjectReader Object(std::string_view name) const {
    return ObjectReader(Field(name), PathOf(name));
  }

  const json& Array(std::string_view name) const {
    const json& value = Field(name);
    if (!value.is_array()) Mistyped(name, "an array");
    return value;
  }

  std::string PathOf(std::string_view name) const {
    return path_.empty() ? std::string(name)
                         : path_ + "." + std::string(name);
  }

  [[noreturn]] void Mistyped(std::string_view name,
                             std::string_view expected) const {
    throw DecodeError(PathOf(name) + ": must be " + std::string(expected));
  }

 private:
  std::string Where() const { return path_.empty() ? "" : path_ + ": "; }

  const json& object_;
  std::string path_;
};

template <typename Enum>
Enum ParseEnum(const ObjectReader& reader, std::string_view name,
               std::optional<Enum> (*parse)(std::string_view)) {
  const std::optional<Enum> value = parse(reader.String(name));
  if (!value) reader.Mistyped(name, "a known value");
  return *value;
}

std::optional<DesiredState> ParseDesiredState(std::string_view name) {
  if (name == "Running") return DesiredState::kRunning;
  if (name == "Stopped") return DesiredState::kStopped;
  return std::nullopt;
}

json PortToJson(const PortMapping& port) {
  return {{"containerPort", port.container_port},
          {"hostPort", port.host_port},
          {"protocol", port.protocol},
          {"hostIP", port.host_ip}};
}

PortMapping PortFromJson(const ObjectReader& reader) {
  PortMapping port;
  port.container_port = reader.Int("containerPort");
  port.host_port = reader.Int("hostPort");
  port.protocol = reader.String("protocol");
  port.host_ip = reader.String("hostIP");
  return port;
}

json HealthCheckToJson(const HealthCheck& check) {
  return {{"command", check.command},
          {"intervalSeconds", check.interval_seconds},
          {"timeoutSeconds", check.timeout_seconds},
          {"retries", check.retries}};
}

HealthCheck HealthCheckFromJson(const ObjectReader& reader) {
  HealthCheck check;
  check.command = reader.StringList("command");
  check.interval_seconds = reader.Int("intervalSeconds");
  check.timeout_seconds = reader.Int("timeoutSeconds");
  check.retries = reader.Int("retries");
  return check;
}

json ResourcesToJson(const Resources& resources) {
  json out = json::object();
  if (resources.memory_mib) out["memoryMiB"] = *resources.memory_mib;
  if (resources.cpus) out["cpus"] = *resources.cpus;
  return out;
}

Resources ResourcesFromJson(const ObjectReader& reader) {
  Resources resources;
  if (reader.Has("memoryMiB")) resources.memory_mib = reader.Int64("memoryMiB");
  if (reader.Has("cpus")) resources.cpus = reader.Number("cpus");
  return resources;
}

json GameSpecToJson(const GameSpec& spec) {
  json ports = json::array();
  for (const PortMapping& port : spec.ports) ports.push_back(PortToJson(port));
  json out = {{"image", spec.image},
              {"command", spec.command},
              {"env", spec.env},
              {"state", DesiredStateName(spec.state)},
              {"restartGeneration", spec.restart_generation},
              {"ports", std::move(ports)},
              {"stopTimeoutSeconds", spec.stop_timeout_seconds},
              {"resources", ResourcesToJson(spec.resources)}};
  if (spec.health_check) {
    out["healthCheck"] = HealthCheckToJson(*spec.health_check);
  }
  return out;
}

GameSpec GameSpecFromJson(const ObjectReader& reader) {
  GameSpec spec;
  spec.image = reader.String("image");
  spec.command = reader.StringList("command");
  spec.env = reader.StringMap("env");
  spec.state = ParseEnum(reader, "state", &ParseDesiredState);
  spec.restart_generation = reader.Int64("restartGeneration");
  const json& ports = reader.Array("ports");
  for (size_t i = 0; i < ports.size(); ++i) {
    spec.ports.push_back(PortFromJson(ObjectReader(
        ports[i], reader.PathOf("ports") + "[" + std::to_string(i) + "]")));
  }
  if (reader.Has("healthCheck")) {
    spec.health_check = HealthCheckFromJson(reader.Object("healthCheck"));
  }
  spec.stop_timeout_seconds = reader.Int("stopTimeoutSeconds");
  spec.resources = ResourcesFromJson(reader.Object("resources"));
  return spec;
}

template <typename Value, typename Decode>
Expected<Value> DecodeGuarded(Decode decode) {
  try {
    return decode();
  } catch (const DecodeError& error) {
    return Fail(ErrorCode::kInternal, error.what());
  } catch (const std::exception& error) {
    return Fail(ErrorCode::kInternal, error.what());
  }
}

}  // namespace

json RuntimeRecordToJson(const RuntimeRecord& record) {
  return {{"gameId", record.game_id},
          {"status", ToString(record.status)},
          {"currentImageRef", record.current_image_ref},
          {"currentContainerId", record.current_container_id},
          {"hostname", record.hostname},
          {"spec", GameSpecToJson(record.spec)},
          {"generation", record.generation},
          {"restartGeneration", record.restart_generation},
          {"createdAt", FormatRfc3339(record.created_at)},
          {"updatedAt", FormatRfc3339(record.updated_at)}};
}

Expected<RuntimeRecord> RuntimeRecordFromJson(const json& value) {
  return DecodeGuarded<RuntimeRecord>([&] {
    const ObjectReader reader(value, "");
    RuntimeRecord record;
    record.game_id = reader.String("gameId");
    record.status = ParseEnum(reader, "status", &ParseRuntimeStatus);
    record.current_image_ref = reader.String("currentImageRef");
    record.current_container_id = reader.String("currentContainerId");
    record.hostname = reader.String("hostname");
    record.spec = GameSpecFromJson(reader.Object("spec"));
    record.generation = reader.Int64("generation");
    record.restart_generation = reader.Int64("restartGeneration");
    record.created_at = reader.Time("createdAt");
    record.updated_at = reader.Time("updatedAt");
    return record;
  });
}

json OperationEntryToJson(const OperationEntry& entry) {
  return {{"sequence", entry.sequence},
          {"gameId", entry.game_id},
          {"opKind", ToString(entry.op_kind)},
          {"opSource", ToString(entry.op_source)},
          {"sourceRef", entry.source_ref},
          {"imageRef", entry.image_ref},
          {"containerId", entry.container_id},
          {"outcome", ToString(entry.outcome)},
          {"errorCode", entry.error_code ? ToString(*entry.error_code) : ""},
          {"errorMessage", entry.error_message},
          {"startedAt", FormatRfc3339(entry.started_at)},
          {"finishedAt", FormatRfc3339(entry.finished_at)}};
}

Expected<OperationEntry> OperationEntryFromJson(const json& value) {
  return DecodeGuarded<OperationEntry>([&] {
    const ObjectReader reader(value, "");
    OperationEntry entry;
    entry.sequence = reader.Uint64("sequence");
    entry.game_id = reader.String("gameId");
    entry.op_kind = ParseEnum(reader, "opKind", &ParseOpKind);
    entry.op_source = ParseEnum(reader, "opSource", &ParseOpSource);
    entry.source_ref = reader.String("sourceRef");
    entry.image_ref = reader.String("imageRef");
    entry.container_id = reader.String("containerId");
    entry.outcome = ParseEnum(reader, "outcome", &ParseOutcome);
    if (reader.Has("errorCode") && !reader.String("errorCode").empty()) {
      entry.error_code = ParseEnum(reader, "errorCode", &ParseErrorCode);
    }
    entry.error_message = reader.String("errorMessage");
    entry.started_at = reader.Time("startedAt");
    entry.finished_at = reader.Time("finishedAt");
    return entry;
  });
}

std::string EncodeRuntimeRecord(const RuntimeRecord& record) {
  return Dump(RuntimeRecordToJson(record));
}

Expected<RuntimeRecord> DecodeRuntimeRecord(std::string_view text) {
  auto value = ParseJson(text);
  if (!value) return std::unexpected(value.error());
  return RuntimeRecordFromJson(*value);
}

std::string EncodeOperationEntry(const OperationEntry& entry) {
  return Dump(OperationEntryToJson(entry));
}

Expected<OperationEntry> DecodeOperationEntry(std::string_view text) {
  auto value = ParseJson(text);
  if (!value) return std::unexpected(value.error());
  return OperationEntryFromJson(*value);
}

}  // namespace rtm
