// Shared fixture of the tests against the real Docker engine: unique names,
// the demo image, the test network and cleanup of everything created.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "controller/docker/docker_endpoint.h"
#include "controller/docker/docker_engine.h"
#include "controller/docker/docker_http_client.h"
#include "reconcile/domain/container_spec.h"

namespace rtm::testing {

inline constexpr std::string_view kTestNetwork = "rtmanager-itest";
inline constexpr std::string_view kDemoImage = "rtmanager/demo-game:1";
inline constexpr std::string_view kTestRunLabel = "io.rtmanager.itest-run";

// 8 random hex digits.
std::string RandomSuffix();

// The engine under test: $DOCKER_HOST, else the default socket.
HttpEndpoint TestEndpoint();

// A game spec that serves HTTP on 8080 and stops within a second.
GameSpec HttpGameSpec();

class DockerIntegrationTest : public ::testing::Test {
 protected:
  // Builds the demo image when missing and ensures the test network; a
  // failure fails every test of the suite with its reason.
  static void SetUpTestSuite();
  void SetUp() override;
  // Force-removes every container and network the test created.
  void TearDown() override;

  // "itest-<random>"; distinct on every call.
  std::string NewGameId();
  // The production mapping of `spec` for a new game, plus this test's
  // run label so that lists and event filters see only this test's
  // containers.
  ContainerSpec NewContainerSpec(const GameSpec& spec = HttpGameSpec());
  std::map<std::string, std::string> RunLabels() const;

  // CreateContainer that records the container for cleanup.
  Expected<std::string> CreateTracked(const ContainerSpec& spec);
  // A container named `name` without any rtmanager label.
  std::string CreateForeign(const std::string& name);
  void TrackContainer(std::string id_or_name);
  void TrackNetwork(std::string name);

  // GET `path` through a raw client; the JSON body (null unless 200).
  nlohmann::json RawGet(const std::string& path);
  nlohmann::json RawInspect(const std::string& id);

  DockerEngine engine_{TestEndpoint()};
  DockerHttpClient raw_{TestEndpoint()};
  const std::string run_id_ = RandomSuffix();

 private:
  static std::optional<std::string>& SuiteFailure();
  std::vector<std::string> containers_;
  std::vector<std::string> networks_;
};

}  // namespace rtm::testing
