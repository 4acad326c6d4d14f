#include "controller/cli/runtime_views.h"

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "controller/cli/text_table.h"
#include "reconcile/domain/time.h"

namespace rtm {
namespace {

using Json = nlohmann::json;

constexpr std::string_view kNone = "<none>";

const Json* FindField(const Json& object, std::string_view pointer) {
  try {
    const Json::json_pointer path{std::string(pointer)};
    if (!object.contains(path)) return nullptr;
    const Json& value = object.at(path);
    return value.is_null() ? nullptr : &value;
  } catch (const Json::exception&) {
    return nullptr;
  }
}

const Json& ArrayAt(const Json& object, std::string_view pointer) {
  static const Json kEmptyArray = Json::array();
  const Json* value = FindField(object, pointer);
  return value != nullptr && value->is_array() ? *value : kEmptyArray;
}

std::string TextOrDash(const Json& object, std::string_view pointer) {
  std::string text = FieldText(object, pointer);
  return text.empty() ? "-" : text;
}

std::string OrNone(std::string text) {
  return text.empty() ? std::string(kNone) : text;
}

// "2026-11-25T02:55:58.427Z (5m ago)"; "" when `at` is empty.
std::string TimeWithAge(const std::string& at, Timestamp now) {
  if (at.empty()) return "";
  const std::string age = AgeSince(at, now);
  return age == "-" ? at : at + " (" + age + " ago)";
}

// Arguments joined by spaces; an empty argument or one with blanks or
// quotes is single-quoted.
std::string JoinArguments(const Json& arguments) {
  std::string joined;
  for (const Json& argument : arguments) {
    std::string text = argument.is_string() ? argument.get<std::string>()
                                            : argument.dump();
    if (text.empty() || text.find_first_of(" \t\n'\"") != std::string::npos) {
      text = "'" + text + "'";
    }
    if (!joined.empty()) joined += ' ';
    joined += text;
  }
  return joined;
}

// "k=v, k2=v2" of a string map, in key order.
std::string JoinPairs(const Json* map) {
  std::string joined;
  if (map == nullptr || !map->is_object()) return joined;
  for (const auto& [key, value] : map->items()) {
    if (!joined.empty()) joined += ", ";
    joined += key + "=" + (value.is_string() ? value.get<std::string>() : value.dump());
  }
  return joined;
}

// "127.0.0.1:18080->8080/tcp"; an ephemeral host port shows as "(any)".
std::string JoinPorts(const Json& ports) {
  std::string joined;
  for (const Json& port : ports) {
    const std::string host_port = FieldText(port, "/hostPort");
    const std::string host_ip = FieldText(port, "/hostIP");
    if (!joined.empty()) joined += ", ";
    joined += (host_ip.empty() ? "127.0.0.1" : host_ip) + ":" +
              (host_port.empty() || host_port == "0" ? "(any)" : host_port) +
              "->" + FieldText(port, "/containerPort") + "/" +
              FieldText(port, "/protocol");
  }
  return joined;
}

std::string DescribeHealthCheck(const Json& runtime) {
  const Json* check = FindField(runtime, "/spec/healthCheck");
  if (check == nullptr) return "";
  return JoinArguments(ArrayAt(*check, "/command")) + " (interval " +
         FieldText(*check, "/intervalSeconds") + "s, timeout " +
         FieldText(*check, "/timeoutSeconds") + "s, retries " +
         FieldText(*check, "/retries") + ")";
}

std::string DescribeResources(const Json& runtime) {
  std::string text;
  if (const std::string memory = FieldText(runtime, "/spec/resources/memoryMiB");
      !memory.empty()) {
    text = "memory " + memory + "Mi";
  }
  if (const std::string cpus = FieldText(runtime, "/spec/resources/cpus"); !cpus.empty()) {
    text += (text.empty() ? "" : ", ") + std::string("cpus ") + cpus;
  }
  return text;
}

std::string DescribeLastError(const Json& runtime, Timestamp now) {
  const Json* error = FindField(runtime, "/status/lastError");
  if (error == nullptr) return "";
  const std::string at = FieldText(*error, "/at");
  return FieldText(*error, "/code") + ": " + FieldText(*error, "/message") +
         (at.empty() ? "" : " (at " + TimeWithAge(at, now) + ")");
}

std::string DescribeLastRestart(const Json& runtime, Timestamp now) {
  const Json* restart = FindField(runtime, "/status/lastRestart");
  if (restart == nullptr) return "";
  const std::string code = FieldText(*restart, "/errorCode");
  std::string text = "restartGeneration " + FieldText(*restart, "/restartGeneration") +
                     ": " + FieldText(*restart, "/outcome") +
                     (code.empty() ? "" : " (" + code + ")");
  if (const std::string id = FieldText(*restart, "/containerId"); !id.empty()) {
    text += ", container " + ShortContainerId(id);
  }
  if (const std::string ref = FieldText(*restart, "/sourceRef"); !ref.empty()) {
    text += ", ref " + ref;
  }
  if (const std::string at = FieldText(*restart, "/finishedAt"); !at.empty()) {
    text += ", finished " + TimeWithAge(at, now);
  }
  return text;
}

// "OOMKilled (exit code 137), container 3e1b7c0d9a2f, finished 2m ago".
std::string DescribeLastTermination(const Json& runtime, Timestamp now) {
  const Json* ended = FindField(runtime, "/status/lastTermination");
  if (ended == nullptr) return "";
  std::string text = FieldText(*ended, "/reason") + " (exit code " +
                     FieldText(*ended, "/exitCode") + ")";
  if (const std::string id = FieldText(*ended, "/containerId"); !id.empty()) {
    text += ", container " + ShortContainerId(id);
  }
  if (const std::string at = FieldText(*ended, "/finishedAt"); !at.empty()) {
    text += ", finished " + TimeWithAge(at, now);
  }
  return text;
}

using Fields = std::vector<std::pair<std::string, std::string>>;

// "Label:   value" lines, values aligned; empty values show <none>.
std::string RenderFields(const Fields& fields, std::string_view indent) {
  size_t width = 0;
  for (const auto& [label, value] : fields) width = std::max(width, label.size());
  std::string text;
  for (const auto& [label, value] : fields) {
    std::string line = std::string(indent) + label + ":";
    line.append(width + 2 - label.size(), ' ');
    text += line + OrNone(value) + "\n";
  }
  return text;
}

Fields ObjectFields(const Json& runtime, Timestamp now) {
  Fields fields{
      {"Name", FieldText(runtime, "/metadata/name")},
      {"Labels", JoinPairs(FindField(runtime, "/metadata/labels"))},
      {"Source", FieldText(runtime, "/metadata/source")},
  };
  if (FieldText(runtime, "/metadata/deleted") == "true") {
    fields.emplace_back("Deleted", "true (the manifest no longer declares it)");
  }
  fields.insert(fields.end(), {
      {"Phase", FieldText(runtime, "/status/phase")},
      {"Generation", TextOrDash(runtime, "/metadata/generation") + " (observed " +
                         TextOrDash(runtime, "/status/observedGeneration") + ")"},
      {"Restart Generation",
       TextOrDash(runtime, "/spec/restartGeneration") + " in spec, " +
           TextOrDash(runtime, "/status/observedRestartGeneration") + " observed"},
      {"Container", FieldText(runtime, "/status/containerId")},
      {"Image Ref", FieldText(runtime, "/status/imageRef")},
      {"Hostname", FieldText(runtime, "/status/hostname")},
      {"Health", FieldText(runtime, "/status/health")},
      {"Restarts", FieldText(runtime, "/status/restartCount")},
      {"Last Error", DescribeLastError(runtime, now)},
      {"Last Restart", DescribeLastRestart(runtime, now)},
      {"Last Termination", DescribeLastTermination(runtime, now)},
  });
  return fields;
}

// The placement lines (cluster mode), only for the fields the spec sets.
void AppendPlacementFields(const Json& runtime, Fields& fields) {
  if (std::string node = FieldText(runtime, "/spec/nodeName"); !node.empty()) {
    fields.emplace_back("Node Name", std::move(node));
  }
  if (std::string selector = JoinPairs(FindField(runtime, "/spec/nodeSelector"));
      !selector.empty()) {
    fields.emplace_back("Node Selector", std::move(selector));
  }
}

// The lines of what spares players across restarts, only when set.
void AppendRestartPolicyFields(const Json& runtime, Fields& fields) {
  if (const Json* schedule = FindField(runtime, "/spec/restartSchedule")) {
    std::string text = FieldText(*schedule, "/cron") + " " + FieldText(*schedule, "/timeZone");
    std::vector<std::string> befores;
    for (const Json& warning : ArrayAt(*schedule, "/warnings")) {
      befores.push_back(FieldText(warning, "/before"));
    }
    if (!befores.empty()) {
      text += ", warnings";
      for (size_t i = 0; i < befores.size(); ++i) text += (i == 0 ? " " : ", ") + befores[i];
      text += " before";
    }
    fields.emplace_back("Restart Schedule", std::move(text));
  }
  if (FindField(runtime, "/metadata/disruptionBudget") != nullptr) {
    fields.emplace_back(
        "Disruption Budget",
        FieldText(runtime, "/metadata/disruptionBudget/name") + " (maxUnavailable " +
            FieldText(runtime, "/metadata/disruptionBudget/maxUnavailable") +
            ", minReadySeconds " +
            FieldText(runtime, "/metadata/disruptionBudget/minReadySeconds") + ")");
  }
}

Fields SpecFields(const Json& runtime) {
  const std::string stop_timeout = FieldText(runtime, "/spec/stopTimeoutSeconds");
  Fields fields{
      {"Image", FieldText(runtime, "/spec/image")},
      {"State", FieldText(runtime, "/spec/state")},
      {"Command", JoinArguments(ArrayAt(runtime, "/spec/command"))},
      {"Env", JoinPairs(FindField(runtime, "/spec/env"))},
      {"Ports", JoinPorts(ArrayAt(runtime, "/spec/ports"))},
      {"Health Check", DescribeHealthCheck(runtime)},
      {"Stop Timeout", stop_timeout.empty() ? "" : stop_timeout + "s"},
      {"Resources", DescribeResources(runtime)},
  };
  AppendPlacementFields(runtime, fields);
  AppendRestartPolicyFields(runtime, fields);
  return fields;
}

std::string ConditionsTable(const Json& runtime, Timestamp now) {
  std::vector<TableRow> rows;
  for (const Json& condition : ArrayAt(runtime, "/status/conditions")) {
    rows.push_back({FieldText(condition, "/type"), FieldText(condition, "/status"),
                    FieldText(condition, "/reason"),
                    TimeWithAge(FieldText(condition, "/lastTransitionTime"), now),
                    FieldText(condition, "/message")});
  }
  if (rows.empty()) return "Conditions:  <none>\n";
  return "Conditions:\n" +
         RenderTable({"TYPE", "STATUS", "REASON", "LAST TRANSITION", "MESSAGE"},
                     rows, "  ");
}

std::string OperationsSection(const Expected<Json>& operations) {
  if (!operations) return "Operations:  <unavailable: " + operations.error().message + ">\n";
  if (!operations->is_array() || operations->empty()) return "Operations:  <none>\n";
  return "Operations (newest first):\n" + OperationsTable(*operations, "  ");
}

}  // namespace

std::string FieldText(const Json& object, std::string_view pointer) {
  const Json* value = FindField(object, pointer);
  if (value == nullptr || value->is_structured()) return "";
  return value->is_string() ? value->get<std::string>() : value->dump();
}

int64_t FieldInt(const Json& object, std::string_view pointer, int64_t fallback) {
  const Json* value = FindField(object, pointer);
  return value != nullptr && value->is_number_integer() ? value->get<int64_t>()
                                                        : fallback;
}

const Json* FindCondition(const Json& runtime, std::string_view type) {
  for (const Json& condition : ArrayAt(runtime, "/status/conditions")) {
    if (FieldText(condition, "/type") == type) return &condition;
  }
  return nullptr;
}

std::string RuntimeAge(const Json& runtime, Timestamp now) {
  if (const Json* ready = FindCondition(runtime, "Ready")) {
    const std::string since = FieldText(*ready, "/lastTransitionTime");
    if (ParseRfc3339(since)) return AgeSince(since, now);
  }
  std::optional<Timestamp> oldest;
  for (const Json& condition : ArrayAt(runtime, "/status/conditions")) {
    const auto at = ParseRfc3339(FieldText(condition, "/lastTransitionTime"));
    if (at && (!oldest || *at < *oldest)) oldest = at;
  }
  return oldest ? FormatAge(now - *oldest) : "-";
}

std::string RuntimesTable(const Json& runtimes, Timestamp now, bool wide) {
  std::vector<TableRow> rows;
  for (const Json& runtime : runtimes) {
    TableRow row{FieldText(runtime, "/metadata/name"),
                 FieldText(runtime, "/status/phase"),
                 FieldText(runtime, "/metadata/generation"),
                 FieldText(runtime, "/status/observedGeneration"),
                 FieldText(runtime, "/status/restartCount"),
                 ShortContainerId(FieldText(runtime, "/status/containerId")),
                 FieldText(runtime, "/spec/image"), RuntimeAge(runtime, now)};
    if (wide) {
      row.push_back(FieldText(runtime, "/status/nodeName"));
      row.push_back(FieldText(runtime, "/status/health"));
    }
    rows.push_back(std::move(row));
  }
  TableRow header{"NAME",      "PHASE", "GEN", "OBSERVED", "RESTARTS",
                  "CONTAINER", "IMAGE", "AGE"};
  if (wide) header.insert(header.end(), {"NODE", "HEALTH"});
  return RenderTable(header, rows);
}

namespace {

// "drained after 3m12s", "drain deadline passed after 10m", "drain skipped
// on request after 1m".
std::string DrainText(const Json& drain) {
  const std::string outcome = FieldText(drain, "/outcome");
  const std::string waited =
      FormatDuration(Duration(FieldInt(drain, "/waitedMs", 0)));
  if (outcome == "drained") return "drained after " + waited;
  if (outcome == "deadline") return "drain deadline passed after " + waited;
  return "drain skipped on request after " + waited;
}

// "preStop exit 0 in 1s: world saved", "preStop timed out after 30s",
// "preStop could not run: ...".
std::string PreStopText(const Json& run) {
  const std::string took =
      FormatDuration(Duration(FieldInt(run, "/durationMs", 0)));
  std::string text;
  if (!FieldText(run, "/error").empty()) {
    return "preStop could not run: " + FieldText(run, "/error");
  }
  if (run.value("timedOut", false)) {
    text = "preStop timed out after " + took;
  } else {
    text = "preStop exit " + FieldText(run, "/exitCode") + " in " + took;
  }
  std::string output = FieldText(run, "/output");
  const size_t end = output.find_last_not_of(" \t\r\n");
  if (end != std::string::npos) {
    const size_t newline = output.rfind('\n', end);
    const size_t begin = newline == std::string::npos ? 0 : newline + 1;
    text += ": " + output.substr(begin, std::min<size_t>(end + 1 - begin, 80));
  }
  return text;
}

// The error message, then what the drain gate and preStop did.
std::string OperationDetails(const Json& entry) {
  std::vector<std::string> parts;
  if (std::string message = FieldText(entry, "/errorMessage"); !message.empty()) {
    parts.push_back(std::move(message));
  }
  if (entry.contains("drain")) parts.push_back(DrainText(entry["drain"]));
  if (entry.contains("preStop")) parts.push_back(PreStopText(entry["preStop"]));
  std::string text;
  for (const std::string& part : parts) {
    text += (text.empty() ? "" : "; ") + part;
  }
  return text;
}

// Who asked through the API: "name@address", "-" for the other sources.
std::string RequesterText(const Json& entry) {
  if (!entry.contains("requestedBy")) return "-";
  const std::string name = FieldText(entry, "/requestedBy/name");
  const std::string address = FieldText(entry, "/requestedBy/address");
  return address.empty() ? name : name + "@" + address;
}

}  // namespace

std::string OperationsTable(const Json& operations, std::string_view indent) {
  std::vector<TableRow> rows;
  for (const Json& entry : operations) {
    rows.push_back({FieldText(entry, "/startedAt"), FieldText(entry, "/opKind"),
                    FieldText(entry, "/opSource"), RequesterText(entry),
                    FieldText(entry, "/outcome"),
                    FieldText(entry, "/errorCode"),
                    ShortContainerId(FieldText(entry, "/containerId")),
                    FieldText(entry, "/sourceRef"), OperationDetails(entry)});
  }
  return RenderTable({"TIME", "KIND", "SOURCE", "BY", "OUTCOME", "CODE", "CONTAINER",
                      "SOURCE REF", "MESSAGE"},
                     rows, indent);
}

std::string DescribeRuntime(const Json& runtime, const Expected<Json>& operations,
                            Timestamp now) {
  return RenderFields(ObjectFields(runtime, now), "") + "Spec:\n" +
         RenderFields(SpecFields(runtime), "  ") + ConditionsTable(runtime, now) +
         OperationsSection(operations);
}

std::string PlanTable(const Json& plan_items, bool include_converged) {
  std::vector<TableRow> rows;
  for (const Json& item : plan_items) {
    const std::string name = FieldText(item, "/name");
    const Json& actions = ArrayAt(item, "/actions");
    if (actions.empty() && include_converged) rows.push_back({name, "-", "converged"});
    for (const Json& action : actions) {
      rows.push_back({name, FieldText(action, "/action"), FieldText(action, "/reason")});
    }
  }
  if (rows.empty()) return "all converged\n";
  return RenderTable({"NAME", "ACTION", "REASON"}, rows);
}

}  // namespace rtm
