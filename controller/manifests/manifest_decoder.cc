#include "controller/manifests/manifest_decoder.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <map>
#include <system_error>
#include <tuple>
#include <utility>

#include "reconcile/schedule/cron.h"

namespace rtm {
namespace {

constexpr int64_t kIntMax = std::numeric_limits<int>::max();
// Beyond 2^53 - 1 JSON clients lose precision, and the effective restart
// generation (file + API restarts) must not overflow int64.
constexpr int64_t kMaxRestartGeneration = (int64_t{1} << 53) - 1;
// memoryMiB * 1024 * 1024 must fit the int64 byte count Docker takes.
constexpr int64_t kMaxMemoryMiB =
    std::numeric_limits<int64_t>::max() / (1024 * 1024);
// cpus * 1e9 must fit Docker's int64 NanoCpus with room to spare.
constexpr double kMaxCpus = 1e6;

struct IntegerRange {
  int64_t min;
  int64_t max;
  bool interval = false;  // report "must be in min..max", not one bound
};

constexpr IntegerRange kContainerPortRange{1, 65535, true};
constexpr IntegerRange kHostPortRange{0, 65535, true};
constexpr IntegerRange kNonNegativeInt{0, kIntMax};
constexpr IntegerRange kPositiveInt{1, kIntMax};
constexpr IntegerRange kRestartGenerationRange{0, kMaxRestartGeneration};
constexpr IntegerRange kMemoryMiBRange{4, kMaxMemoryMiB};

std::string Join(std::string_view prefix, std::string_view name) {
  if (prefix.empty()) return std::string(name);
  return std::string(prefix) + "." + std::string(name);
}

std::string Indexed(std::string_view field, size_t index) {
  return std::string(field) + "[" + std::to_string(index) + "]";
}

// Collects the problems of one document.
class Reporter {
 public:
  Reporter(std::string_view path, const ManifestDocument& document,
           std::vector<ManifestProblem>& problems)
      : path_(path),
        document_(document),
        problems_(problems),
        first_(problems.size()) {}

  // A line of 0 stands for the document's start.
  void Add(int line, std::string field, std::string message) {
    problems_.push_back(
        ManifestProblem{.path = std::string(path_),
                        .document_index = document_.index,
                        .line = line > 0 ? line : document_.line,
                        .field = std::move(field),
                        .message = std::move(message)});
  }

  bool clean() const { return problems_.size() == first_; }

 private:
  std::string_view path_;
  const ManifestDocument& document_;
  std::vector<ManifestProblem>& problems_;
  size_t first_;
};

bool ExpectMap(const ManifestNode& node, const std::string& field,
               Reporter& reporter) {
  if (node.kind == NodeKind::kMap) return true;
  reporter.Add(node.line, field, "must be a map");
  return false;
}

enum class Presence { kOptional, kRequired };

using FieldNames = std::initializer_list<std::string_view>;

// The members of a map node, checked against the fields its schema allows:
// unknown and repeated fields are reported on construction, missing
// required ones at `line` (where the map is named).
class FieldSet {
 public:
  FieldSet(const ManifestNode& map, int line, std::string prefix,
           FieldNames allowed, Reporter& reporter)
      : line_(line), prefix_(std::move(prefix)) {
    for (const ManifestMember& member : map.members) {
      if (std::find(allowed.begin(), allowed.end(), member.key) ==
          allowed.end()) {
        reporter.Add(member.key_line, Path(member.key), "unknown field");
        continue;
      }
      auto [first, inserted] = first_.try_emplace(member.key, &member);
      if (!inserted) {
        reporter.Add(member.key_line, Path(member.key),
                     "duplicate field, first set at line " +
                         std::to_string(first->second->key_line));
      }
    }
  }

  // The first value given for `name`; nullptr when absent or null.
  const ManifestNode* Find(std::string_view name) const {
    const auto found = first_.find(name);
    if (found == first_.end()) return nullptr;
    const ManifestNode& value = found->second->value;
    return value.kind == NodeKind::kNull ? nullptr : &value;
  }

  // Like Find, reporting "required" when missing.
  const ManifestNode* Require(std::string_view name, Reporter& reporter) const {
    const ManifestNode* value = Find(name);
    if (value == nullptr) reporter.Add(line_, Path(name), "required");
    return value;
  }

  // The map value of `name`, its missing fields reported at the line of
  // `name`; nullopt when absent, null or not a map (reported).
  std::optional<FieldSet> Nested(std::string_view name, Presence presence,
                                 FieldNames allowed, Reporter& reporter) const {
    const ManifestNode* value =
        presence == Presence::kRequired ? Require(name, reporter) : Find(name);
    if (value == nullptr || !ExpectMap(*value, Path(name), reporter)) {
      return std::nullopt;
    }
    const int key_line = first_.find(name)->second->key_line;
    return FieldSet(*value, key_line, Path(name), allowed, reporter);
  }

  std::string Path(std::string_view name) const { return Join(prefix_, name); }

 private:
  int line_;
  std::string prefix_;
  std::map<std::string_view, const ManifestMember*, std::less<>> first_;
};

bool ExpectList(const ManifestNode& node, const std::string& field,
                Reporter& reporter) {
  if (node.kind == NodeKind::kList) return true;
  reporter.Add(node.line, field, "must be a list");
  return false;
}

std::optional<std::string> ReadString(const ManifestNode& node,
                                      const std::string& field,
                                      Reporter& reporter) {
  if (node.kind == NodeKind::kString) return node.text;
  reporter.Add(node.line, field, "must be a string");
  return std::nullopt;
}

std::optional<std::string> ReadNonEmptyString(const ManifestNode& node,
                                              const std::string& field,
                                              Reporter& reporter) {
  std::optional<std::string> text = ReadString(node, field, reporter);
  if (text && text->empty()) {
    reporter.Add(node.line, field, "must not be empty");
    return std::nullopt;
  }
  return text;
}

std::string RangeMessage(const IntegerRange& range, int64_t value) {
  if (range.interval) {
    return "must be in " + std::to_string(range.min) + ".." +
           std::to_string(range.max);
  }
  if (value < range.min) return "must be >= " + std::to_string(range.min);
  return "must be <= " + std::to_string(range.max);
}

// Decimal integer text → int64, saturating beyond the int64 range so that
// the range check reports it; nullopt when not an integer at all.
std::optional<int64_t> SaturatingInteger(std::string_view text) {
  if (text.starts_with('+')) text.remove_prefix(1);
  int64_t value = 0;
  const auto [end, error] =
      std::from_chars(text.data(), text.data() + text.size(), value);
  if (end != text.data() + text.size()) return std::nullopt;
  if (error == std::errc::result_out_of_range) {
    return text.starts_with('-') ? std::numeric_limits<int64_t>::min()
                                 : std::numeric_limits<int64_t>::max();
  }
  if (error != std::errc()) return std::nullopt;
  return value;
}

std::optional<int64_t> ReadInteger(const ManifestNode& node,
                                   const std::string& field,
                                   const IntegerRange& range,
                                   Reporter& reporter) {
  std::optional<int64_t> value;
  if (node.kind == NodeKind::kInteger) value = SaturatingInteger(node.text);
  if (!value) {
    reporter.Add(node.line, field, "must be an integer");
    return std::nullopt;
  }
  if (*value < range.min || *value > range.max) {
    reporter.Add(node.line, field, RangeMessage(range, *value));
    return std::nullopt;
  }
  return value;
}

// Integers of `range` (within int) into an int field.
void ReadIntInto(const ManifestNode* node, const std::string& field,
                 const IntegerRange& range, Reporter& reporter, int& out) {
  if (node == nullptr) return;
  if (auto value = ReadInteger(*node, field, range, reporter)) {
    out = static_cast<int>(*value);
  }
}

std::optional<double> FiniteNumber(std::string_view text) {
  if (text.starts_with('+')) text.remove_prefix(1);
  double value = 0;
  const auto [end, error] =
      std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() ||
      !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

std::optional<double> ReadNumber(const ManifestNode& node,
                                 const std::string& field, Reporter& reporter) {
  if (node.kind != NodeKind::kInteger && node.kind != NodeKind::kFloat) {
    reporter.Add(node.line, field, "must be a number");
    return std::nullopt;
  }
  std::optional<double> value = FiniteNumber(node.text);
  if (!value) reporter.Add(node.line, field, "must be a finite number");
  return value;
}

std::optional<std::vector<std::string>> ReadStringList(const ManifestNode& node,
                                                       const std::string& field,
                                                       Reporter& reporter) {
  if (!ExpectList(node, field, reporter)) return std::nullopt;
  std::vector<std::string> strings;
  bool all_strings = true;
  for (size_t i = 0; i < node.items.size(); ++i) {
    std::optional<std::string> text =
        ReadString(node.items[i], Indexed(field, i), reporter);
    all_strings = all_strings && text.has_value();
    if (text) strings.push_back(std::move(*text));
  }
  if (!all_strings) return std::nullopt;
  return strings;
}

// What a string map's entries must be, beyond scalars under non-empty keys.
enum class EntryRule {
  kAny,
  kEnvironmentName,  // keys without '='
  kNodeSelector,     // keys and values of the nodeSelector syntax (game_spec.h)
};

// "spec.env.MAP"; a nodeSelector entry is spec.nodeSelector["zone"], since
// its keys may hold dots and slashes.
std::string EntryPath(const std::string& field, std::string_view key,
                      EntryRule rule) {
  if (rule == EntryRule::kNodeSelector) return NodeSelectorEntryPath(key);
  return Join(field, key);
}

bool CheckMapKey(const ManifestMember& member, const std::string& field,
                 EntryRule rule, Reporter& reporter) {
  if (member.key.empty()) {
    reporter.Add(member.key_line, field, "keys must not be empty");
    return false;
  }
  if (rule == EntryRule::kEnvironmentName &&
      member.key.find('=') != std::string::npos) {
    reporter.Add(member.key_line, EntryPath(field, member.key, rule),
                 "must not contain '='");
    return false;
  }
  if (rule == EntryRule::kNodeSelector &&
      !IsValidNodeSelectorKey(member.key)) {
    reporter.Add(member.key_line, EntryPath(field, member.key, rule),
                 std::string(kNodeSelectorKeyRule));
    return false;
  }
  return true;
}

// The value of an entry as its text ("8080", "true"); nullopt when it is
// not a scalar or breaks `rule` (reported at `entry`).
std::optional<std::string> ReadMapValue(const ManifestNode& value,
                                        const std::string& entry,
                                        EntryRule rule, Reporter& reporter) {
  if (!value.IsScalar() || value.kind == NodeKind::kNull) {
    reporter.Add(value.line, entry, "must be a string");
    return std::nullopt;
  }
  if (rule == EntryRule::kNodeSelector &&
      !IsValidNodeSelectorValue(value.text)) {
    reporter.Add(value.line, entry, std::string(kNodeSelectorValueRule));
    return std::nullopt;
  }
  return value.text;
}

// A map whose values are scalars, kept as their text ("8080", "true").
std::optional<std::map<std::string, std::string>> ReadStringMap(
    const ManifestNode& node, const std::string& field, EntryRule rule,
    Reporter& reporter) {
  if (!ExpectMap(node, field, reporter)) return std::nullopt;
  std::map<std::string, std::string> strings;
  std::map<std::string_view, int> key_lines;
  bool valid = true;
  for (const ManifestMember& member : node.members) {
    const std::string entry = EntryPath(field, member.key, rule);
    if (!CheckMapKey(member, field, rule, reporter)) {
      valid = false;
    } else if (auto [first, inserted] =
                   key_lines.try_emplace(member.key, member.key_line);
               !inserted) {
      reporter.Add(
          member.key_line, entry,
          "duplicate key, first set at line " + std::to_string(first->second));
      valid = false;
    } else if (auto text = ReadMapValue(member.value, entry, rule, reporter)) {
      strings.emplace(member.key, std::move(*text));
    } else {
      valid = false;
    }
  }
  if (!valid) return std::nullopt;
  return strings;
}

void ExpectConstant(const FieldSet& fields, std::string_view name,
                    std::string_view expected, Reporter& reporter) {
  const ManifestNode* node = fields.Require(name, reporter);
  if (node == nullptr) return;
  const std::string field = fields.Path(name);
  std::optional<std::string> text = ReadString(*node, field, reporter);
  if (text && *text != expected) {
    reporter.Add(node->line, field, "must be " + std::string(expected));
  }
}

struct DecodedMetadata {
  std::optional<std::string> name;
  int name_line = 0;
  std::map<std::string, std::string> labels;
};

void DecodeName(const FieldSet& fields, Reporter& reporter,
                DecodedMetadata& out) {
  const ManifestNode* node = fields.Require("name", reporter);
  if (node == nullptr) return;
  std::optional<std::string> name =
      ReadString(*node, fields.Path("name"), reporter);
  if (!name) return;
  if (!IsValidGameId(*name)) {
    reporter.Add(node->line, fields.Path("name"), std::string(kDnsLabelRule));
    return;
  }
  out.name = std::move(name);
  out.name_line = node->line;
}

DecodedMetadata DecodeMetadata(const FieldSet& root, Reporter& reporter) {
  DecodedMetadata out;
  std::optional<FieldSet> fields = root.Nested("metadata", Presence::kRequired,
                                               {"name", "labels"}, reporter);
  if (!fields) return out;
  DecodeName(*fields, reporter, out);
  if (const ManifestNode* labels = fields->Find("labels")) {
    auto strings =
        ReadStringMap(*labels, fields->Path("labels"), EntryRule::kAny,
                      reporter);
    if (strings) out.labels = std::move(*strings);
  }
  return out;
}

bool IsIpAddress(const std::string& text) {
  unsigned char address[sizeof(struct in6_addr)];
  return inet_pton(AF_INET, text.c_str(), address) == 1 ||
         inet_pton(AF_INET6, text.c_str(), address) == 1;
}

void DecodeProtocol(const FieldSet& fields, Reporter& reporter,
                    PortMapping& port) {
  const ManifestNode* node = fields.Find("protocol");
  if (node == nullptr) return;
  std::optional<std::string> protocol =
      ReadString(*node, fields.Path("protocol"), reporter);
  if (!protocol) return;
  if (*protocol != "tcp" && *protocol != "udp") {
    reporter.Add(node->line, fields.Path("protocol"), "must be tcp or udp");
    return;
  }
  port.protocol = std::move(*protocol);
}

void DecodeHostIp(const FieldSet& fields, Reporter& reporter,
                  PortMapping& port) {
  const ManifestNode* node = fields.Find("hostIP");
  if (node == nullptr) return;
  std::optional<std::string> host_ip =
      ReadNonEmptyString(*node, fields.Path("hostIP"), reporter);
  if (!host_ip) return;
  if (!IsIpAddress(*host_ip)) {
    reporter.Add(node->line, fields.Path("hostIP"),
                 "must be an IPv4 or IPv6 address");
    return;
  }
  port.host_ip = std::move(*host_ip);
}

PortMapping DecodePort(const ManifestNode& node, const std::string& field,
                       Reporter& reporter) {
  PortMapping port;
  if (!ExpectMap(node, field, reporter)) return port;
  FieldSet fields(node, node.line, field,
                  {"containerPort", "hostPort", "protocol", "hostIP"},
                  reporter);
  ReadIntInto(fields.Require("containerPort", reporter),
              fields.Path("containerPort"), kContainerPortRange, reporter,
              port.container_port);
  ReadIntInto(fields.Find("hostPort"), fields.Path("hostPort"), kHostPortRange,
              reporter, port.host_port);
  DecodeProtocol(fields, reporter, port);
  DecodeHostIp(fields, reporter, port);
  return port;
}

// Two ports may not publish the same fixed host port, protocol and address.
void CheckHostPortsUnique(const ManifestNode& list,
                          const std::vector<PortMapping>& ports,
                          Reporter& reporter) {
  std::map<std::tuple<std::string, int, std::string>, size_t> published;
  for (size_t i = 0; i < ports.size(); ++i) {
    const PortMapping& port = ports[i];
    if (port.host_port == 0) continue;
    auto [first, inserted] = published.try_emplace(
        std::tuple(port.host_ip, port.host_port, port.protocol), i);
    if (inserted) continue;
    reporter.Add(
        list.items[i].line, Indexed("spec.ports", i) + ".hostPort",
        "already published by " + Indexed("spec.ports", first->second));
  }
}

void DecodePorts(const ManifestNode* node, Reporter& reporter, GameSpec& spec) {
  if (node == nullptr || !ExpectList(*node, "spec.ports", reporter)) return;
  for (size_t i = 0; i < node->items.size(); ++i) {
    spec.ports.push_back(
        DecodePort(node->items[i], Indexed("spec.ports", i), reporter));
  }
  CheckHostPortsUnique(*node, spec.ports, reporter);
}

// The required, non-empty argv `command` of a nested object.
void DecodeCommand(const FieldSet& fields, Reporter& reporter,
                   std::vector<std::string>& out) {
  const ManifestNode* command = fields.Require("command", reporter);
  if (command == nullptr) return;
  auto argv = ReadStringList(*command, fields.Path("command"), reporter);
  if (argv && argv->empty()) {
    reporter.Add(command->line, fields.Path("command"), "must not be empty");
  } else if (argv) {
    out = std::move(*argv);
  }
}

// stopSignal, preStop {command, timeoutSeconds} and drain {command,
// periodSeconds, maxWaitSeconds, timeoutSeconds}.
void DecodeStopHooks(const FieldSet& spec_fields, Reporter& reporter,
                     GameSpec& spec) {
  if (const ManifestNode* node = spec_fields.Find("stopSignal")) {
    std::optional<std::string> signal =
        ReadString(*node, "spec.stopSignal", reporter);
    if (signal && !IsKnownStopSignal(*signal)) {
      reporter.Add(node->line, "spec.stopSignal", std::string(kStopSignalRule));
    } else if (signal) {
      spec.stop_signal = std::move(*signal);
    }
  }
  if (std::optional<FieldSet> fields = spec_fields.Nested(
          "preStop", Presence::kOptional, {"command", "timeoutSeconds"},
          reporter)) {
    ExecHook hook;
    DecodeCommand(*fields, reporter, hook.command);
    ReadIntInto(fields->Find("timeoutSeconds"), fields->Path("timeoutSeconds"),
                kPositiveInt, reporter, hook.timeout_seconds);
    spec.pre_stop = std::move(hook);
  }
  if (std::optional<FieldSet> fields = spec_fields.Nested(
          "drain", Presence::kOptional,
          {"command", "periodSeconds", "maxWaitSeconds", "timeoutSeconds"},
          reporter)) {
    DrainPolicy drain;
    DecodeCommand(*fields, reporter, drain.command);
    ReadIntInto(fields->Find("periodSeconds"), fields->Path("periodSeconds"),
                kPositiveInt, reporter, drain.period_seconds);
    ReadIntInto(fields->Find("maxWaitSeconds"), fields->Path("maxWaitSeconds"),
                kNonNegativeInt, reporter, drain.max_wait_seconds);
    ReadIntInto(fields->Find("timeoutSeconds"), fields->Path("timeoutSeconds"),
                kPositiveInt, reporter, drain.timeout_seconds);
    spec.drain = std::move(drain);
  }
}

// restartSchedule {cron, timeZone, startingDeadlineSeconds, warnings:
// [{before, command, timeoutSeconds}]}; the zone is looked up in
// `time_zones` when there is one.
void DecodeRestartSchedule(const FieldSet& spec_fields, TimeZoneDatabase* time_zones,
                           Reporter& reporter, GameSpec& spec) {
  std::optional<FieldSet> fields = spec_fields.Nested(
      "restartSchedule", Presence::kOptional,
      {"cron", "timeZone", "startingDeadlineSeconds", "warnings"}, reporter);
  if (!fields) return;
  RestartSchedule schedule;
  if (const ManifestNode* cron = fields->Require("cron", reporter)) {
    if (auto text = ReadString(*cron, fields->Path("cron"), reporter)) {
      if (auto parsed = CronExpression::Parse(*text); !parsed) {
        reporter.Add(cron->line, fields->Path("cron"), parsed.error().message);
      }
      schedule.cron = std::move(*text);
    }
  }
  if (const ManifestNode* zone = fields->Find("timeZone")) {
    if (auto text = ReadNonEmptyString(*zone, fields->Path("timeZone"), reporter)) {
      if (time_zones != nullptr) {
        if (auto located = time_zones->Locate(*text); !located) {
          reporter.Add(zone->line, fields->Path("timeZone"), located.error().message);
        }
      }
      schedule.time_zone = std::move(*text);
    }
  }
  if (const ManifestNode* deadline = fields->Find("startingDeadlineSeconds")) {
    if (auto value = ReadInteger(*deadline, fields->Path("startingDeadlineSeconds"),
                                 kNonNegativeInt, reporter)) {
      schedule.starting_deadline_seconds = static_cast<int>(*value);
    }
  }
  if (const ManifestNode* list = fields->Find("warnings")) {
    const std::string field = fields->Path("warnings");
    if (ExpectList(*list, field, reporter)) {
      for (size_t i = 0; i < list->items.size(); ++i) {
        const ManifestNode& item = list->items[i];
        const std::string path = Indexed(field, i);
        if (!ExpectMap(item, path, reporter)) continue;
        FieldSet warning_fields(item, item.line, path,
                                {"before", "command", "timeoutSeconds"}, reporter);
        ScheduleWarning warning;
        if (const ManifestNode* before = warning_fields.Require("before", reporter)) {
          // A number ("before: 15") gets the rule too: it has no unit.
          std::optional<Duration> parsed;
          if (before->kind == NodeKind::kString) {
            if (auto duration = ParseDuration(before->text)) parsed = *duration;
          }
          if (!parsed || *parsed < std::chrono::seconds(1) ||
              *parsed > std::chrono::hours(24 * 366) ||
              *parsed % std::chrono::seconds(1) != Duration{0}) {
            reporter.Add(before->line, warning_fields.Path("before"),
                         "must be whole seconds from 1s to a year, such as \"15m\", \"30s\" or \"1h30m\"");
          } else {
            warning.before_seconds = static_cast<int>(
                std::chrono::duration_cast<std::chrono::seconds>(*parsed).count());
          }
        }
        DecodeCommand(warning_fields, reporter, warning.command);
        ReadIntInto(warning_fields.Find("timeoutSeconds"),
                    warning_fields.Path("timeoutSeconds"), kPositiveInt, reporter,
                    warning.timeout_seconds);
        schedule.warnings.push_back(std::move(warning));
      }
    }
  }
  spec.restart_schedule = std::move(schedule);
}

void DecodeHealthCheck(const FieldSet& spec_fields, Reporter& reporter,
                       GameSpec& spec) {
  std::optional<FieldSet> fields = spec_fields.Nested(
      "healthCheck", Presence::kOptional,
      {"command", "intervalSeconds", "timeoutSeconds", "retries"}, reporter);
  if (!fields) return;
  HealthCheck check;
  DecodeCommand(*fields, reporter, check.command);
  ReadIntInto(fields->Find("intervalSeconds"), fields->Path("intervalSeconds"),
              kPositiveInt, reporter, check.interval_seconds);
  ReadIntInto(fields->Find("timeoutSeconds"), fields->Path("timeoutSeconds"),
              kPositiveInt, reporter, check.timeout_seconds);
  ReadIntInto(fields->Find("retries"), fields->Path("retries"), kNonNegativeInt,
              reporter, check.retries);
  spec.health_check = std::move(check);
}

void DecodeCpus(const ManifestNode* node, const std::string& field,
                Reporter& reporter, Resources& resources) {
  if (node == nullptr) return;
  std::optional<double> cpus = ReadNumber(*node, field, reporter);
  if (!cpus) return;
  if (*cpus <= 0) {
    reporter.Add(node->line, field, "must be > 0");
  } else if (*cpus > kMaxCpus) {
    reporter.Add(node->line, field, "must be <= 1000000");
  } else {
    resources.cpus = *cpus;
  }
}

void DecodeResources(const FieldSet& spec_fields, Reporter& reporter,
                     GameSpec& spec) {
  std::optional<FieldSet> fields = spec_fields.Nested(
      "resources", Presence::kOptional, {"memoryMiB", "cpus"}, reporter);
  if (!fields) return;
  if (const ManifestNode* memory = fields->Find("memoryMiB")) {
    spec.resources.memory_mib = ReadInteger(*memory, fields->Path("memoryMiB"),
                                            kMemoryMiBRange, reporter);
  }
  DecodeCpus(fields->Find("cpus"), fields->Path("cpus"), reporter,
             spec.resources);
}

void DecodeState(const ManifestNode* node, Reporter& reporter, GameSpec& spec) {
  if (node == nullptr) return;
  std::optional<std::string> state = ReadString(*node, "spec.state", reporter);
  if (!state) return;
  if (*state == "Running") {
    spec.state = DesiredState::kRunning;
  } else if (*state == "Stopped") {
    spec.state = DesiredState::kStopped;
  } else {
    reporter.Add(node->line, "spec.state", "must be Running or Stopped");
  }
}

void DecodeImageCommandEnv(const FieldSet& fields, Reporter& reporter,
                           GameSpec& spec) {
  if (const ManifestNode* image = fields.Require("image", reporter)) {
    spec.image = ReadNonEmptyString(*image, "spec.image", reporter)
                     .value_or(std::string());
  }
  if (const ManifestNode* command = fields.Find("command")) {
    spec.command = ReadStringList(*command, "spec.command", reporter)
                       .value_or(std::vector<std::string>());
  }
  if (const ManifestNode* env = fields.Find("env")) {
    spec.env =
        ReadStringMap(*env, "spec.env", EntryRule::kEnvironmentName, reporter)
            .value_or(std::map<std::string, std::string>());
  }
}

// secretEnv: {NAME: {file: PATH}}, PATH relative to --secrets-dir; a name
// may not be in env too (ValidateGameSpec states the rules).
void DecodeSecretEnv(const FieldSet& fields, Reporter& reporter, GameSpec& spec) {
  const ManifestNode* node = fields.Find("secretEnv");
  if (node == nullptr || !ExpectMap(*node, "spec.secretEnv", reporter)) return;
  for (const ManifestMember& member : node->members) {
    if (!CheckMapKey(member, "spec.secretEnv", EntryRule::kEnvironmentName, reporter)) {
      continue;
    }
    const std::string field = Join("spec.secretEnv", member.key);
    if (!ExpectMap(member.value, field, reporter)) continue;
    const FieldSet source(member.value, member.key_line, field, {"file"}, reporter);
    const ManifestNode* file = source.Require("file", reporter);
    if (file == nullptr) continue;
    std::optional<std::string> path = ReadString(*file, source.Path("file"), reporter);
    if (!path) continue;
    if (!IsCleanRelativePath(*path)) {
      reporter.Add(file->line, source.Path("file"),
                   "must be a relative path under --secrets-dir (no '..', not absolute)");
      continue;
    }
    if (spec.env.contains(member.key)) {
      reporter.Add(member.key_line, field,
                   "is also in spec.env; a variable comes from one of them");
      continue;
    }
    spec.secret_env[member.key] = SecretEnvSource{.file = std::move(*path)};
  }
}

// nodeName: a DNS label; nodeSelector: a map of the selector syntax.
void DecodePlacement(const FieldSet& fields, Reporter& reporter,
                     GameSpec& spec) {
  if (const ManifestNode* node = fields.Find("nodeName")) {
    std::optional<std::string> name =
        ReadString(*node, "spec.nodeName", reporter);
    if (name && !IsValidNodeName(*name)) {
      reporter.Add(node->line, "spec.nodeName", std::string(kDnsLabelRule));
    } else if (name) {
      spec.node_name = std::move(*name);
    }
  }
  if (const ManifestNode* selector = fields.Find("nodeSelector")) {
    spec.node_selector = ReadStringMap(*selector, "spec.nodeSelector",
                                       EntryRule::kNodeSelector, reporter)
                             .value_or(std::map<std::string, std::string>());
  }
}

std::optional<bool> ReadBool(const ManifestNode& node, const std::string& field,
                             Reporter& reporter) {
  if (node.kind == NodeKind::kBool) {
    return node.text == "true" || node.text == "True" || node.text == "TRUE";
  }
  reporter.Add(node.line, field, "must be true or false");
  return std::nullopt;
}

VolumeMount DecodeVolume(const ManifestNode& node, const std::string& field,
                         const std::vector<std::string>& allowed_host_paths,
                         Reporter& reporter) {
  VolumeMount volume;
  if (!ExpectMap(node, field, reporter)) return volume;
  FieldSet fields(node, node.line, field, {"name", "mountPath", "readOnly", "hostPath"},
                  reporter);
  if (const ManifestNode* name = fields.Require("name", reporter)) {
    volume.name = ReadNonEmptyString(*name, fields.Path("name"), reporter).value_or("");
  }
  if (const ManifestNode* path = fields.Require("mountPath", reporter)) {
    volume.mount_path =
        ReadNonEmptyString(*path, fields.Path("mountPath"), reporter).value_or("");
  }
  if (const ManifestNode* read_only = fields.Find("readOnly")) {
    volume.read_only = ReadBool(*read_only, fields.Path("readOnly"), reporter).value_or(false);
  }
  if (const ManifestNode* host = fields.Find("hostPath")) {
    std::optional<std::string> path = ReadNonEmptyString(*host, fields.Path("hostPath"), reporter);
    if (path && IsCleanAbsolutePath(*path)) {
      const bool allowed =
          std::any_of(allowed_host_paths.begin(), allowed_host_paths.end(),
                      [&](const std::string& prefix) { return IsUnderPrefix(*path, prefix); });
      if (!allowed) {
        reporter.Add(host->line, fields.Path("hostPath"),
                     "\"" + *path + "\" is not under a prefix the operator allows " +
                         (allowed_host_paths.empty()
                              ? std::string("(none: start rtmanager with --allow-host-path PREFIX)")
                              : "(--allow-host-path)"));
        path.reset();
      }
    }
    if (path) volume.host_path = std::move(*path);
  }
  return volume;
}

void DecodeVolumes(const FieldSet& fields, const std::vector<std::string>& allowed_host_paths,
                   Reporter& reporter, GameSpec& spec) {
  if (const ManifestNode* node = fields.Find("volumes");
      node != nullptr && ExpectList(*node, "spec.volumes", reporter)) {
    for (size_t i = 0; i < node->items.size(); ++i) {
      spec.volumes.push_back(DecodeVolume(node->items[i], Indexed("spec.volumes", i),
                                          allowed_host_paths, reporter));
    }
  }
  if (const ManifestNode* node = fields.Find("volumeReclaimPolicy")) {
    std::optional<std::string> policy =
        ReadString(*node, "spec.volumeReclaimPolicy", reporter);
    if (policy == "Retain") {
      spec.volume_reclaim_policy = VolumeReclaimPolicy::kRetain;
    } else if (policy == "Delete") {
      spec.volume_reclaim_policy = VolumeReclaimPolicy::kDelete;
    } else if (policy) {
      reporter.Add(node->line, "spec.volumeReclaimPolicy", "must be Retain or Delete");
    }
  }
}

GameSpec DecodeSpec(const FieldSet& root, const ManifestLimits& limits,
                    Reporter& reporter) {
  const std::vector<std::string>& allowed_host_paths = limits.allowed_host_paths;
  GameSpec spec;
  std::optional<FieldSet> found =
      root.Nested("spec", Presence::kRequired,
                  {"image", "command", "env", "secretEnv", "state", "restartGeneration",
                   "ports", "healthCheck", "stopTimeoutSeconds", "resources",
                   "volumes", "volumeReclaimPolicy", "maxConsecutiveFailures", "nodeName",
                   "nodeSelector", "stopSignal", "preStop", "drain", "restartSchedule"},
                  reporter);
  if (!found) return spec;
  const FieldSet& fields = *found;
  DecodeImageCommandEnv(fields, reporter, spec);
  DecodeSecretEnv(fields, reporter, spec);
  DecodeState(fields.Find("state"), reporter, spec);
  if (const ManifestNode* generation = fields.Find("restartGeneration")) {
    spec.restart_generation = ReadInteger(*generation, "spec.restartGeneration",
                                          kRestartGenerationRange, reporter)
                                  .value_or(0);
  }
  DecodePorts(fields.Find("ports"), reporter, spec);
  DecodeHealthCheck(fields, reporter, spec);
  ReadIntInto(fields.Find("stopTimeoutSeconds"), "spec.stopTimeoutSeconds",
              kNonNegativeInt, reporter, spec.stop_timeout_seconds);
  DecodeResources(fields, reporter, spec);
  DecodeStopHooks(fields, reporter, spec);
  DecodeVolumes(fields, allowed_host_paths, reporter, spec);
  if (const ManifestNode* max = fields.Find("maxConsecutiveFailures")) {
    if (auto value = ReadInteger(*max, "spec.maxConsecutiveFailures", kPositiveInt, reporter)) {
      spec.max_consecutive_failures = static_cast<int>(*value);
    }
  }
  DecodePlacement(fields, reporter, spec);
  DecodeRestartSchedule(fields, limits.time_zones, reporter, spec);
  return spec;
}

// ValidateGameSpec's "field: message" error as a problem at the document.
void CheckDomainInvariants(const GameSpec& spec, Reporter& reporter) {
  const Expected<void> valid = ValidateGameSpec(spec);
  if (valid) return;
  const std::string& message = valid.error().message;
  const size_t colon = message.find(": ");
  if (colon == std::string::npos) {
    reporter.Add(0, "spec", message);
  } else {
    reporter.Add(0, message.substr(0, colon), message.substr(colon + 2));
  }
}


// The kind a document declares, when it is one of ours; anything else is
// reported.
std::optional<std::string_view> DecodeKind(const FieldSet& fields,
                                           Reporter& reporter) {
  const ManifestNode* node = fields.Require("kind", reporter);
  if (node == nullptr) return std::nullopt;
  std::optional<std::string> text = ReadString(*node, "kind", reporter);
  if (!text) return std::nullopt;
  for (std::string_view kind : {kManifestKind, kBudgetKind}) {
    if (*text == kind) return kind;
  }
  reporter.Add(node->line, "kind",
               "must be " + std::string(kManifestKind) + " or " +
                   std::string(kBudgetKind));
  return std::nullopt;
}

// spec.maxUnavailable: an integer >= 0 or a string "N%" (0..100).
void DecodeMaxUnavailable(const FieldSet& spec, Reporter& reporter,
                          DisruptionBudget& budget) {
  const ManifestNode* node = spec.Require("maxUnavailable", reporter);
  if (node == nullptr) return;
  const std::string field = "spec.maxUnavailable";
  constexpr std::string_view kRule =
      "must be an integer >= 0 or a percentage such as \"10%\" (0% to 100%)";
  if (node->kind == NodeKind::kInteger) {
    if (auto value = ReadInteger(*node, field, kNonNegativeInt, reporter)) {
      budget.max_unavailable = MaxUnavailable{.value = *value};
    }
    return;
  }
  std::optional<MaxUnavailable> parsed;
  if (node->kind == NodeKind::kString && node->text.ends_with('%')) {
    parsed = ParseMaxUnavailable(node->text);
  }
  if (!parsed) {
    reporter.Add(node->line, field, std::string(kRule));
    return;
  }
  budget.max_unavailable = *parsed;
}

DisruptionBudget DecodeBudgetSpec(const FieldSet& root, Reporter& reporter) {
  DisruptionBudget budget;
  std::optional<FieldSet> spec =
      root.Nested("spec", Presence::kRequired,
                  {"selector", "maxUnavailable", "minReadySeconds"}, reporter);
  if (!spec) return budget;
  if (std::optional<FieldSet> selector = spec->Nested(
          "selector", Presence::kRequired, {"matchLabels"}, reporter)) {
    if (const ManifestNode* labels = selector->Require("matchLabels", reporter)) {
      const std::string field = "spec.selector.matchLabels";
      auto strings = ReadStringMap(*labels, field, EntryRule::kAny, reporter);
      if (strings && strings->empty()) {
        reporter.Add(labels->line, field,
                     "must name at least one label (a budget over every "
                     "game: label them all)");
      } else if (strings) {
        budget.match_labels = std::move(*strings);
      }
    }
  }
  DecodeMaxUnavailable(*spec, reporter, budget);
  ReadIntInto(spec->Find("minReadySeconds"), "spec.minReadySeconds",
              kNonNegativeInt, reporter, budget.min_ready_seconds);
  return budget;
}

}  // namespace

DecodedDocument DecodeDocument(std::string_view path,
                               const ManifestDocument& document,
                               std::vector<ManifestProblem>& problems,
                               const ManifestLimits& limits) {
  Reporter reporter(path, document, problems);
  DecodedDocument out;
  if (!ExpectMap(document.root, "", reporter)) return out;
  FieldSet fields(document.root, document.line, "",
                  {"apiVersion", "kind", "metadata", "spec"}, reporter);
  ExpectConstant(fields, "apiVersion", kManifestApiVersion, reporter);
  const std::optional<std::string_view> kind = DecodeKind(fields, reporter);
  DecodedMetadata metadata = DecodeMetadata(fields, reporter);
  out.kind = kind.value_or(kManifestKind);
  out.name = metadata.name;
  out.name_line = metadata.name_line;
  const ManifestSource source{.path = std::string(path),
                              .document_index = document.index,
                              .line = document.line};
  if (kind == kBudgetKind) {
    DisruptionBudget budget = DecodeBudgetSpec(fields, reporter);
    if (!reporter.clean() || !metadata.name) return out;
    budget.name = std::move(*metadata.name);
    budget.source = source;
    out.budget = std::move(budget);
    return out;
  }
  GameSpec spec = DecodeSpec(fields, limits, reporter);
  if (reporter.clean()) CheckDomainInvariants(spec, reporter);
  if (!reporter.clean() || !metadata.name) return out;
  out.runtime = ParsedRuntime{.name = std::move(*metadata.name),
                              .labels = std::move(metadata.labels),
                              .spec = std::move(spec),
                              .source = source};
  return out;
}

}  // namespace rtm
