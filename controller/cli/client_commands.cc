#include "controller/cli/client_commands.h"

#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <iterator>

#include "controller/cli/api_reply.h"
#include "controller/cli/flags.h"
#include "controller/cli/http_api_client.h"
#include "controller/cli/json_yaml.h"
#include "controller/cli/node_views.h"
#include "controller/cli/runtime_views.h"
#include "controller/cli/runtime_wait.h"
#include "controller/cli/validate_manifests.h"
#include "controller/cli/kubeconfig.h"
#include "controller/system/system_time_zones.h"
#include "controller/system/token_file.h"
#include "reconcile/domain/game_spec.h"

namespace rtm {
namespace {

using Json = nlohmann::json;

constexpr std::string_view kDefaultServer = "http://127.0.0.1:8088";
constexpr std::string_view kDefaultTimeout = "2m";
constexpr Duration kRequestTimeout = std::chrono::seconds(10);
constexpr int kDescribeOperations = 10;
constexpr int kDefaultHistoryLimit = 20;
constexpr int kMaxHistoryLimit = 1000;

enum class OutputFormat { kTable, kWide, kJson, kYaml };

const FlagSpec kServerFlag{"server", true,
                           "REST API URL (default $RTMANAGER_SERVER, else " +
                               std::string(kDefaultServer) + ")"};
const FlagSpec kTokenFileFlag{
    "token-file", true,
    "file holding the API token, sent with every call (default $RTMANAGER_TOKEN_FILE)"};
const FlagSpec kCaFileFlag{
    "ca-file", true,
    "https: PEM file of the CA that signed the server's certificate (default "
    "$RTMANAGER_CA_FILE, else the system's CAs)"};
const FlagSpec kInsecureFlag{
    "insecure-skip-tls-verify", false,
    "https: do not verify the server's certificate (encrypted, but anyone may answer)"};
const FlagSpec kOutputFlag{"output", true, "json | yaml (default: a table)", 'o'};
const FlagSpec kWideOutputFlag{
    "output", true,
    "json | yaml | wide (default: a table; wide adds NODE and HEALTH)", 'o'};
const FlagSpec kHelpFlag{"help", false, "this help", 'h'};

struct CommandContext;
using CommandRunner = int (*)(CommandContext&);

struct CommandSpec {
  std::string_view name;
  std::string_view arguments;  // as usage shows them, e.g. "NAME"
  std::string_view summary;
  size_t min_positional = 0;
  size_t max_positional = 0;  // SIZE_MAX: any number
  bool needs_server = true;
  std::vector<FlagSpec> flags;
  CommandRunner run = nullptr;
  bool wide_output = false;  // takes -o wide
};

struct CommandContext {
  const CommandSpec& spec;
  const ParsedFlags& flags;
  std::FILE* out;
  std::FILE* err;
  const ClientEnvironment& environment;
  std::unique_ptr<ApiClient> client;
  OutputFormat output = OutputFormat::kTable;

  const std::string& Name() const { return flags.positional().front(); }
};

void Print(std::FILE* stream, std::string_view text) {
  std::fwrite(text.data(), 1, text.size(), stream);
}

int UsageError(const CommandContext& context, const std::string& message) {
  Print(context.err, "rtmanager " + std::string(context.spec.name) + ": " + message +
                         "\nRun 'rtmanager " + std::string(context.spec.name) +
                         " --help' for usage.\n");
  return kClientExitUsage;
}

int Failure(std::FILE* err, const std::string& message) {
  Print(err, message + "\n");
  return kClientExitFailure;
}

int Failure(const CommandContext& context, const Error& error) {
  return Failure(context.err, error.message);
}

Timestamp Now(const CommandContext& context) { return context.environment.now(); }

// The body of a JSON or YAML answer; false when the output is a table.
bool PrintStructured(const CommandContext& context, const Json& body) {
  switch (context.output) {
    case OutputFormat::kJson:
      Print(context.out, body.dump(2, ' ', false, Json::error_handler_t::replace) + "\n");
      return true;
    case OutputFormat::kYaml:
      Print(context.out, JsonToYaml(body));
      return true;
    case OutputFormat::kTable:
    case OutputFormat::kWide:
      break;
  }
  return false;
}

const Json& Items(const Json& list) {
  static const Json kNoItems = Json::array();
  return list.is_object() && list.contains("items") && list["items"].is_array()
             ? list["items"]
             : kNoItems;
}

std::string RuntimeTarget(const std::string& name) { return "/v1/runtimes/" + name; }

int RunGet(CommandContext& context) {
  const bool one = !context.flags.positional().empty();
  Expected<Json> body = GetJson(
      *context.client, one ? RuntimeTarget(context.Name()) : "/v1/runtimes");
  if (!body) return Failure(context, body.error());
  if (PrintStructured(context, *body)) return kClientExitOk;
  const Json runtimes = one ? Json::array({*body}) : Items(*body);
  if (runtimes.empty()) {
    Print(context.err, "No runtimes found.\n");
    return kClientExitOk;
  }
  Print(context.out, RuntimesTable(runtimes, Now(context),
                                   context.output == OutputFormat::kWide));
  return kClientExitOk;
}

int RunNodes(CommandContext& context) {
  Expected<Json> body = GetJson(*context.client, "/v1/nodes");
  if (!body) return Failure(context, body.error());
  if (PrintStructured(context, *body)) return kClientExitOk;
  if (Items(*body).empty()) {
    Print(context.err, "No nodes found.\n");
    return kClientExitOk;
  }
  Print(context.out, NodesTable(Items(*body), FieldText(*body, "/leader"), Now(context)));
  return kClientExitOk;
}

Expected<Json> OperationItems(ApiClient& client, const std::string& name, int limit) {
  Expected<Json> body = GetJson(client, RuntimeTarget(name) + "/operations?limit=" +
                                            std::to_string(limit));
  if (!body) return body;
  return Items(*body);
}

int RunDescribe(CommandContext& context) {
  Expected<Json> runtime = GetJson(*context.client, RuntimeTarget(context.Name()));
  if (!runtime) return Failure(context, runtime.error());
  const Expected<Json> operations =
      OperationItems(*context.client, context.Name(), kDescribeOperations);
  Print(context.out, DescribeRuntime(*runtime, operations, Now(context)));
  return kClientExitOk;
}

int RunHistory(CommandContext& context) {
  Expected<int> limit =
      context.flags.GetInt("limit", kDefaultHistoryLimit, 1, kMaxHistoryLimit);
  if (!limit) return UsageError(context, limit.error().message);
  Expected<Json> body =
      GetJson(*context.client, RuntimeTarget(context.Name()) +
                                   "/operations?limit=" + std::to_string(*limit));
  if (!body) return Failure(context, body.error());
  if (PrintStructured(context, *body)) return kClientExitOk;
  if (Items(*body).empty()) {
    Print(context.err, "No operations recorded for runtime/" + context.Name() + ".\n");
    return kClientExitOk;
  }
  Print(context.out, OperationsTable(Items(*body)));
  return kClientExitOk;
}

// How long `logs --follow` may go on: until the container stops, the
// server ends the stream or the user interrupts, in practice.
constexpr Duration kLongestFollow = std::chrono::hours(24 * 365);

int RunLogs(CommandContext& context) {
  std::string target = RuntimeTarget(context.Name()) + "/logs";
  std::string query;
  const auto add = [&query](std::string parameter) {
    query += (query.empty() ? "" : "&") + std::move(parameter);
  };
  if (context.flags.Has("previous")) add("previous=true");
  const bool follow = context.flags.Has("follow");
  if (follow) add("follow=true");
  if (context.flags.Has("tail")) {
    Expected<int> tail = context.flags.GetInt("tail", 0, 1, 1 << 30);
    if (!tail) return UsageError(context, tail.error().message);
    add("tail=" + std::to_string(*tail));
  }
  if (!query.empty()) target += "?" + query;
  if (!follow) {
    Expected<std::string> text = GetText(*context.client, target);
    if (!text) return Failure(context, text.error());
    Print(context.out, *text);
    return kClientExitOk;
  }
  Expected<HttpReply> reply = context.client->Stream(
      target, std::chrono::steady_clock::now() + kLongestFollow,
      [&context](std::string_view line) {
        Print(context.out, std::string(line) + "\n");
        std::fflush(context.out);
        return true;
      });
  if (!reply) return Failure(context, reply.error());
  if (reply->status != 200) {  // a refusal: the error of its body
    return Failure(context, ReadApiReply(reply, context.client->BaseUrl()).error());
  }
  return kClientExitOk;
}

int RunPlan(CommandContext& context) {
  Expected<Json> body = GetJson(*context.client, "/v1/plan");
  if (!body) return Failure(context, body.error());
  if (PrintStructured(context, *body)) return kClientExitOk;
  Print(context.out, PlanTable(Items(*body), context.flags.Has("all")));
  return kClientExitOk;
}

Expected<Duration> Timeout(const CommandContext& context) {
  return context.flags.GetDuration(
      "timeout", *ParseDuration(kDefaultTimeout));
}

std::string TimeoutText(const CommandContext& context) {
  return context.flags.Get("timeout", std::string(kDefaultTimeout));
}

Deadline DeadlineAfter(Duration timeout) {
  return std::chrono::steady_clock::now() + timeout;
}

// The value of --FLAG, else of $VARIABLE, else "".
std::string FlagOrEnvironment(const CommandContext& context, const std::string& flag,
                              const std::string& variable) {
  std::string value = context.flags.Get(flag, "");
  if (value.empty()) value = context.environment.getenv(variable).value_or("");
  return value;
}

// Where the API is and how to call it: --server, --token-file,
// --ca-file and --insecure-skip-tls-verify, each defaulting to its
// environment variable. kInvalidRequest naming the flag whose file cannot
// be read.
Expected<ApiEndpoint> ResolveEndpoint(const CommandContext& context) {
  ApiEndpoint endpoint;
  endpoint.server = FlagOrEnvironment(context, "server", "RTMANAGER_SERVER");
  if (endpoint.server.empty()) endpoint.server = kDefaultServer;
  if (const std::string path = FlagOrEnvironment(context, "token-file", "RTMANAGER_TOKEN_FILE");
      !path.empty()) {
    // A server's token file serves too: its first token is sent.
    auto tokens = ReadTokenList(path, "cli");
    if (!tokens) {
      return Fail(ErrorCode::kInvalidRequest, "flag --token-file: " + tokens.error().message);
    }
    endpoint.bearer_token = tokens->front().token;
  }
  endpoint.ca_file = FlagOrEnvironment(context, "ca-file", "RTMANAGER_CA_FILE");
  if (!endpoint.ca_file.empty() && !std::ifstream(endpoint.ca_file)) {
    return Fail(ErrorCode::kInvalidRequest,
                "flag --ca-file: cannot read " + endpoint.ca_file);
  }
  endpoint.insecure_skip_tls_verify = context.flags.Has("insecure-skip-tls-verify");
  return endpoint;
}

bool IsHeaderSafe(std::string_view value) {
  if (value.empty() || value.size() > 256) return false;
  for (char c : value) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
  }
  return true;
}

Expected<HttpHeaders> RestartHeaders(const CommandContext& context) {
  HttpHeaders headers;
  if (context.flags.Has("request-id")) {
    headers.emplace_back("X-Request-Id", context.flags.Get("request-id", ""));
  }
  return headers;
}

// status.lastRestart.restartGeneration now; -1 when none.
Expected<int64_t> CurrentRestartGeneration(const CommandContext& context) {
  Expected<Json> runtime = GetJson(*context.client, RuntimeTarget(context.Name()));
  if (!runtime) return std::unexpected(runtime.error());
  return FieldInt(*runtime, "/status/lastRestart/restartGeneration", -1);
}

int ReportWaitEnd(const CommandContext& context, const WaitResult& result,
                  const std::string& waiting_for) {
  const std::string object = "runtime/" + context.Name();
  if (result.kind == WaitResult::Kind::kDeleted) {
    return Failure(context.err, object + " was deleted while waiting for " + waiting_for);
  }
  std::string message = "timed out after " + TimeoutText(context) + " waiting for " +
                        object + " to " + waiting_for + " (last phase: " +
                        FieldText(result.last, "/status/phase") + ")";
  if (!result.last_problem.empty()) message += "; last error: " + result.last_problem;
  return Failure(context.err, message);
}

int WaitForRestart(CommandContext& context, int64_t generation,
                   int64_t previous_restart_generation, Deadline deadline) {
  WaitCheck check = [&](const Json& runtime) {
    return RestartVerdict(runtime, generation, previous_restart_generation);
  };
  WaitOptions options{.deadline = deadline,
                      .poll_interval = context.environment.poll_interval};
  Expected<WaitResult> result =
      WaitForRuntime(*context.client, context.Name(), check, options);
  if (!result) return Failure(context, result.error());
  if (result->kind == WaitResult::Kind::kMet || result->kind == WaitResult::Kind::kFailed) {
    const RestartOutcome outcome = DescribeRestartOutcome(
        context.Name(), result->last, generation, previous_restart_generation);
    if (!outcome.succeeded) return Failure(context.err, outcome.text);
    Print(context.out, outcome.text + "\n");
    return kClientExitOk;
  }
  return ReportWaitEnd(context, *result,
                       "observe generation " + std::to_string(generation));
}

int RunRestart(CommandContext& context) {
  Expected<Duration> timeout = Timeout(context);
  if (!timeout) return UsageError(context, timeout.error().message);
  if (context.flags.Has("request-id") &&
      !IsHeaderSafe(context.flags.Get("request-id", ""))) {
    return UsageError(context, "flag --request-id: must be 1..256 printable characters");
  }
  const Deadline deadline = DeadlineAfter(*timeout);
  Expected<HttpHeaders> headers = RestartHeaders(context);
  if (!headers) return Failure(context, headers.error());
  const bool wait = context.flags.Has("wait");
  Expected<int64_t> previous = wait ? CurrentRestartGeneration(context) : int64_t{-1};
  if (!previous) return Failure(context, previous.error());

  Expected<Json> answer = ReadApiReply(
      context.client->Post(RuntimeTarget(context.Name()) + "/restart" +
                               (context.flags.Has("force") ? "?force=true" : ""),
                           *headers),
      context.client->BaseUrl());
  if (!answer) return Failure(context, answer.error());
  const int64_t generation = FieldInt(*answer, "/generation", -1);
  if (generation < 0) {
    return Failure(context.err, "unexpected answer from rtmanager at " +
                                    context.client->BaseUrl() + ": no generation in " +
                                    answer->dump());
  }
  if (answer->value("removalForced", false)) {
    Print(context.out, "runtime/" + context.Name() +
                           " is being removed: its removal skips the drain wait "
                           "(nothing restarts)\n");
    return kClientExitOk;
  }
  Print(context.out, "runtime/" + context.Name() + " restart requested (generation " +
                         std::to_string(generation) + ")\n");
  std::fflush(context.out);
  if (!wait) return kClientExitOk;
  return WaitForRestart(context, generation, *previous, deadline);
}

// Rewrites one line of a terminal; "" clears it.
void ShowProgress(std::FILE* err, const std::string& line) {
  Print(err, "\r\033[K" + line);
  std::fflush(err);
}

int RunWait(CommandContext& context) {
  const std::string condition = context.flags.Get("for", "converged");
  if (condition != "converged" && condition != "ready") {
    return UsageError(context, "flag --for: \"" + condition + "\" is not converged or ready");
  }
  Expected<Duration> timeout = Timeout(context);
  if (!timeout) return UsageError(context, timeout.error().message);
  const bool ready = condition == "ready";
  // A manifest edit reaches the controller asynchronously: a wait right
  // after it names the restart generation it waits for.
  int64_t restart_generation = -1;
  if (context.flags.Has("restart-generation")) {
    auto parsed = context.flags.GetInt("restart-generation", 0, 0, 1 << 30);
    if (!parsed) return UsageError(context, parsed.error().message);
    restart_generation = *parsed;
  }
  WaitCheck check = [ready, restart_generation](const Json& runtime) {
    const bool observed =
        restart_generation < 0 ||
        runtime.value("/status/observedRestartGeneration"_json_pointer, int64_t{-1}) >=
            restart_generation;
    const bool met = ready ? IsReady(runtime) : IsConverged(runtime);
    return observed && met ? WaitVerdict::kMet : WaitVerdict::kPending;
  };
  WaitOptions options{.deadline = DeadlineAfter(*timeout),
                      .poll_interval = context.environment.poll_interval};
  const bool progress = context.environment.err_is_terminal;
  std::string shown;
  if (progress) {
    options.on_seen = [&](const Json& runtime) {
      std::string line = WaitProgressLine(context.Name(), runtime);
      if (line != shown) ShowProgress(context.err, line);
      shown = std::move(line);
    };
  }
  Expected<WaitResult> result =
      WaitForRuntime(*context.client, context.Name(), check, options);
  if (progress) ShowProgress(context.err, "");
  if (!result) return Failure(context, result.error());
  if (result->kind == WaitResult::Kind::kMet) {
    Print(context.out, "runtime/" + context.Name() + " " + condition + "\n");
    return kClientExitOk;
  }
  return ReportWaitEnd(context, *result, ready ? "be ready" : "converge");
}

// --allow-host-path PREFIX (repeatable): clean absolute paths.
Expected<std::vector<std::string>> AllowedHostPaths(const ParsedFlags& flags) {
  std::vector<std::string> prefixes = flags.GetAll("allow-host-path");
  for (const std::string& prefix : prefixes) {
    if (!IsCleanAbsolutePath(prefix)) {
      return Fail(ErrorCode::kInvalidRequest,
                  "flag --allow-host-path: \"" + prefix +
                      "\" is not a clean absolute path (no . or .., no trailing slash)");
    }
  }
  return prefixes;
}

int RunValidate(CommandContext& context) {
  Expected<std::vector<std::string>> allowed = AllowedHostPaths(context.flags);
  if (!allowed) return UsageError(context, allowed.error().message);
  const ValidationReport report = ValidateManifests(
      context.flags.positional(),
      ManifestLimits{.allowed_host_paths = *allowed,
                     .time_zones = context.environment.time_zones});
  Print(context.out, FormatValidationReport(report));
  for (const std::string& unreadable : report.unreadable) Print(context.err, unreadable + "\n");
  if (report.ok()) return kClientExitOk;
  if (!report.problems.empty()) {
    Print(context.err, "rtmanager validate: " + std::to_string(report.problems.size()) +
                           " problem(s) in " + std::to_string(report.files) +
                           " manifest(s)\n");
  }
  return kClientExitFailure;
}

int RunKubeconfig(CommandContext& context) {
  Expected<ApiEndpoint> endpoint = ResolveEndpoint(context);
  if (!endpoint) return UsageError(context, endpoint.error().message);
  if (!endpoint->server.starts_with("http://") && !endpoint->server.starts_with("https://")) {
    return UsageError(context, "flag --server: \"" + endpoint->server +
                                   "\" is not an http:// or https:// URL of the API");
  }
  std::string ca_pem;
  if (!endpoint->ca_file.empty()) {
    std::ifstream in(endpoint->ca_file, std::ios::binary);
    ca_pem.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  Print(context.out, RenderKubeconfig(*endpoint, ca_pem));
  return kClientExitOk;
}

std::vector<FlagSpec> ServerFlags(std::vector<FlagSpec> specific) {
  std::vector<FlagSpec> flags{kServerFlag, kTokenFileFlag, kCaFileFlag, kInsecureFlag};
  flags.insert(flags.end(), specific.begin(), specific.end());
  flags.push_back(kHelpFlag);
  return flags;
}

const std::vector<CommandSpec>& Commands() {
  static const std::vector<CommandSpec> kCommands{
      {"get", "[NAME]", "list the runtimes, or show one", 0, 1, true,
       ServerFlags({kWideOutputFlag}), RunGet, true},
      {"describe", "NAME", "show a runtime in detail, with its latest operations", 1, 1,
       true, ServerFlags({}), RunDescribe},
      {"restart", "NAME",
       "request a restart (a generation bump: the controller recreates the container)", 1,
       1, true,
       ServerFlags({{"wait", false, "wait until the controller observed the restart"},
                    {"force", false,
                     "skip the game's drain wait (spec.drain): disrupt it now"},
                    {"timeout", true, "how long --wait waits (default 2m)"},
                    {"request-id", true, "sent as X-Request-Id: the operation's sourceRef"}}),
       RunRestart},
      {"wait", "NAME", "wait until a runtime is converged or ready", 1, 1, true,
       ServerFlags({{"for", true, "converged | ready (default converged)"},
                    {"restart-generation", true,
                     "also wait until status.observedRestartGeneration reaches this"},
                    {"timeout", true, "how long to wait (default 2m)"}}),
       RunWait},
      {"logs", "NAME", "print the output of a runtime's container, or of its previous one",
       1, 1, true,
       ServerFlags({{"previous", false,
                     "the container rtmanager removed last (restart, update, removal)"},
                    {"follow", false, "go on printing the output as it comes, until the container stops", 'f'},
                    {"tail", true, "only the last N lines"}}),
       RunLogs},
      {"history", "NAME", "list a runtime's operations, newest first", 1, 1, true,
       ServerFlags({kOutputFlag,
                    {"limit", true, "how many operations (default 20, at most 1000)"}}),
       RunHistory},
      {"plan", "", "show what the controller would do now, and why", 0, 0, true,
       ServerFlags({kOutputFlag, {"all", false, "list converged runtimes too"}}), RunPlan},
      {"nodes", "", "list the cluster's nodes (the leader's NAME ends in *)", 0, 0, true,
       ServerFlags({kOutputFlag}), RunNodes},
      {"kubeconfig", "",
       "print a kubeconfig for kubectl: KUBECONFIG=<(rtmanager kubeconfig) kubectl get gr",
       0, 0, false, ServerFlags({}), RunKubeconfig},
      {"validate", "PATH...",
       "check manifest files and directories offline (exit 1 on any problem)", 1,
       SIZE_MAX, false,
       {{"allow-host-path", true,
         "a prefix spec.volumes[].hostPath may be under, as given to run (repeatable)"},
        kHelpFlag},
       RunValidate},
  };
  return kCommands;
}

const CommandSpec* FindCommand(std::string_view name) {
  for (const CommandSpec& spec : Commands()) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

std::string UsageLine(const CommandSpec& spec) {
  return "rtmanager " + std::string(spec.name) +
         (spec.arguments.empty() ? "" : " " + std::string(spec.arguments)) + " [flags]";
}

std::string CommandHelp(const CommandSpec& spec) {
  std::string summary(spec.summary);
  summary[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(summary[0])));
  return "Usage: " + UsageLine(spec) + "\n\n" + summary + ".\n\nFlags:\n" +
         FormatFlagHelp(spec.flags);
}

std::string PositionalError(const CommandSpec& spec, size_t given) {
  if (spec.max_positional == 0) {
    return std::string(spec.name) + " takes no arguments";
  }
  if (given < spec.min_positional) return "missing " + std::string(spec.arguments);
  return "too many arguments (usage: " + UsageLine(spec) + ")";
}

// -o: json, yaml, wide where the command has it; a table by default.
Expected<OutputFormat> ParseOutput(const CommandContext& context) {
  if (!context.flags.Has("output")) return OutputFormat::kTable;
  const std::string output = context.flags.Get("output", "");
  if (output == "json") return OutputFormat::kJson;
  if (output == "yaml") return OutputFormat::kYaml;
  if (output == "wide" && context.spec.wide_output) return OutputFormat::kWide;
  return Fail(ErrorCode::kInvalidRequest,
              "flag --output: \"" + output + "\" is not " +
                  (context.spec.wide_output ? "json, yaml or wide" : "json or yaml"));
}

// The checks every command shares: arguments, runtime name, -o, server.
int Prepare(CommandContext& context) {
  const CommandSpec& spec = context.spec;
  const std::vector<std::string>& positional = context.flags.positional();
  if (positional.size() < spec.min_positional || positional.size() > spec.max_positional) {
    return UsageError(context, PositionalError(spec, positional.size()));
  }
  if (spec.needs_server && !positional.empty() && !IsValidGameId(positional.front())) {
    return UsageError(context, "invalid runtime name \"" + positional.front() +
                                   "\": must be a DNS label (a-z, 0-9, '-')");
  }
  Expected<OutputFormat> output = ParseOutput(context);
  if (!output) return UsageError(context, output.error().message);
  context.output = *output;
  if (!spec.needs_server) return kClientExitOk;
  Expected<ApiEndpoint> endpoint = ResolveEndpoint(context);
  if (!endpoint) return UsageError(context, endpoint.error().message);
  Expected<std::unique_ptr<ApiClient>> client = context.environment.connect(*endpoint);
  if (!client) return UsageError(context, "flag --server: " + client.error().message);
  context.client = std::move(*client);
  return kClientExitOk;
}

}  // namespace

bool IsClientCommand(std::string_view command) { return FindCommand(command) != nullptr; }

std::string ClientCommandsUsage() {
  std::string usage;
  for (const CommandSpec& spec : Commands()) {
    std::string left = "  rtmanager " + std::string(spec.name) +
                       (spec.arguments.empty() ? "" : " " + std::string(spec.arguments));
    if (left.size() < kUsageSummaryColumn - 1) left.resize(kUsageSummaryColumn - 1, ' ');
    usage += left + " " + std::string(spec.summary) + "\n";
  }
  return usage;
}

ClientEnvironment ProcessClientEnvironment(std::FILE* err) {
  static SystemTimeZones system_time_zones;
  return ClientEnvironment{
      .getenv = [](const std::string& name) -> std::optional<std::string> {
        const char* value = std::getenv(name.c_str());
        return value == nullptr ? std::nullopt : std::optional<std::string>(value);
      },
      .connect = [](const ApiEndpoint& endpoint) -> Expected<std::unique_ptr<ApiClient>> {
        auto client = HttpApiClient::Create(endpoint, kRequestTimeout);
        if (!client) return std::unexpected(client.error());
        return std::unique_ptr<ApiClient>(std::move(*client));
      },
      .now = [] {
        return std::chrono::time_point_cast<std::chrono::milliseconds>(
            std::chrono::system_clock::now());
      },
      .time_zones = &system_time_zones,
      .err_is_terminal = err != nullptr && ::isatty(::fileno(err)) == 1,
  };
}

int RunClientCommand(const std::string& command, const std::vector<std::string>& args,
                     std::FILE* out, std::FILE* err,
                     const ClientEnvironment& environment) {
  const CommandSpec* spec = FindCommand(command);
  if (spec == nullptr) {
    Print(err, "rtmanager: unknown command \"" + command + "\"\n");
    return kClientExitUsage;
  }
  const Expected<ParsedFlags> flags = ParsedFlags::Parse(args, spec->flags);
  const ParsedFlags parsed = flags.value_or(ParsedFlags());
  CommandContext context{*spec, parsed, out, err, environment};
  if (!flags) return UsageError(context, flags.error().message);
  if (parsed.Has("help")) {
    Print(out, CommandHelp(*spec));
    return kClientExitOk;
  }
  if (int prepared = Prepare(context); prepared != kClientExitOk) return prepared;
  const int code = spec->run(context);
  std::fflush(out);
  return code;
}

int RunClientCommand(const std::string& command, const std::vector<std::string>& args,
                     std::FILE* out, std::FILE* err) {
  return RunClientCommand(command, args, out, err, ProcessClientEnvironment(err));
}

}  // namespace rtm
