#include "test/controller/docker/docker_test_support.h"

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <random>

namespace rtm::testing {

std::string RandomSuffix() {
  static std::mutex mutex;
  static std::mt19937 generator{std::random_device{}()};
  std::lock_guard lock(mutex);
  char text[16];
  std::snprintf(text, sizeof text, "%08x", static_cast<unsigned>(generator()));
  return text;
}

HttpEndpoint TestEndpoint() {
  auto endpoint =
      ParseDockerEndpoint(ChooseDockerHost("", std::getenv("DOCKER_HOST")));
  if (!endpoint) {
    ADD_FAILURE() << endpoint.error().message;
    return *ParseDockerEndpoint(kDefaultDockerHost);
  }
  return *endpoint;
}

GameSpec HttpGameSpec() {
  GameSpec spec;
  spec.image = std::string(kDemoImage);
  spec.command = {"/bin/httpd", "-f", "-p", "8080"};
  spec.env = {{"MAP", "nebula"}, {"MODE", "itest"}};
  spec.ports = {PortMapping{8080, 0, "tcp", "127.0.0.1"}};
  spec.stop_timeout_seconds = 1;
  return spec;
}

std::optional<std::string>& DockerIntegrationTest::SuiteFailure() {
  static std::optional<std::string> failure;
  return failure;
}

void DockerIntegrationTest::SetUpTestSuite() {
  SuiteFailure().reset();
  DockerEngine engine(TestEndpoint());
  if (auto version = engine.Version(); !version) {
    SuiteFailure() =
        "no docker engine to test against: " + version.error().message;
    return;
  }
  if (!engine.InspectImage(kDemoImage)) {
    const std::string command =
        std::string(RTM_DEMO_IMAGE_SCRIPT) + " >/dev/null";
    if (std::system(command.c_str()) != 0 || !engine.InspectImage(kDemoImage)) {
      SuiteFailure() = std::string("demo image ") + std::string(kDemoImage) +
                       " missing and " RTM_DEMO_IMAGE_SCRIPT " failed";
      return;
    }
  }
  if (auto network = engine.EnsureNetwork(kTestNetwork); !network) {
    SuiteFailure() = "test network: " + network.error().message;
  }
}

void DockerIntegrationTest::SetUp() {
  if (SuiteFailure()) FAIL() << *SuiteFailure();
}

void DockerIntegrationTest::TearDown() {
  for (const auto& container : containers_) {
    auto removed = engine_.RemoveContainer(container, /*force=*/true);
    EXPECT_TRUE(removed.has_value())
        << "cleanup of " << container << ": " << removed.error().message;
  }
  for (const auto& network : networks_) {
    auto removed =
        raw_.Call(HttpMethod::kDelete, "/networks/" + network, std::nullopt);
    EXPECT_TRUE(removed && (removed->status == 204 || removed->status == 404))
        << "cleanup of network " << network;
  }
}

std::string DockerIntegrationTest::NewGameId() {
  return "itest-" + RandomSuffix();
}

ContainerSpec DockerIntegrationTest::NewContainerSpec(const GameSpec& spec) {
  ContainerSpec container =
      BuildContainerSpec(ContainerIdentity{NewGameId(), 1}, spec, kTestNetwork);
  container.labels.emplace(kTestRunLabel, run_id_);
  return container;
}

std::map<std::string, std::string> DockerIntegrationTest::RunLabels() const {
  return {{std::string(kTestRunLabel), run_id_}};
}

Expected<std::string> DockerIntegrationTest::CreateTracked(
    const ContainerSpec& spec) {
  auto id = engine_.CreateContainer(spec);
  if (id) TrackContainer(*id);
  return id;
}

std::string DockerIntegrationTest::CreateForeign(const std::string& name) {
  const nlohmann::json body{
      {"Image", kDemoImage},
      {"Cmd", {"/bin/sleep", "300"}},
      {"HostConfig", {{"Init", true}}},
  };
  auto response = raw_.Call(HttpMethod::kPost,
                            "/containers/create?name=" + name, body.dump());
  if (!response || response->status != 201) {
    ADD_FAILURE() << "cannot create foreign container " << name;
    return {};
  }
  std::string id = nlohmann::json::parse(response->body).at("Id");
  TrackContainer(id);
  return id;
}

void DockerIntegrationTest::TrackContainer(std::string id_or_name) {
  containers_.push_back(std::move(id_or_name));
}

void DockerIntegrationTest::TrackNetwork(std::string name) {
  networks_.push_back(std::move(name));
}

nlohmann::json DockerIntegrationTest::RawGet(const std::string& path) {
  auto response = raw_.Get(path);
  if (!response) {
    ADD_FAILURE() << "GET " << path << ": " << response.error().message;
    return nullptr;
  }
  if (response->status != 200) return nullptr;
  return nlohmann::json::parse(response->body);
}

nlohmann::json DockerIntegrationTest::RawInspect(const std::string& id) {
  return RawGet("/containers/" + id + "/json");
}

}  // namespace rtm::testing
