// The ContainerEngine port on the Docker Engine API (v1.41), over a unix
// socket or TCP. Thread-safe; every call is bounded in time; no exception
// escapes: failures are Errors with the stable codes of the port.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "controller/docker/docker_endpoint.h"
#include "controller/docker/docker_http_client.h"
#include "reconcile/ports/container_engine.h"

namespace rtm {

struct DockerEngineOptions {
  // The bound of every call but a stop.
  Duration call_timeout = DockerHttpClient::kDefaultTimeout;
  // A stop is bounded by its own timeout plus this (SIGKILL and reaping).
  Duration stop_grace = std::chrono::seconds(10);
  // Called after every engine request with the HTTP status ("200", "404"...)
  // or "error" when the engine did not answer (rtmanager_docker_requests_total).
  std::function<void(std::string_view code)> on_request;
};

// Beyond the port's contract:
// - ListContainers inspects every listed container, so its states are as
//   complete as InspectContainer's (exit code, health, start times).
// - RemoveContainer also removes the container's anonymous volumes.
// - EnsureNetwork creates a bridge network labelled io.rtmanager.managed.
// - A 404 from start that is not "no such container" (e.g. its network is
//   missing) is kStartFailed.
class DockerEngine final : public ContainerEngine {
 public:
  explicit DockerEngine(HttpEndpoint endpoint,
                        DockerEngineOptions options = {});

  Expected<EngineVersion> Version() override;
  Expected<std::vector<ContainerState>> ListContainers(
      const std::map<std::string, std::string>& labels) override;
  Expected<ContainerState> InspectContainer(
      std::string_view id_or_name) override;
  Expected<std::string> CreateContainer(const ContainerSpec& spec) override;
  Expected<void> StartContainer(std::string_view id) override;
  Expected<void> StopContainer(std::string_view id,
                               int timeout_seconds) override;
  Expected<void> RemoveContainer(std::string_view id, bool force) override;
  Expected<void> RemoveVolume(std::string_view name) override;
  Expected<ExecResult> Exec(std::string_view id,
                            const std::vector<std::string>& command,
                            Duration timeout) override;
  Expected<std::string> ContainerLogs(std::string_view id,
                                      size_t max_bytes) override;
  Expected<std::unique_ptr<ContainerLogStream>> FollowLogs(
      std::string_view id, size_t tail_lines) override;
  Expected<void> InspectImage(std::string_view image_ref) override;
  Expected<void> EnsureNetwork(std::string_view name) override;
  Expected<std::unique_ptr<ContainerEventStream>> WatchEvents(
      const std::map<std::string, std::string>& labels) override;

  const HttpEndpoint& endpoint() const { return http_.endpoint(); }

 private:
  Expected<HttpResponse> Call(HttpMethod method, const std::string& path,
                              std::optional<std::string> json_body = {},
                              std::optional<Duration> timeout = {});
  Expected<void> CreateNetwork(std::string_view name);
  // Leaves one network named `name` when racing creators made several.
  Expected<void> RemoveDuplicateNetworks(std::string_view name);
  // The engine publishes a container's exit (the `die` event) before its
  // summaries stop saying "running"; an inspect waits until the engine has
  // handled the exit. So summaries claiming "running" are confirmed by an
  // inspect; the others are already final.
  Expected<std::vector<ContainerState>> ConfirmRunning(
      std::vector<ContainerState> summaries);

  DockerEngineOptions options_;
  DockerHttpClient http_;
};

}  // namespace rtm
