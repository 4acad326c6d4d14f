#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "controller/api/api_handler.h"
#include "reconcile/domain/error.h"

namespace web::http::experimental::listener {
class http_listener;
}
namespace web::http {
class http_request;
}

namespace rtm {

class LogFollows;
class WatchStreams;

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
  // The answer to one request, independent of the HTTP library
  // (ApiHandler::Handle).
  Response Handle(Request request) { return handler_.Handle(std::move(request)); }

 private:
  void Serve(web::http::http_request request);
  void StreamWatch(web::http::http_request& request, WatchRequest watch);
  void StreamLogs(web::http::http_request& request,
                  std::unique_ptr<ContainerLogStream> stream);

  ApiOptions options_;
  ApiDependencies deps_;
  std::unique_ptr<WatchStreams> watch_streams_;  // from Start
  std::unique_ptr<LogFollows> log_follows_;
  ApiHandler handler_;  // after what it refers to
  std::unique_ptr<web::http::experimental::listener::http_listener> listener_;
};

// "127.0.0.1:8088" / "[::1]:8088" / "localhost:8088" are loopback.
bool IsLoopbackListen(std::string_view listen);

}  // namespace rtm
