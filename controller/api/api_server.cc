#include "controller/api/api_server.h"

#include <cpprest/http_listener.h>

#include <charconv>

#include "controller/api/runtime_json.h"
#include "reconcile/domain/game_spec.h"
#include "store/codec/operation_entry_json.h"

namespace rtm {
namespace {

using Response = ApiServer::Response;

constexpr size_t kDefaultOperationsLimit = 50;
constexpr size_t kMaxOperationsLimit = 1000;

Response Json(int status, const nlohmann::json& body) {
  return {status, body.dump(-1, ' ', false,
                            nlohmann::json::error_handler_t::replace)};
}

Response ErrorResponse(ErrorCode code, std::string message) {
  const Error error{code, std::move(message)};
  return Json(HttpStatusFor(code), ErrorJson(error));
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

}  // namespace

ApiServer::ApiServer(std::string listen, ApiDependencies dependencies)
    : listen_(std::move(listen)), deps_(std::move(dependencies)) {}

ApiServer::~ApiServer() { Stop(); }

Expected<void> ApiServer::Start() {
  try {
    listener_ = std::make_unique<web::http::experimental::listener::http_listener>(
        "http://" + listen_);
    listener_->support([this](web::http::http_request request) {
      Serve(std::move(request));
    });
    listener_->open().wait();
    return {};
  } catch (const std::exception& error) {
    listener_.reset();
    return Fail(ErrorCode::kServiceUnavailable,
                "listen on " + listen_ + ": " + error.what());
  }
}

void ApiServer::Stop() {
  if (!listener_) return;
  try {
    listener_->close().wait();
  } catch (const std::exception& error) {
    deps_.logger.Log(LogLevel::kWarn, "close api listener",
                     {{"err", error.what()}});
  }
  listener_.reset();
}

void ApiServer::Serve(web::http::http_request request) {
  Response response;
  try {
    const auto& uri = request.relative_uri();
    response = Handle(request.method(), uri.path(), uri.query());
  } catch (const std::exception& error) {
    response = ErrorResponse(ErrorCode::kInternal, error.what());
  }
  try {
    web::http::http_response reply(static_cast<web::http::status_code>(response.status));
    reply.set_body(response.body, "application/json");
    request.reply(reply).wait();
  } catch (const std::exception& error) {
    deps_.logger.Log(LogLevel::kWarn, "api reply failed", {{"err", error.what()}});
  }
}

Response ApiServer::Handle(std::string_view method, std::string_view path,
                           std::string_view query) {
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  const bool get = method == "GET";
  auto not_allowed = [&] {
    return ErrorResponse(ErrorCode::kInvalidRequest,
                         "method " + std::string(method) + " is not allowed on " +
                             std::string(path));
  };
  if (path == "/healthz") {
    return get ? Json(200, {{"status", "ok"}}) : not_allowed();
  }
  if (path == "/readyz") return get ? Ready() : not_allowed();
  if (path == "/v1/runtimes") return get ? Runtimes() : not_allowed();

  constexpr std::string_view kPrefix = "/v1/runtimes/";
  if (path.starts_with(kPrefix)) {
    std::string_view rest = path.substr(kPrefix.size());
    const size_t slash = rest.find('/');
    const std::string_view name = rest.substr(0, slash);
    const std::string_view tail =
        slash == std::string_view::npos ? "" : rest.substr(slash);
    if (!IsValidGameId(name)) {
      return ErrorResponse(ErrorCode::kInvalidRequest,
                           "runtime name \"" + std::string(name) +
                               "\" is not a DNS label");
    }
    if (tail.empty()) return get ? Runtime(name) : not_allowed();
    if (tail == "/operations") return get ? Operations(name, query) : not_allowed();
  }
  return ErrorResponse(ErrorCode::kNotFound,
                       "no route for " + std::string(method) + " " +
                           std::string(path));
}

// The store is open for the process's whole life (it fails start-up
// otherwise), so ready means: started, and the engine answers.
Response ApiServer::Ready() {
  if (!deps_.started()) {
    return ErrorResponse(ErrorCode::kServiceUnavailable,
                         "controller is still starting");
  }
  if (auto version = deps_.engine.Version(); !version) {
    return ErrorResponse(ErrorCode::kServiceUnavailable,
                         "docker: " + version.error().message);
  }
  return Json(200, {{"status", "ready"}});
}

Response ApiServer::Runtimes() {
  const uint64_t revision = deps_.current_revision();
  auto desired = deps_.desired.List();
  if (!desired) {
    return ErrorResponse(desired.error().code, desired.error().message);
  }
  nlohmann::json items = nlohmann::json::array();
  for (const DesiredRuntime& runtime : *desired) {
    auto status = deps_.statuses.Get(runtime.name);
    items.push_back(GameRuntimeJson(
        runtime, status ? std::optional(std::move(*status)) : std::nullopt));
  }
  return Json(200, {{"items", std::move(items)}, {"revision", revision}});
}

Response ApiServer::Runtime(std::string_view name) {
  auto desired = deps_.desired.Get(name);
  if (!desired) {
    return ErrorResponse(desired.error().code,
                         desired.error().code == ErrorCode::kNotFound
                             ? "runtime \"" + std::string(name) + "\" not found"
                             : desired.error().message);
  }
  auto status = deps_.statuses.Get(name);
  return Json(200, GameRuntimeJson(*desired, status ? std::optional(std::move(*status))
                                                    : std::nullopt));
}

Response ApiServer::Operations(std::string_view name, std::string_view query) {
  size_t limit = kDefaultOperationsLimit;
  if (auto text = QueryValue(query, "limit")) {
    auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), limit);
    if (error != std::errc() || end != text->data() + text->size() || limit == 0 ||
        limit > kMaxOperationsLimit) {
      return ErrorResponse(ErrorCode::kInvalidRequest,
                           "limit must be an integer in 1.." +
                               std::to_string(kMaxOperationsLimit));
    }
  }
  if (auto desired = deps_.desired.Get(name);
      !desired && desired.error().code == ErrorCode::kNotFound) {
    return ErrorResponse(ErrorCode::kNotFound,
                         "runtime \"" + std::string(name) + "\" not found");
  }
  auto entries = deps_.operation_log.ListByGame(name, limit);
  if (!entries) return ErrorResponse(entries.error().code, entries.error().message);
  nlohmann::json items = nlohmann::json::array();
  for (const OperationEntry& entry : *entries) items.push_back(ToJson(entry));
  return Json(200, {{"items", std::move(items)}});
}

}  // namespace rtm
