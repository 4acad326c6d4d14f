#include "controller/cli/kubeconfig.h"

#include <nlohmann/json.hpp>

namespace rtm {

std::string RenderKubeconfig(const std::string& server, const std::string& token) {
  const auto quoted = [](const std::string& text) { return nlohmann::json(text).dump(); };
  std::string config =
      "apiVersion: v1\n"
      "kind: Config\n"
      "clusters:\n"
      "- name: rtmanager\n"
      "  cluster:\n"
      "    server: " + quoted(server) + "\n";
  // Plain HTTP has no certificate to verify; @kubernetes/client-node 1.x
  // refuses an http:// server unless told to skip verification.
  if (server.starts_with("http://")) config += "    insecure-skip-tls-verify: true\n";
  config +=
      "users:\n"
      "- name: rtmanager\n";
  config += token.empty() ? "  user: {}\n" : "  user:\n    token: " + quoted(token) + "\n";
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
