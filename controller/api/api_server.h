#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "reconcile/domain/error.h"
#include "reconcile/ports/container_engine.h"
#include "reconcile/ports/desired_state_store.h"
#include "reconcile/ports/logger.h"
#include "reconcile/ports/operation_log_store.h"

namespace web::http::experimental::listener {
class http_listener;
}
namespace web::http {
class http_request;
}

namespace rtm {

struct ApiDependencies {
  DesiredStateStore& desired;
  StatusStore& statuses;
  OperationLogStore& operation_log;
  ContainerEngine& engine;
  Logger& logger;
  // The store revision the list endpoint reports.
  std::function<uint64_t()> current_revision;
  // True once the controller finished its start-up sync.
  std::function<bool()> started;
};

// The REST API on cpprestsdk (DESIGN §6): /healthz, /readyz, /v1/runtimes,
// /v1/runtimes/{name}, /v1/runtimes/{name}/operations. JSON everywhere;
// errors as {"error": {code, message}}.
class ApiServer {
 public:
  // listen: "host:port", e.g. "127.0.0.1:8088".
  ApiServer(std::string listen, ApiDependencies dependencies);
  ~ApiServer();

  Expected<void> Start();
  void Stop();

  // The answer to one request, independent of the HTTP library (tested
  // directly).
  struct Response {
    int status = 200;
    std::string body;  // JSON
  };
  Response Handle(std::string_view method, std::string_view path,
                  std::string_view query);

 private:
  Response Runtimes();
  Response Runtime(std::string_view name);
  Response Operations(std::string_view name, std::string_view query);
  Response Ready();
  void Serve(web::http::http_request request);

  std::string listen_;
  ApiDependencies deps_;
  std::unique_ptr<web::http::experimental::listener::http_listener> listener_;
};

}  // namespace rtm
