// Latency of the Docker calls of one recreate (stop, rm, create, start) as
// DockerEngine makes them: one thread, hence one pooled keep-alive
// connection. The container is a typical game: busybox httpd under Init,
// StopTimeout 1, port 8080 published on an ephemeral 127.0.0.1 port, on a
// user-defined bridge network with an alias.
//
//   rtm_bench_docker_calls [--runs N] [--docker-host URL] [--image REF]
//
// Needs the demo image (scripts/build-demo-image.sh). Prints the median,
// minimum and maximum of each call in milliseconds.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "controller/docker/docker_engine.h"
#include "reconcile/domain/container_spec.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  int runs = 20;
  std::string docker_host;
  std::string image = "rtmanager/demo-game:1";
};

bool ParseOptions(int argc, char** argv, Options& options) {
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) return false;
    const std::string value = argv[++i];
    if (flag == "--runs") {
      options.runs = std::atoi(value.c_str());
    } else if (flag == "--docker-host") {
      options.docker_host = value;
    } else if (flag == "--image") {
      options.image = value;
    } else {
      return false;
    }
  }
  return options.runs > 0;
}

class LatencyLog {
 public:
  // Runs `call`, records its latency under `name`; false when it failed.
  bool Time(const std::string& name,
            const std::function<rtm::Expected<void>()>& call) {
    const auto start = Clock::now();
    const auto result = call();
    const auto elapsed = Clock::now() - start;
    if (!result) {
      std::fprintf(stderr, "%s failed: %s\n", name.c_str(),
                   result.error().message.c_str());
      return false;
    }
    samples_[name].push_back(
        std::chrono::duration<double, std::milli>(elapsed).count());
    return true;
  }

  void Print(const std::vector<std::string>& order) {
    std::printf("%-8s %6s %10s %10s %10s\n", "call", "runs", "median_ms",
                "min_ms", "max_ms");
    for (const auto& name : order) {
      auto values = samples_[name];
      if (values.empty()) continue;
      std::sort(values.begin(), values.end());
      const size_t n = values.size();
      const double median =
          n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
      std::printf("%-8s %6zu %10.2f %10.2f %10.2f\n", name.c_str(), n, median,
                  values.front(), values.back());
    }
  }

 private:
  std::map<std::string, std::vector<double>> samples_;
};

std::string RandomSuffix() {
  char text[16];
  std::snprintf(text, sizeof text, "%08x",
                static_cast<unsigned>(std::random_device{}()));
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (!ParseOptions(argc, argv, options)) {
    std::fprintf(stderr,
                 "usage: %s [--runs N] [--docker-host URL] [--image REF]\n",
                 argv[0]);
    return 2;
  }
  auto endpoint = rtm::ParseDockerEndpoint(
      rtm::ChooseDockerHost(options.docker_host, std::getenv("DOCKER_HOST")));
  if (!endpoint) {
    std::fprintf(stderr, "%s\n", endpoint.error().message.c_str());
    return 2;
  }
  rtm::DockerEngine engine(*endpoint);

  const std::string network = "rtmanager-bench";
  if (auto ensured = engine.EnsureNetwork(network); !ensured) {
    std::fprintf(stderr, "%s\n", ensured.error().message.c_str());
    return 1;
  }
  rtm::GameSpec game;
  game.image = options.image;
  game.command = {"/bin/httpd", "-f", "-p", "8080"};
  game.ports = {rtm::PortMapping{8080, 0, "tcp", "127.0.0.1"}};
  game.stop_timeout_seconds = 1;
  const rtm::ContainerSpec spec =
      rtm::BuildContainerSpec({"bench-" + RandomSuffix(), 1}, game, network);

  std::string id;
  auto create = [&]() -> rtm::Expected<void> {
    auto created = engine.CreateContainer(spec);
    if (!created) return std::unexpected(created.error());
    id = *created;
    return {};
  };
  auto start = [&] { return engine.StartContainer(id); };
  auto stop = [&] {
    return engine.StopContainer(id, spec.stop_timeout_seconds);
  };
  auto remove = [&] { return engine.RemoveContainer(id, /*force=*/false); };

  LatencyLog warm_up;
  bool ok = warm_up.Time("create", create) && warm_up.Time("start", start);
  LatencyLog log;
  for (int run = 0; ok && run < options.runs; ++run) {
    // The floor of one restart: the four calls back to back.
    ok = log.Time("restart", [&]() -> rtm::Expected<void> {
      bool all = log.Time("stop", stop) && log.Time("rm", remove) &&
                 log.Time("create", create) && log.Time("start", start);
      if (!all) return rtm::Fail(rtm::ErrorCode::kInternal, "a call failed");
      return {};
    });
  }
  if (!id.empty()) (void)engine.RemoveContainer(id, /*force=*/true);

  std::printf("docker engine %s, container %s (Init, StopTimeout %d)\n",
              endpoint->text.c_str(), spec.name.c_str(),
              spec.stop_timeout_seconds);
  log.Print({"stop", "rm", "create", "start", "restart"});
  return ok ? 0 : 1;
}
