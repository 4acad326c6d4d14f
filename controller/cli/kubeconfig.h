// `rtmanager kubeconfig`: a kubeconfig for kubectl and other Kubernetes
// clients that points at this controller's Kubernetes-compatible API
// (docs/kubernetes-api.md), so that
// `KUBECONFIG=<(rtmanager kubeconfig) kubectl get gr` works.
#pragma once

#include <string>

namespace rtm {

// A kubeconfig (YAML) with one cluster, user and context named
// "rtmanager": the cluster's server is `server` (an http:// URL), the user
// carries `token` as its bearer token when not empty. An http:// server
// has insecure-skip-tls-verify set (there is no TLS; the JavaScript client
// refuses plain HTTP without it). Strings are quoted (JSON strings are
// YAML), so any token or URL is safe in it.
std::string RenderKubeconfig(const std::string& server, const std::string& token);

}  // namespace rtm
