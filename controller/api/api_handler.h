// The API's answers, independent of the HTTP library: every request of
// both surfaces (/v1 and the Kubernetes-compatible /apis, /api, /version)
// goes through ApiHandler::Handle, which checks access, routes and renders.
// controller/api/api_server.h puts it on cpprestsdk's listener; the fuzz
// target test/fuzz/api_request_fuzzer.cc calls it directly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "controller/api/api_exchange.h"
#include "controller/api/engine_readiness.h"
#include "controller/api/kube/kube_api.h"
#include "reconcile/decide.h"
#include "reconcile/domain/error.h"
#include "reconcile/ports/change_feed.h"
#include "reconcile/ports/clock.h"
#include "reconcile/ports/cluster.h"
#include "reconcile/ports/container_engine.h"
#include "reconcile/ports/desired_state_store.h"
#include "reconcile/ports/log_archive.h"
#include "reconcile/ports/logger.h"
#include "reconcile/ports/operation_log_store.h"
#include "reconcile/ports/store_health.h"
#include "reconcile/ports/token_generator.h"

namespace rtm {

class ApiTokens;

struct ApiDependencies {
  DesiredStateStore& desired;
  StatusStore& statuses;
  OperationLogStore& operation_log;
  ContainerEngine& engine;
  Logger& logger;
  TokenGenerator& tokens;  // request ids of restarts sent without one
  ChangeFeed& changes;  // the watch (?watch=true) and list revisions
  Clock& clock;         // ages in Kubernetes Tables
  LogArchive& logs;     // the previous containers' logs (?previous=true)
  StoreHealth& store_health;  // GET /readyz: whether the store takes writes
  // True once the controller finished its start-up sync.
  std::function<bool()> started;
  // The restart generation bump (Controller::RequestRestart).
  RestartRequester request_restart;
  // What the controller would do now, per game.
  std::function<Expected<std::vector<PlanItem>>()> plan;
  // The Prometheus exposition.
  std::function<Expected<std::string>()> metrics;
  // The cluster this controller's node belongs to (GET /v1/nodes); null
  // on one host (no --node): /v1/nodes is then 404 not_found.
  ClusterView* cluster = nullptr;
  // The bearer tokens and their roles (controller/api/api_access.h); null
  // or empty: no call needs one (allowed on a loopback listener only).
  const ApiTokens* api_tokens = nullptr;
};

struct ApiOptions {
  std::string listen = "127.0.0.1:8088";  // host:port
  // With tokens (ApiDependencies::api_tokens), /metrics needs none.
  bool metrics_public = false;
  // Both set: HTTPS with this PEM certificate chain and private key (TLS
  // 1.2 and later); both "": plain HTTP.
  std::string tls_cert_file;
  std::string tls_key_file;
  size_t max_body_bytes = 64 * 1024;
  size_t max_url_bytes = 8 * 1024;
  size_t max_header_bytes = 16 * 1024;
  // A watch ends after this long; clients re-watch from their last revision.
  Duration max_watch = std::chrono::minutes(5);
  // A Kubernetes watch with allowWatchBookmarks gets a BOOKMARK after this
  // long without an event.
  Duration bookmark_interval = std::chrono::seconds(10);
  // A watch stream whose client leaves more than this unread ends
  // (controller/api/watch_streams.h).
  size_t watch_max_unread_bytes = size_t{4} << 20;
  // Logs followed at once (?follow=true); more are refused with 503.
  size_t max_log_follows = 64;
};

// Routes and answers one request. Thread-safe as its dependencies are; its
// only state is the engine's readiness (EngineReadiness).
class ApiHandler {
 public:
  // `open_log_follows` counts the followed logs being streamed (the
  // transport's), for ApiOptions::max_log_follows.
  ApiHandler(const ApiOptions& options, const ApiDependencies& dependencies,
             std::function<size_t()> open_log_follows);

  // request.caller is set here, by the access check. A response with
  // `watch` or `log_stream` set is streamed by the transport.
  ApiResponse Handle(ApiRequest request);

 private:
  using Request = ApiRequest;
  using Response = ApiResponse;
  Response Runtimes(const Request& request);
  Response Runtime(std::string_view name);
  Response Operations(std::string_view name, std::string_view query);
  Response Restart(std::string_view name, const Request& request);
  Response Logs(std::string_view name, std::string_view query);
  Response PlanAll();
  Response Nodes();
  Response Ready();

  const ApiOptions& options_;
  const ApiDependencies& deps_;
  KubeApi kube_;
  std::function<size_t()> open_log_follows_;
  EngineReadiness readiness_;  // GET /readyz
};

}  // namespace rtm
