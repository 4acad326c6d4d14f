// One HTTP exchange of the API, independent of the HTTP library: what the
// handlers (controller/api/api_server.h, controller/api/kube/kube_api.h)
// read and answer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "reconcile/domain/game_runtime.h"
#include "reconcile/domain/time.h"
#include "reconcile/ports/container_engine.h"

namespace rtm {

struct ApiRequest {
  std::string method;
  std::string path;
  std::string query;
  std::map<std::string, std::string> headers;  // lower-case names
  size_t body_bytes = 0;
  size_t header_bytes = 0;
  std::string body;  // read only for methods that carry one (PATCH)
  std::string remote_address;  // the peer's IP address; "" when not known
  // Who the access check found: the token's name, "anonymous" where no
  // token is needed and none was presented. Set by ApiServer::Handle.
  std::string caller;
};

// A restart as an API surface asks it of the controller
// (Controller::RequestRestart): the generation bump's correlation id
// (X-Request-Id), and whether its disruption skips the game's drain wait
// (the native API's ?force=true).
struct RestartRequest {
  std::string request_id;
  bool force = false;
  Requester requested_by;  // the caller (ApiRequest::caller, remote_address)
};
// Returns the desired object's new metadata.generation.
using RestartRequester =
    std::function<Expected<int64_t>(std::string_view name, RestartRequest request)>;

// How a watch stream renders its events (controller/api/watch_streams.h).
enum class WatchFormat {
  kNative,     // {"type","revision","object"} with the /v1 object
  kKube,       // {"type","object"} with the Kubernetes object
  kKubeTable,  // {"type","object"} with a one-row meta.k8s.io/v1 Table
};

struct WatchRequest {
  uint64_t since = 0;  // stream the changes after this revision
  WatchFormat format = WatchFormat::kNative;
  // Written before the changes (Kubernetes: the objects at `since` as
  // synthetic ADDED events, for a watch from resourceVersion "" or "0").
  std::string initial_lines;
  // Kubernetes allowWatchBookmarks: BOOKMARK events while idle.
  bool bookmarks = false;
  // Which objects the stream sends (selectors); null: every one.
  std::function<bool(const DesiredRuntime&)> accepts;
  // Kubernetes timeoutSeconds: end sooner than the server's own limit.
  std::optional<Duration> timeout;
};

struct ApiResponse {
  int status = 200;
  std::string body;  // JSON, or the Prometheus text for /metrics
  std::string content_type = "application/json";
  std::optional<WatchRequest> watch;  // set: stream events instead
  // Set: a 200 text/plain body that is this container output as it comes
  // (controller/api/log_follows.h), instead of `body`.
  std::unique_ptr<ContainerLogStream> log_stream;
};

}  // namespace rtm
