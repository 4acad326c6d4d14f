// `rtmanager kubeconfig` (controller/cli/kubeconfig.h): a kubeconfig that
// a YAML reader (as kubectl's) reads back to the server and token given.
#include "controller/cli/kubeconfig.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

namespace rtm {
namespace {

TEST(KubeconfigTest, PointsTheOnlyContextAtTheServerWithTheToken) {
  const YAML::Node config =
      YAML::Load(RenderKubeconfig("http://127.0.0.1:8088", "s3cr:et \"x\"#y"));
  EXPECT_EQ(config["kind"].as<std::string>(), "Config");
  EXPECT_EQ(config["current-context"].as<std::string>(), "rtmanager");
  EXPECT_EQ(config["contexts"][0]["context"]["cluster"].as<std::string>(), "rtmanager");
  EXPECT_EQ(config["contexts"][0]["context"]["user"].as<std::string>(), "rtmanager");
  EXPECT_EQ(config["clusters"][0]["cluster"]["server"].as<std::string>(),
            "http://127.0.0.1:8088");
  EXPECT_EQ(config["users"][0]["user"]["token"].as<std::string>(), "s3cr:et \"x\"#y");
  EXPECT_TRUE(config["clusters"][0]["cluster"]["insecure-skip-tls-verify"].as<bool>())
      << "plain HTTP: nothing to verify, and client-node needs it said";
}

TEST(KubeconfigTest, NoTokenNoCredentials) {
  const YAML::Node config = YAML::Load(RenderKubeconfig("http://[::1]:9000", ""));
  EXPECT_EQ(config["clusters"][0]["cluster"]["server"].as<std::string>(), "http://[::1]:9000");
  EXPECT_TRUE(config["users"][0]["user"].IsMap());
  EXPECT_EQ(config["users"][0]["user"].size(), 0u);
}

}  // namespace
}  // namespace rtm
