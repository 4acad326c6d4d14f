#include "controller/cli/kubeconfig.h"

#include <cpprest/asyncrt_utils.h>

#include <vector>

#include <nlohmann/json.hpp>

namespace rtm {

std::string RenderKubeconfig(const ApiEndpoint& endpoint, const std::string& ca_pem) {
  const auto quoted = [](const std::string& text) { return nlohmann::json(text).dump(); };
  std::string config =
      "apiVersion: v1\n"
      "kind: Config\n"
      "clusters:\n"
      "- name: rtmanager\n"
      "  cluster:\n"
      "    server: " + quoted(endpoint.server) + "\n";
  const bool plain_http = endpoint.server.starts_with("http://");
  if (plain_http || endpoint.insecure_skip_tls_verify) {
    config += "    insecure-skip-tls-verify: true\n";
  } else if (!ca_pem.empty()) {
    const std::vector<unsigned char> bytes(ca_pem.begin(), ca_pem.end());
    config += "    certificate-authority-data: " +
              quoted(utility::conversions::to_base64(bytes)) + "\n";
  }
  config +=
      "users:\n"
      "- name: rtmanager\n";
  config += endpoint.bearer_token.empty()
                ? "  user: {}\n"
                : "  user:\n    token: " + quoted(endpoint.bearer_token) + "\n";
  config +=
      "contexts:\n"
      "- name: rtmanager\n"
      "  context:\n"
      "    cluster: rtmanager\n"
      "    user: rtmanager\n"
      "current-context: rtmanager\n";
  return config;
}

}  // namespace rtm
