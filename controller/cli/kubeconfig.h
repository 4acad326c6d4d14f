// `rtmanager kubeconfig`: a kubeconfig for kubectl and other Kubernetes
// clients that points at this controller's Kubernetes-compatible API
// (docs/kubernetes-api.md), so that
// `KUBECONFIG=<(rtmanager kubeconfig) kubectl get gr` works.
#pragma once

#include <string>

#include "controller/cli/api_client.h"

namespace rtm {

// A kubeconfig (YAML) with one cluster, user and context named
// "rtmanager": the cluster's server is `endpoint.server` (an http:// or
// https:// URL), the user carries the bearer token when there is one.
// - https: `ca_pem` (the content of endpoint.ca_file; "": none) becomes
//   certificate-authority-data, so the kubeconfig stands alone;
//   insecure-skip-tls-verify only when the endpoint asks for it.
// - http: insecure-skip-tls-verify is set (there is no TLS; the JavaScript
//   client refuses plain HTTP without it). kubectl sends no credentials
//   over plain HTTP: a controller with tokens needs TLS for kubectl.
// Strings are quoted (JSON strings are YAML), so any token or URL is safe.
std::string RenderKubeconfig(const ApiEndpoint& endpoint, const std::string& ca_pem);

}  // namespace rtm
