// The Kubernetes-compatible surface of the API (docs/kubernetes-api.md):
// GameRuntime served as the cluster-scoped resource
// rtmanager.galaxy/v1 gameruntimes (short name gr), so that kubectl and
// Kubernetes informers work against rtmanager unmodified. Shares the
// listener, the token and the stores with the native /v1 API; renders
// through controller/api/kube/kube_representation.h and kube_table.h.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "controller/api/api_exchange.h"
#include "reconcile/ports/change_feed.h"
#include "reconcile/ports/clock.h"
#include "reconcile/ports/desired_state_store.h"
#include "reconcile/ports/operation_log_store.h"
#include "reconcile/ports/token_generator.h"

namespace rtm {

struct KubeApiDependencies {
  DesiredStateStore& desired;
  StatusStore& statuses;
  OperationLogStore& operation_log;  // the Events
  ChangeFeed& changes;  // list revisions and the watch
  Clock& clock;         // AGE columns
  TokenGenerator& tokens;  // request ids of restarts sent without one
  // The restart generation bump (Controller::RequestRestart); null: no
  // restarts through this surface.
  RestartRequester request_restart;
};

// The annotation whose change is a restart request (`kubectl annotate gr
// NAME rtmanager.galaxy/restartedAt=<time> --overwrite`).
inline constexpr std::string_view kRestartedAtAnnotation = "rtmanager.galaxy/restartedAt";
// Set to "true" in the same patch, the restart skips the game's drain wait
// (the native API's ?force=true): `kubectl annotate gr NAME
// rtmanager.galaxy/restartedAt=<time> rtmanager.galaxy/skipDrain=true
// --overwrite`.
inline constexpr std::string_view kSkipDrainAnnotation = "rtmanager.galaxy/skipDrain";

// Routes (GET unless said):
//   /version, /apis, /apis/rtmanager.galaxy, /apis/rtmanager.galaxy/v1
//     discovery; /api is 404 (no core group).
//   /apis/rtmanager.galaxy/v1/gameruntimes  list (labelSelector,
//     fieldSelector=metadata.name, limit accepted: everything in one page)
//     or, with watch=true|1, a watch (resourceVersion unset or "0": the
//     current objects as ADDED first; N: the changes after N only;
//     allowWatchBookmarks; timeoutSeconds).
//   /apis/rtmanager.galaxy/v1/gameruntimes/NAME  one object.
//   /api/v1/events, /api/v1/namespaces/NS/events  with
//     fieldSelector=involvedObject.name=NAME (what kubectl describe sends):
//     the game's newest operations as Events; without a name, none.
//   PATCH /apis/rtmanager.galaxy/v1/gameruntimes/NAME  a merge patch
//     (application/merge-patch+json) or JSON patch
//     (application/json-patch+json) that sets only the annotation
//     rtmanager.galaxy/restartedAt is a restart request, exactly like
//     POST /v1/runtimes/NAME/restart (opSource rest, X-Request-Id as its
//     sourceRef); metadata.resourceVersion in a merge patch is a
//     precondition (409 Conflict when the object moved). Any other change
//     is 422 Invalid (manifests own the desired state); a strategic merge
//     patch or another media type is 415 UnsupportedMediaType. The caller
//     (ApiServer) checks the bearer token first.
// Lists, objects and watch events are Tables when the Accept header asks
// for `as=Table;v=v1;g=meta.k8s.io`. Every error is a Status object with
// the reason client libraries classify by (NotFound, BadRequest,
// MethodNotAllowed, Expired, ...). Thread-safe (stateless).
class KubeApi {
 public:
  explicit KubeApi(KubeApiDependencies dependencies);

  // Whether `path` belongs to this surface.
  static bool Serves(std::string_view path);

  // `path` is request.path without a trailing slash.
  ApiResponse Handle(const ApiRequest& request, std::string_view path);

  // A refusal at the HTTP level (401, 405, 413, ...) as a Status.
  static ApiResponse Refuse(int http_status, std::string_view reason,
                            std::string_view message);

  // The labelSelector and fieldSelector of a list or watch
  // (controller/api/kube/kube_api.cc).
  struct Selection;

 private:
  struct Object {
    DesiredRuntime desired;
    std::optional<RuntimeStatusView> stored_status;
    const RuntimeStatusView* status() const {
      return stored_status ? &*stored_status : nullptr;
    }
  };
  Expected<Object> Load(std::string_view name);

  ApiResponse List(const ApiRequest& request);
  ApiResponse Watch(const ApiRequest& request, const Selection& selection,
                    uint64_t current_revision);
  ApiResponse Get(const ApiRequest& request, std::string_view name);
  ApiResponse Events(const ApiRequest& request);
  ApiResponse Patch(const ApiRequest& request, std::string_view name);

  KubeApiDependencies deps_;
};

// Whether an Accept header asks for a meta.k8s.io/v1 Table.
bool AcceptsTable(std::string_view accept);

}  // namespace rtm
