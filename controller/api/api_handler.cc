#include "controller/api/api_handler.h"

#include <algorithm>
#include <charconv>
#include <vector>

#include "controller/api/api_access.h"
#include "controller/api/representation/error_representation.h"
#include "controller/api/representation/game_runtime_representation.h"
#include "controller/api/representation/node_representation.h"
#include "controller/api/representation/operation_entry_representation.h"
#include "controller/api/representation/plan_representation.h"
#include "controller/api/representation/representation_support.h"
#include "reconcile/domain/game_spec.h"

namespace rtm {
namespace {

using Response = ApiResponse;
using Request = ApiRequest;
using api::Refusal;

constexpr size_t kDefaultOperationsLimit = 50;
constexpr size_t kMaxOperationsLimit = 1000;

Response Json(int status, const nlohmann::json& body) {
  return {status, api::JsonText(body)};
}

// A business outcome: one of the stable codes.
Response ErrorResponse(ErrorCode code, std::string message) {
  return Json(api::HttpStatusFor(code),
              api::RenderError(Error{code, std::move(message)}));
}

// A refusal at the HTTP level, with the API's own reason.
Response RefusalResponse(Refusal refusal, std::string_view message) {
  return Json(api::HttpStatusFor(refusal), api::RenderError(refusal, message));
}

// The value of `key` in a query string "a=1&b=2" (no percent-decoding:
// values here are numbers and names).
std::optional<std::string_view> QueryValue(std::string_view query,
                                           std::string_view key) {
  while (!query.empty()) {
    const size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    const size_t eq = pair.find('=');
    if (pair.substr(0, eq) == key) {
      return eq == std::string_view::npos ? "" : pair.substr(eq + 1);
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

// A boolean query parameter: true|1, false|0, absent (false); anything else
// is the 400 answer naming the parameter.
std::expected<bool, Response> QueryFlag(std::string_view query, std::string_view key) {
  const std::optional<std::string_view> value = QueryValue(query, key);
  if (!value || *value == "false" || *value == "0") return false;
  if (*value == "true" || *value == "1") return true;
  return std::unexpected(ErrorResponse(
      ErrorCode::kInvalidRequest, "query parameter " + std::string(key) +
                                      ": must be true or false, not \"" +
                                      std::string(*value) + "\""));
}

// The runtime's desired object, or the answer when it cannot be had: 404
// "runtime "x" not found", or the store's error.
std::expected<DesiredRuntime, Response> LoadRuntime(DesiredStateStore& store,
                                                    std::string_view name) {
  auto desired = store.Get(name);
  if (desired) return std::move(*desired);
  return std::unexpected(ErrorResponse(
      desired.error().code, desired.error().code == ErrorCode::kNotFound
                                ? "runtime \"" + std::string(name) + "\" not found"
                                : desired.error().message));
}

template <typename Number>
std::optional<Number> ParseNumber(std::string_view text) {
  Number value{};
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// The Kubernetes Status reason of an HTTP-level refusal.
std::string_view KubeReasonOf(Refusal refusal) {
  switch (refusal) {
    case Refusal::kUnauthorized:
      return "Unauthorized";
    case Refusal::kForbidden:
      return "Forbidden";
    case Refusal::kMethodNotAllowed:
      return "MethodNotAllowed";
    case Refusal::kExpired:
      return "Expired";
    case Refusal::kPayloadTooLarge:
      return "RequestEntityTooLarge";
    default:
      return "BadRequest";
  }
}

std::string HeaderOr(const Request& request, const std::string& name,
                     std::string fallback) {
  auto found = request.headers.find(name);
  return found == request.headers.end() ? std::move(fallback) : found->second;
}

}  // namespace

ApiHandler::ApiHandler(const ApiOptions& options, const ApiDependencies& dependencies,
                       std::function<size_t()> open_log_follows)
    : options_(options),
      deps_(dependencies),
      kube_(KubeApiDependencies{deps_.desired, deps_.statuses, deps_.operation_log,
                                deps_.changes, deps_.clock, deps_.tokens,
                                deps_.request_restart}),
      open_log_follows_(std::move(open_log_follows)),
      readiness_(deps_.engine, deps_.clock) {}

Response ApiHandler::Handle(Request request) {
  std::string_view path = request.path;
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  const bool kube = KubeApi::Serves(path);
  // A refusal in the surface's own error shape.
  const auto refuse = [&](Refusal refusal, std::string_view message) {
    return kube ? KubeApi::Refuse(api::HttpStatusFor(refusal), KubeReasonOf(refusal),
                                  message)
                : RefusalResponse(refusal, message);
  };
  if (request.path.size() + request.query.size() > options_.max_url_bytes) {
    return refuse(Refusal::kUriTooLong, "request URL too long");
  }
  if (request.header_bytes > options_.max_header_bytes) {
    return refuse(Refusal::kHeadersTooLarge, "request headers too large");
  }
  if (request.body_bytes > options_.max_body_bytes) {
    return refuse(Refusal::kPayloadTooLarge,
                  "request body larger than " +
                      std::to_string(options_.max_body_bytes) + " bytes");
  }
  // Who calls, and may they (controller/api/api_access.h).
  const std::optional<ApiIdentity> caller =
      deps_.api_tokens ? deps_.api_tokens->Identify(HeaderOr(request, "authorization", "")) : std::nullopt;
  const AccessRules rules{.tokens_required = deps_.api_tokens != nullptr && !deps_.api_tokens->Empty(),
                          .metrics_public = options_.metrics_public};
  switch (DecideAccess(ClassOf(request.method, path),
                       caller ? std::optional(caller->role) : std::nullopt, rules)) {
    case AccessVerdict::kAllowed:
      break;
    case AccessVerdict::kUnauthenticated:
      return refuse(Refusal::kUnauthorized, "missing or wrong bearer token");
    case AccessVerdict::kForbidden:
      return refuse(Refusal::kForbidden, "token \"" + caller->name +
                                             "\" is read-only: " + request.method +
                                             " needs an admin token");
  }
  request.caller = caller ? caller->name : std::string(kAnonymousCaller);
  if (kube) return kube_.Handle(request, path);
  const std::string& method = request.method;
  const bool get = method == "GET";
  auto not_allowed = [&] {
    return RefusalResponse(Refusal::kMethodNotAllowed,
                           "method " + method + " is not allowed on " +
                               std::string(path));
  };
  if (path == "/healthz") {
    return get ? Json(200, {{"status", "ok"}}) : not_allowed();
  }
  if (path == "/readyz") return get ? Ready() : not_allowed();
  if (path == "/metrics") {
    if (!get) return not_allowed();
    auto exposition = deps_.metrics();
    if (!exposition) {
      return ErrorResponse(exposition.error().code, exposition.error().message);
    }
    return Response{200, *std::move(exposition), "text/plain; version=0.0.4", {}};
  }
  if (path == "/v1/runtimes") return get ? Runtimes(request) : not_allowed();
  if (path == "/v1/plan") return get ? PlanAll() : not_allowed();
  if (path == "/v1/nodes") return get ? Nodes() : not_allowed();

  constexpr std::string_view kPrefix = "/v1/runtimes/";
  if (path.starts_with(kPrefix)) {
    std::string_view rest = path.substr(kPrefix.size());
    const size_t slash = rest.find('/');
    const std::string_view name = rest.substr(0, slash);
    const std::string_view tail =
        slash == std::string_view::npos ? "" : rest.substr(slash);
    if (tail.empty() || tail == "/operations" || tail == "/restart" ||
        tail == "/logs") {
      if (!IsValidGameId(name)) {
        return ErrorResponse(ErrorCode::kInvalidRequest,
                             "runtime name \"" + std::string(name) +
                                 "\" is not a DNS label");
      }
    }
    if (tail.empty()) return get ? Runtime(name) : not_allowed();
    if (tail == "/operations") {
      return get ? Operations(name, request.query) : not_allowed();
    }
    if (tail == "/restart") {
      return method == "POST" ? Restart(name, request) : not_allowed();
    }
    if (tail == "/logs") return get ? Logs(name, request.query) : not_allowed();
  }
  return ErrorResponse(ErrorCode::kNotFound,
                       "no route for " + method + " " + std::string(path));
}

// Ready: started, the store takes writes (StoreHealth) and the engine
// answers; a 503 names every part that is not.
Response ApiHandler::Ready() {
  if (!deps_.started()) {
    return ErrorResponse(ErrorCode::kServiceUnavailable,
                         "controller is still starting");
  }
  std::string not_ready;  // "part: why; part: why"
  if (auto store = deps_.store_health.Writable(); !store) {
    not_ready = "store: " + store.error().message;
  }
  if (auto engine = readiness_.Check(); !engine) {  // "docker: ..."
    not_ready += (not_ready.empty() ? "" : "; ") + engine.error().message;
  }
  if (!not_ready.empty()) {
    return ErrorResponse(ErrorCode::kServiceUnavailable, std::move(not_ready));
  }
  return Json(200, {{"status", "ready"}});
}

Response ApiHandler::Runtimes(const Request& request) {
  // Changes committed after this revision reach a watch started from it;
  // a list read after it holds every change up to it.
  auto revision = deps_.changes.Revision();
  if (!revision) {
    return ErrorResponse(revision.error().code, revision.error().message);
  }
  if (auto watch = QueryValue(request.query, "watch");
      watch && (*watch == "true" || *watch == "1")) {
    const auto since_text = QueryValue(request.query, "since");
    const auto since = since_text ? ParseNumber<uint64_t>(*since_text)
                                  : std::optional<uint64_t>(*revision);
    if (!since) {
      return ErrorResponse(ErrorCode::kInvalidRequest,
                           "since must be a revision number");
    }
    auto retained = deps_.changes.ReadAfter(*since, 0);
    if (!retained) {
      return ErrorResponse(retained.error().code, retained.error().message);
    }
    if (retained->history_lost) {
      return RefusalResponse(
          Refusal::kExpired,
          "revision " + std::to_string(*since) +
              " is outside the retained history (current " +
              std::to_string(*revision) +
              "); list again and watch from the list's revision");
    }
    Response streaming;
    streaming.watch = WatchRequest{.since = *since};
    return streaming;
  }
  auto desired = deps_.desired.List();
  if (!desired) {
    return ErrorResponse(desired.error().code, desired.error().message);
  }
  // Serialized one object at a time into the body: a JSON tree of every
  // runtime would cost about ten times the body's size in short-lived
  // allocations. The bytes are those of dumping {"items": [...],
  // "revision": N} whole (keys sorted, invalid UTF-8 replaced).
  Response response{200, "{\"items\":["};
  std::string item;
  for (size_t i = 0; i < desired->size(); ++i) {
    const DesiredRuntime& runtime = (*desired)[i];
    auto status = deps_.statuses.Get(runtime.name);
    if (!status && status.error().code != ErrorCode::kNotFound) {
      return ErrorResponse(status.error().code, status.error().message);
    }
    item = api::JsonText(api::RenderGameRuntime(
        runtime,
        status ? std::optional(std::move(*status)) : std::nullopt));
    if (i == 0) {
      // Every object renders about as long as the first one.
      response.body.reserve(response.body.size() +
                            (item.size() + 64) * desired->size() + 64);
    } else {
      response.body += ',';
    }
    response.body += item;
  }
  desired->clear();
  response.body += "],\"revision\":" + std::to_string(*revision) + "}";
  return response;
}

Response ApiHandler::Runtime(std::string_view name) {
  auto desired = LoadRuntime(deps_.desired, name);
  if (!desired) return std::move(desired.error());
  auto status = deps_.statuses.Get(name);
  if (!status && status.error().code != ErrorCode::kNotFound) {
    return ErrorResponse(status.error().code, status.error().message);
  }
  return Json(200, api::RenderGameRuntime(
                       *desired, status ? std::optional(std::move(*status))
                                        : std::nullopt));
}

Response ApiHandler::Operations(std::string_view name, std::string_view query) {
  size_t limit = kDefaultOperationsLimit;
  if (auto text = QueryValue(query, "limit")) {
    auto parsed = ParseNumber<size_t>(*text);
    if (!parsed || *parsed == 0 || *parsed > kMaxOperationsLimit) {
      return ErrorResponse(ErrorCode::kInvalidRequest,
                           "limit must be an integer in 1.." +
                               std::to_string(kMaxOperationsLimit));
    }
    limit = *parsed;
  }
  if (auto desired = LoadRuntime(deps_.desired, name); !desired) {
    return std::move(desired.error());
  }
  auto entries = deps_.operation_log.ListByGame(name, limit);
  if (!entries) return ErrorResponse(entries.error().code, entries.error().message);
  return Json(200, api::RenderOperations(*entries));
}

// A follow without ?tail starts with this many of the container's last
// lines, as many as a plain read looks at (controller/docker/docker_engine.cc).
constexpr size_t kFollowedLogLines = 20000;

// The last `lines` lines of `text` (all when 0).
std::string LastLines(std::string text, size_t lines) {
  if (lines == 0 || text.empty()) return text;
  size_t begin = text.size();
  // A final newline ends the last line; it does not start another.
  size_t scan = text.back() == '\n' ? text.size() - 1 : text.size();
  for (size_t found = 0; found < lines; ++found) {
    const size_t newline = scan == 0 ? std::string::npos : text.rfind('\n', scan - 1);
    if (newline == std::string::npos) return text;
    begin = newline + 1;
    scan = newline;
  }
  return text.substr(begin);
}

Response ApiHandler::Logs(std::string_view name, std::string_view query) {
  size_t lines = 0;
  if (auto text = QueryValue(query, "tail")) {
    auto parsed = ParseNumber<size_t>(*text);
    if (!parsed || *parsed == 0) {
      return ErrorResponse(ErrorCode::kInvalidRequest,
                           "query parameter tail: must be a positive integer");
    }
    lines = *parsed;
  }
  std::expected<bool, Response> previous = QueryFlag(query, "previous");
  if (!previous) return std::move(previous).error();
  std::expected<bool, Response> follow = QueryFlag(query, "follow");
  if (!follow) return std::move(follow).error();
  if (auto desired = LoadRuntime(deps_.desired, name); !desired) {
    return std::move(desired.error());
  }
  // The previous container ended: following its kept logs is printing them.
  if (*previous) {
    auto kept = deps_.logs.Previous(name);
    if (!kept) return ErrorResponse(kept.error().code, kept.error().message);
    return Response{200, LastLines(std::move(kept->text), lines),
                    "text/plain; charset=utf-8", {}};
  }
  auto status = deps_.statuses.Get(name);
  if (!status && status.error().code != ErrorCode::kNotFound) {
    return ErrorResponse(status.error().code, status.error().message);
  }
  if (!status || status->container_id.empty()) {
    return ErrorResponse(ErrorCode::kNotFound,
                         "runtime \"" + std::string(name) +
                             "\" has no container (previous=true: the last one's logs)");
  }
  if (*follow) {
    if (open_log_follows_() >= options_.max_log_follows) {
      return ErrorResponse(ErrorCode::kServiceUnavailable,
                           "too many logs followed at once (" +
                               std::to_string(options_.max_log_follows) +
                               "); try again later");
    }
    auto stream = deps_.engine.FollowLogs(status->container_id,
                                          lines == 0 ? kFollowedLogLines : lines);
    if (!stream) return ErrorResponse(stream.error().code, stream.error().message);
    Response response{200, "", "text/plain; charset=utf-8", {}};
    response.log_stream = std::move(*stream);
    return response;
  }
  auto current = deps_.engine.ContainerLogs(status->container_id, kArchivedLogBytes);
  if (!current) return ErrorResponse(current.error().code, current.error().message);
  return Response{200, LastLines(std::move(*current), lines), "text/plain; charset=utf-8",
                  {}};
}

Response ApiHandler::Restart(std::string_view name, const Request& request) {
  std::string request_id = HeaderOr(request, "x-request-id", "");
  if (request_id.size() > 256) {
    return ErrorResponse(ErrorCode::kInvalidRequest,
                         "X-Request-Id longer than 256 characters");
  }
  std::expected<bool, Response> force = QueryFlag(request.query, "force");
  if (!force) return std::move(force).error();
  if (request_id.empty()) request_id = deps_.tokens.NewToken();
  auto generation = deps_.request_restart(
      name, RestartRequest{std::move(request_id), *force,
                           Requester{request.caller, request.remote_address}});
  if (!generation) {
    return ErrorResponse(generation.error().code, generation.error().message);
  }
  nlohmann::json answer{{"generation", *generation}};
  // A forced request of a removed runtime restarts nothing: its removal
  // skips the drain wait (Controller::RequestRestart). Say which it was.
  if (*force) {
    auto desired = deps_.desired.Get(name);
    if (desired && desired->deleted) answer["removalForced"] = true;
  }
  return Json(202, std::move(answer));
}

Response ApiHandler::PlanAll() {
  auto plans = deps_.plan();
  if (!plans) return ErrorResponse(plans.error().code, plans.error().message);
  return Json(200, api::RenderPlan(*plans));
}

// The cluster's view is a watch cache (no round trip); the heartbeat ages
// ask the store. When they cannot be read the list is still the answer,
// without any heartbeat: the rest of it is the more useful part.
Response ApiHandler::Nodes() {
  if (deps_.cluster == nullptr) {
    return ErrorResponse(ErrorCode::kNotFound,
                         "this controller is not in cluster mode (started "
                         "without --node): it has no nodes");
  }
  const ClusterSnapshot cluster = deps_.cluster->Snapshot();
  auto ages = deps_.cluster->HeartbeatAges();
  return Json(200, api::RenderNodes(
                       cluster, ages ? *ages : std::map<std::string, Duration>{}));
}

}  // namespace rtm
