#include "controller/docker/docker_wire.h"

#include <charconv>

#include <nlohmann/json.hpp>

namespace rtm {
namespace {

using Json = nlohmann::json;

constexpr int64_t kNanosPerSecond = 1'000'000'000;

std::unexpected<Error> Malformed(std::string_view what,
                                 std::string_view detail) {
  return Fail(ErrorCode::kServiceUnavailable,
              "unexpected docker engine response to " + std::string(what) +
                  ": " + std::string(detail));
}

Expected<Json> ParseObject(std::string_view what, std::string_view body) {
  Json parsed = Json::parse(body, nullptr, false);
  if (parsed.is_discarded()) return Malformed(what, "not JSON");
  if (!parsed.is_object()) return Malformed(what, "not a JSON object");
  return parsed;
}

// The member `key` of `object`, or nullptr when absent or null.
const Json* Member(const Json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  const auto found = object.find(key);
  if (found == object.end() || found->is_null()) return nullptr;
  return &*found;
}

std::string StringMember(const Json& object, std::string_view key) {
  const Json* member = Member(object, key);
  return member != nullptr && member->is_string() ? member->get<std::string>()
                                                  : std::string();
}

std::map<std::string, std::string> StringMap(const Json* object) {
  std::map<std::string, std::string> out;
  if (object == nullptr || !object->is_object()) return out;
  for (const auto& [key, value] : object->items()) {
    if (value.is_string()) out.emplace(key, value.get<std::string>());
  }
  return out;
}

// Docker writes RFC 3339 with nanoseconds; the zero time means "never".
std::optional<Timestamp> DockerTime(const std::string& text) {
  if (text.empty() || text.starts_with("0001-01-01")) return std::nullopt;
  return ParseRfc3339(text);
}

ContainerHealth HealthFrom(std::string_view status) {
  if (status == "starting") return ContainerHealth::kStarting;
  if (status == "healthy") return ContainerHealth::kHealthy;
  if (status == "unhealthy") return ContainerHealth::kUnhealthy;
  return ContainerHealth::kNone;
}

// "Exited (137) 2 seconds ago" / "Restarting (1) 3 seconds ago" → 137 / 1.
int ExitCodeFromStatusText(std::string_view text) {
  if (!text.starts_with("Exited (") && !text.starts_with("Restarting (")) {
    return 0;
  }
  const size_t open = text.find('(');
  int code = 0;
  const char* first = text.data() + open + 1;
  auto [end, error] = std::from_chars(first, text.data() + text.size(), code);
  return error == std::errc() && end != first && *end == ')' ? code : 0;
}

// "Up 5 seconds (healthy)", "(unhealthy)", "(health: starting)".
ContainerHealth HealthFromStatusText(std::string_view text) {
  if (!text.starts_with("Up ")) return ContainerHealth::kNone;
  if (text.ends_with("(health: starting)")) return ContainerHealth::kStarting;
  if (text.ends_with("(unhealthy)")) return ContainerHealth::kUnhealthy;
  if (text.ends_with("(healthy)")) return ContainerHealth::kHealthy;
  return ContainerHealth::kNone;
}

std::string PortKey(const PortMapping& port) {
  return std::to_string(port.container_port) + "/" + port.protocol;
}

Json HealthcheckJson(const HealthCheck& check) {
  Json test = Json::array({"CMD"});
  for (const auto& arg : check.command) test.push_back(arg);
  return Json{
      {"Test", std::move(test)},
      {"Interval", int64_t{check.interval_seconds} * kNanosPerSecond},
      {"Timeout", int64_t{check.timeout_seconds} * kNanosPerSecond},
      {"Retries", check.retries},
  };
}

Json HostConfigJson(const ContainerSpec& spec) {
  Json port_bindings = Json::object();
  for (const auto& port : spec.ports) {
    port_bindings[PortKey(port)].push_back(Json{
        {"HostIp", port.host_ip},
        {"HostPort",
         port.host_port == 0 ? std::string() : std::to_string(port.host_port)},
    });
  }
  Json host_config{
      {"Init", spec.init},
      {"RestartPolicy", Json{{"Name", "no"}}},
      {"PortBindings", std::move(port_bindings)},
  };
  if (!spec.network.empty()) host_config["NetworkMode"] = spec.network;
  if (spec.memory_bytes) host_config["Memory"] = *spec.memory_bytes;
  if (spec.nano_cpus) host_config["NanoCpus"] = *spec.nano_cpus;
  if (!spec.mounts.empty()) {
    Json mounts = Json::array();
    for (const ContainerMount& mount : spec.mounts) {
      Json entry{{"Type", mount.bind ? "bind" : "volume"},
                 {"Source", mount.source},
                 {"Target", mount.target},
                 {"ReadOnly", mount.read_only}};
      // A named volume the engine creates when missing carries these.
      if (!mount.bind) entry["VolumeOptions"] = Json{{"Labels", mount.volume_labels}};
      mounts.push_back(std::move(entry));
    }
    host_config["Mounts"] = std::move(mounts);
  }
  return host_config;
}

template <typename T, typename Parse>
Expected<T> Guarded(std::string_view what, Parse&& parse) {
  try {
    return parse();
  } catch (const Json::exception& error) {
    return Malformed(what, error.what());
  }
}

}  // namespace

std::string PercentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (const unsigned char c : text) {
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '_' ||
                            c == '.' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0x0F];
    }
  }
  return out;
}

std::string EncodedFilters(const std::map<std::string, std::string>& labels,
                           std::string_view type) {
  Json filters = Json::object();
  if (!type.empty()) filters["type"] = Json::array({type});
  if (!labels.empty()) {
    Json label_filters = Json::array();
    for (const auto& [key, value] : labels) {
      label_filters.push_back(key + "=" + value);
    }
    filters["label"] = std::move(label_filters);
  }
  return PercentEncode(filters.dump());
}

std::string CreateContainerBody(const ContainerSpec& spec) {
  Json body{
      {"Hostname", spec.hostname},
      {"Image", spec.image},
      {"Env", spec.env},
      {"Labels", spec.labels},
      {"StopTimeout", spec.stop_timeout_seconds},
      {"HostConfig", HostConfigJson(spec)},
  };
  if (!spec.command.empty()) body["Cmd"] = spec.command;
  if (!spec.stop_signal.empty()) body["StopSignal"] = spec.stop_signal;
  if (spec.health_check && !spec.health_check->command.empty()) {
    body["Healthcheck"] = HealthcheckJson(*spec.health_check);
  }
  if (!spec.ports.empty()) {
    Json exposed = Json::object();
    for (const auto& port : spec.ports) exposed[PortKey(port)] = Json::object();
    body["ExposedPorts"] = std::move(exposed);
  }
  if (!spec.network.empty()) {
    body["NetworkingConfig"] = Json{
        {"EndpointsConfig",
         Json{{spec.network, Json{{"Aliases", spec.network_aliases}}}}},
    };
  }
  return body.dump();
}

std::string CreateNetworkBody(std::string_view name) {
  return Json{
      {"Name", name},
      {"Driver", "bridge"},
      {"CheckDuplicate", true},
      {"Labels", Json{{std::string(kLabelManaged), "true"}}},
  }
      .dump();
}

std::string EncodedNameFilter(std::string_view name) {
  return PercentEncode(Json{{"name", Json{{std::string(name), true}}}}.dump());
}

Expected<std::vector<NetworkSummary>> ParseNetworkList(std::string_view body) {
  constexpr std::string_view kWhat = "GET /networks";
  return Guarded<std::vector<NetworkSummary>>(
      kWhat, [&]() -> Expected<std::vector<NetworkSummary>> {
        const Json list = Json::parse(body, nullptr, false);
        if (!list.is_array()) return Malformed(kWhat, "not a JSON array");
        std::vector<NetworkSummary> networks;
        for (const auto& network : list) {
          NetworkSummary out{StringMember(network, "Id"),
                             StringMember(network, "Name"),
                             StringMember(network, "Created")};
          if (out.id.empty()) return Malformed(kWhat, "a network without Id");
          networks.push_back(std::move(out));
        }
        return networks;
      });
}

namespace {

// "2026-11-30T05:41:50.1Z" → "2026-11-30T05:41:50.100000000Z": the engine
// trims trailing zeros of the fraction, so only padded stamps compare as
// instants.
std::string ComparableStamp(std::string_view created) {
  const size_t dot = created.find('.');
  if (dot == std::string_view::npos) {
    const size_t zone = created.find_first_of("Z+-", created.find('T'));
    if (zone == std::string_view::npos) return std::string(created);
    return std::string(created.substr(0, zone)) + ".000000000" +
           std::string(created.substr(zone));
  }
  size_t end = dot + 1;
  while (end < created.size() && created[end] >= '0' && created[end] <= '9') {
    ++end;
  }
  std::string fraction(created.substr(dot + 1, end - dot - 1));
  fraction.resize(9, '0');
  return std::string(created.substr(0, dot + 1)) + fraction +
         std::string(created.substr(end));
}

}  // namespace

const NetworkSummary* NetworkToKeep(const std::vector<NetworkSummary>& same_name) {
  const NetworkSummary* keep = nullptr;
  for (const NetworkSummary& network : same_name) {
    if (keep == nullptr) {
      keep = &network;
      continue;
    }
    const std::string a = ComparableStamp(network.created);
    const std::string b = ComparableStamp(keep->created);
    if (a < b || (a == b && network.id < keep->id)) keep = &network;
  }
  return keep;
}

Expected<EngineVersion> ParseVersion(std::string_view body) {
  return Guarded<EngineVersion>(
      "GET /version", [&]() -> Expected<EngineVersion> {
        auto version = ParseObject("GET /version", body);
        if (!version) return std::unexpected(version.error());
        EngineVersion out{StringMember(*version, "Version"),
                          StringMember(*version, "ApiVersion")};
        if (out.version.empty()) return Malformed("GET /version", "no Version");
        return out;
      });
}

Expected<std::vector<ContainerState>> ParseContainerList(std::string_view body) {
  constexpr std::string_view kWhat = "GET /containers/json";
  return Guarded<std::vector<ContainerState>>(
      kWhat, [&]() -> Expected<std::vector<ContainerState>> {
        const Json list = Json::parse(body, nullptr, false);
        if (!list.is_array()) return Malformed(kWhat, "not a JSON array");
        std::vector<ContainerState> states;
        states.reserve(list.size());
        for (const auto& summary : list) {
          ContainerState out;
          out.id = StringMember(summary, "Id");
          if (out.id.empty()) return Malformed(kWhat, "a container without Id");
          if (const Json* names = Member(summary, "Names");
              names != nullptr && names->is_array() && !names->empty() &&
              names->front().is_string()) {
            out.name = names->front().get<std::string>();
            if (out.name.starts_with('/')) out.name.erase(0, 1);
          }
          out.labels = StringMap(Member(summary, "Labels"));
          auto image_label = out.labels.find(std::string(kLabelImage));
          out.image = image_label != out.labels.end()
                          ? image_label->second
                          : StringMember(summary, "Image");
          out.status = StringMember(summary, "State");
          out.running = out.status == "running" || out.status == "paused" ||
                        out.status == "restarting";
          const std::string text = StringMember(summary, "Status");
          out.exit_code = ExitCodeFromStatusText(text);
          out.health = HealthFromStatusText(text);
          states.push_back(std::move(out));
        }
        return states;
      });
}

Expected<std::string> ParseCreatedId(std::string_view body) {
  constexpr std::string_view kWhat = "POST /containers/create";
  return Guarded<std::string>(kWhat, [&]() -> Expected<std::string> {
    auto created = ParseObject(kWhat, body);
    if (!created) return std::unexpected(created.error());
    std::string id = StringMember(*created, "Id");
    if (id.empty()) return Malformed(kWhat, "no Id");
    return id;
  });
}

Expected<ContainerState> ParseContainerInspect(std::string_view body) {
  constexpr std::string_view kWhat = "GET /containers/{id}/json";
  return Guarded<ContainerState>(kWhat, [&]() -> Expected<ContainerState> {
    auto inspect = ParseObject(kWhat, body);
    if (!inspect) return std::unexpected(inspect.error());
    ContainerState out;
    out.id = StringMember(*inspect, "Id");
    if (out.id.empty()) return Malformed(kWhat, "no Id");
    out.name = StringMember(*inspect, "Name");
    if (out.name.starts_with('/')) out.name.erase(0, 1);
    if (const Json* config = Member(*inspect, "Config")) {
      out.image = StringMember(*config, "Image");
      out.labels = StringMap(Member(*config, "Labels"));
    }
    if (const Json* state = Member(*inspect, "State")) {
      out.status = StringMember(*state, "Status");
      if (const Json* running = Member(*state, "Running");
          running != nullptr && running->is_boolean()) {
        out.running = running->get<bool>();
      }
      if (const Json* exit_code = Member(*state, "ExitCode");
          exit_code != nullptr && exit_code->is_number_integer()) {
        out.exit_code = exit_code->get<int>();
      }
      if (const Json* health = Member(*state, "Health")) {
        out.health = HealthFrom(StringMember(*health, "Status"));
      }
      out.started_at = DockerTime(StringMember(*state, "StartedAt"));
      out.finished_at = DockerTime(StringMember(*state, "FinishedAt"));
      if (const Json* oom = Member(*state, "OOMKilled");
          oom != nullptr && oom->is_boolean()) {
        out.oom_killed = oom->get<bool>();
      }
    }
    return out;
  });
}

std::string ExecCreateBody(const std::vector<std::string>& command) {
  return Json{{"AttachStdin", false},
              {"AttachStdout", true},
              {"AttachStderr", true},
              {"Tty", false},
              {"Cmd", command}}
      .dump();
}

std::string ExecStartBody() {
  return Json{{"Detach", false}, {"Tty", false}}.dump();
}

Expected<ExecState> ParseExecInspect(std::string_view body) {
  constexpr std::string_view kWhat = "GET /exec/{id}/json";
  return Guarded<ExecState>(kWhat, [&]() -> Expected<ExecState> {
    auto inspect = ParseObject(kWhat, body);
    if (!inspect) return std::unexpected(inspect.error());
    const Json* running = Member(*inspect, "Running");
    if (running == nullptr || !running->is_boolean()) {
      return Malformed(kWhat, "no Running");
    }
    ExecState out;
    out.running = running->get<bool>();
    if (const Json* exit_code = Member(*inspect, "ExitCode");
        exit_code != nullptr && exit_code->is_number_integer()) {
      out.exit_code = exit_code->get<int>();
    }
    return out;
  });
}

void MultiplexedStreamDecoder::Feed(std::string_view bytes,
                                    std::string& payload) {
  while (!bytes.empty()) {
    if (frame_left_ == 0) {
      const size_t take = std::min(kHeaderBytes - header_.size(), bytes.size());
      header_.append(bytes.substr(0, take));
      bytes.remove_prefix(take);
      if (header_.size() < kHeaderBytes) return;
      // [stream type, 0, 0, 0, size as a big-endian uint32]
      frame_left_ = 0;
      for (size_t i = 4; i < kHeaderBytes; ++i) {
        frame_left_ = (frame_left_ << 8) | static_cast<unsigned char>(header_[i]);
      }
      header_.clear();
      continue;
    }
    const size_t take = std::min<size_t>(frame_left_, bytes.size());
    payload.append(bytes.substr(0, take));
    bytes.remove_prefix(take);
    frame_left_ -= take;
  }
}

Expected<std::string> ParseNetworkName(std::string_view body) {
  constexpr std::string_view kWhat = "GET /networks/{id}";
  return Guarded<std::string>(kWhat, [&]() -> Expected<std::string> {
    auto network = ParseObject(kWhat, body);
    if (!network) return std::unexpected(network.error());
    return StringMember(*network, "Name");
  });
}

// An event's "time" (seconds) beyond year 9999 is left unset: in the
// controller's Timestamp it would overflow (found by
// test/fuzz/docker_wire_fuzzer.cc).
constexpr int64_t kMaxEventSeconds = 253402300799;  // 9999-12-31T23:59:59Z

Expected<std::optional<ContainerEvent>> ParseContainerEvent(
    std::string_view line) {
  constexpr std::string_view kWhat = "GET /events";
  return Guarded<std::optional<ContainerEvent>>(
      kWhat, [&]() -> Expected<std::optional<ContainerEvent>> {
        auto message = ParseObject(kWhat, line);
        if (!message) return std::unexpected(message.error());
        if (StringMember(*message, "Type") != "container") {
          return std::optional<ContainerEvent>();
        }
        ContainerEvent event;
        event.action = StringMember(*message, "Action");
        if (event.action.empty())
          event.action = StringMember(*message, "status");
        event.container_id = StringMember(*message, "id");
        if (const Json* actor = Member(*message, "Actor")) {
          if (event.container_id.empty()) {
            event.container_id = StringMember(*actor, "ID");
          }
          event.attributes = StringMap(Member(*actor, "Attributes"));
        }
        if (const Json* nanos = Member(*message, "timeNano");
            nanos != nullptr && nanos->is_number_integer()) {
          event.time = std::chrono::floor<Duration>(
              std::chrono::sys_time<std::chrono::nanoseconds>(
                  std::chrono::nanoseconds(nanos->get<int64_t>())));
        } else if (const Json* seconds = Member(*message, "time");
                   seconds != nullptr && seconds->is_number_integer() &&
                   seconds->get<int64_t>() >= -kMaxEventSeconds &&
                   seconds->get<int64_t>() <= kMaxEventSeconds) {
          event.time = Timestamp(std::chrono::seconds(seconds->get<int64_t>()));
        }
        if (event.action.empty() || event.container_id.empty()) {
          return Malformed(kWhat, "a container event without Action or id");
        }
        return std::optional<ContainerEvent>(std::move(event));
      });
}

void LineSplitter::Feed(std::string_view bytes) {
  if (taken_ > 0) {  // what was taken goes before the buffer grows
    buffer_.erase(0, taken_);
    taken_ = 0;
  }
  buffer_ += bytes;
}

std::optional<std::string> LineSplitter::TakeLine() {
  const size_t end = buffer_.find('\n', taken_);
  if (end == std::string::npos) return std::nullopt;
  std::string line = buffer_.substr(taken_, end - taken_);
  taken_ = end + 1;
  return line;
}

}  // namespace rtm
