#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "controller/api/api_exchange.h"
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
#include "reconcile/ports/token_generator.h"

namespace web::http::experimental::listener {
class http_listener;
}
namespace web::http {
class http_request;
}

namespace rtm {

class ApiTokens;
class LogFollows;
class WatchStreams;

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
  // Logs followed at once (?follow=true); more are refused with 503.
  size_t max_log_follows = 64;
};

// The REST API on cpprestsdk (docs/contract.md §6). JSON everywhere, rendered
// by controller/api/representation/; errors as {"error": {code, message}}:
// a stable code with 400/404/409/503/500, or a refusal's own reason with
// 401/403/405/410/413/414/431 (representation/error_representation.h). Paths
// under /apis, /api and /version are the Kubernetes-compatible surface
// (controller/api/kube/kube_api.h), whose errors are Status objects.
class ApiServer {
 public:
  ApiServer(ApiOptions options, ApiDependencies dependencies);
  ~ApiServer();

  // Listens. kInvalidRequest for a non-loopback address without tokens,
  // or a TLS certificate or key that does not load (naming the file and
  // OpenSSL's reason); kServiceUnavailable when the address cannot be
  // bound. A non-loopback address without TLS is served with a warning
  // logged: the tokens would cross the network in clear text.
  Expected<void> Start();
  void Stop();

  using Request = ApiRequest;
  using Response = ApiResponse;
  // The answer to one request, independent of the HTTP library.
  // request.caller is set here, by the access check.
  Response Handle(Request request);

 private:
  Response Runtimes(const Request& request);
  Response Runtime(std::string_view name);
  Response Operations(std::string_view name, std::string_view query);
  Response Restart(std::string_view name, const Request& request);
  Response Logs(std::string_view name, std::string_view query);
  Response PlanAll();
  Response Nodes();
  Response Ready();
  void Serve(web::http::http_request request);
  void StreamWatch(web::http::http_request& request, WatchRequest watch);
  void StreamLogs(web::http::http_request& request,
                  std::unique_ptr<ContainerLogStream> stream);

  ApiOptions options_;
  ApiDependencies deps_;
  KubeApi kube_;
  const ApiTokens* tokens_;
  std::unique_ptr<WatchStreams> watch_streams_;  // from Start
  std::unique_ptr<LogFollows> log_follows_;
  std::unique_ptr<web::http::experimental::listener::http_listener> listener_;
};

// "127.0.0.1:8088" / "[::1]:8088" / "localhost:8088" are loopback.
bool IsLoopbackListen(std::string_view listen);

}  // namespace rtm
