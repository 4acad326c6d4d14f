// `rtmanager kubeconfig` (controller/cli/kubeconfig.h): a kubeconfig that
// a YAML reader (as kubectl's) reads back to the server and token given.
#include "controller/cli/kubeconfig.h"

#include <cpprest/asyncrt_utils.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

namespace rtm {
namespace {

TEST(KubeconfigTest, PointsTheOnlyContextAtTheServerWithTheToken) {
  const YAML::Node config =
      YAML::Load(RenderKubeconfig(
          {.server = "http://127.0.0.1:8088", .bearer_token = "s3cr:et \"x\"#y"}, ""));
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
  const YAML::Node config = YAML::Load(RenderKubeconfig({.server = "http://[::1]:9000"}, ""));
  EXPECT_EQ(config["clusters"][0]["cluster"]["server"].as<std::string>(), "http://[::1]:9000");
  EXPECT_TRUE(config["users"][0]["user"].IsMap());
  EXPECT_EQ(config["users"][0]["user"].size(), 0u);
}

TEST(KubeconfigTest, HttpsCarriesTheCaInlineAndVerifiesUnlessToldNotTo) {
  const std::string ca = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
  const YAML::Node verified = YAML::Load(
      RenderKubeconfig({.server = "https://rtm.example:8443", .ca_file = "/etc/ca.pem"}, ca));
  const YAML::Node cluster = verified["clusters"][0]["cluster"];
  EXPECT_EQ(cluster["server"].as<std::string>(), "https://rtm.example:8443");
  EXPECT_FALSE(cluster["insecure-skip-tls-verify"]);
  const std::string data = cluster["certificate-authority-data"].as<std::string>();
  const std::vector<unsigned char> decoded = utility::conversions::from_base64(data);
  EXPECT_EQ(std::string(decoded.begin(), decoded.end()), ca) << "the CA's PEM, base64";

  const YAML::Node system_cas =
      YAML::Load(RenderKubeconfig({.server = "https://rtm.example:8443"}, ""));
  EXPECT_FALSE(system_cas["clusters"][0]["cluster"]["insecure-skip-tls-verify"]);
  EXPECT_FALSE(system_cas["clusters"][0]["cluster"]["certificate-authority-data"]);

  const YAML::Node insecure = YAML::Load(RenderKubeconfig(
      {.server = "https://rtm.example:8443", .insecure_skip_tls_verify = true}, ""));
  EXPECT_TRUE(insecure["clusters"][0]["cluster"]["insecure-skip-tls-verify"].as<bool>());
}

}  // namespace
}  // namespace rtm
