// The flags of `rtmanager run` and their validation: everything the
// controller process is configured with.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "controller/api/api_access.h"
#include "controller/cli/flags.h"
#include "controller/system/spdlog_logger.h"
#include "net/http_endpoint.h"
#include "reconcile/domain/error.h"
#include "reconcile/domain/time.h"
#include "reconcile/ports/logger.h"
#include "reconcile/queue/work_queue.h"

namespace rtm {

// Parallel reconciles. A lifecycle call mostly waits on the engine, which
// saturates first: on 2 cores 8 concurrent recreates converged 20- and
// 100-game fleets as fast as 20, 32 or 50 (docs/benchmarks.md).
inline constexpr int kDefaultWorkers = 8;

struct RunOptions {
  std::string manifests;
  std::string data_dir;
  // --store: empty → the embedded leveldb in data_dir; else the endpoints
  // of the etcd cluster (etcd://host:port,...) and --etcd-prefix.
  std::vector<HttpEndpoint> etcd_endpoints;
  std::string etcd_prefix;
  std::string store;  // what the store is, for the start-up log
  // Cluster mode (docs/cluster.md), with --store etcd:// only: this node's
  // name (empty: one host), labels, capacity and timings.
  std::string node;
  std::map<std::string, std::string> node_labels;
  size_t max_runtimes = 0;
  Duration node_ttl{};
  Duration node_lost_after{};
  std::string docker_host;
  std::string listen;
  std::string network;
  int workers = kDefaultWorkers;
  Duration lease_ttl{};
  Duration resync{};
  Duration manifest_debounce{};
  // --manifest-poll: rescan the manifests this often (0: off; inotify).
  Duration manifest_poll{};
  // --manifest-removal-grace: how long a vanished game's removal is held.
  Duration manifest_removal_grace{};
  // --allow-host-path: where spec.volumes[].hostPath may point.
  std::vector<std::string> allowed_host_paths;
  LogFormat log_format = LogFormat::kText;
  LogLevel log_level = LogLevel::kInfo;
  int max_ops_per_second = 20;
  BackoffPolicy backoff;
  Duration self_heal_base{};
  Duration self_heal_cap{};
  // --api-token-file (admin) and --api-read-token-file (read-only), kept
  // to be read again on SIGHUP; empty: not given.
  std::string api_token_file;
  std::string api_read_token_file;
  std::vector<ApiToken> api_tokens;  // what they held at start
  bool metrics_public = false;       // --metrics-public
  // --etcd-user and the password of --etcd-password-file ("": none).
  std::string etcd_user;
  std::string etcd_password;
  // --secrets-dir: where spec.secretEnv files are ("": none).
  std::string secrets_dir;
  // --tls-cert-file, --tls-key-file: both or neither ("": plain HTTP).
  std::string tls_cert_file;
  std::string tls_key_file;
  size_t watch_history_bytes = 0;
  size_t watch_max_unread_bytes = 0;  // --watch-max-unread-mib
};

// The tokens of the admin and the read token files (either may be "": not
// given); bare tokens are named "admin" and "reader". kInvalidRequest
// naming the flag and the file's problem (controller/system/token_file.h),
// or a token shorter than 16 characters.
Expected<std::vector<ApiToken>> LoadApiTokens(const std::string& admin_file,
                                              const std::string& read_file);

// The flags `rtmanager run` accepts, with their help lines.
const std::vector<FlagSpec>& RunFlags();

// The options the parsed flags give, defaults filled in. `docker_host_env`
// is $DOCKER_HOST (nullptr when unset). Every invalid value is
// kInvalidRequest naming its flag; a non-loopback --listen without
// --api-token-file is refused. Reads the token file.
Expected<RunOptions> ParseRunOptions(const ParsedFlags& flags,
                                     const char* docker_host_env);

}  // namespace rtm
