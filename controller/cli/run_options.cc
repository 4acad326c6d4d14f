#include "controller/cli/run_options.h"

#include <fstream>
#include <utility>

#include "controller/api/api_server.h"
#include "controller/docker/docker_endpoint.h"
#include "controller/system/token_file.h"
#include "store/etcd/etcd_store.h"
#include "reconcile/domain/game_spec.h"
#include "store/history/change_history.h"

namespace rtm {
namespace {

// An API token shorter than this is refused at start.
constexpr size_t kMinTokenLength = 16;

const std::vector<FlagSpec> kRunFlags{
    {"manifests", true, "watched manifests directory (default ./manifests)"},
    {"data-dir", true, "leveldb store directory (default ./data)"},
    {"store", true, "etcd://HOST:PORT[,HOST:PORT...] (etcd+https:// over TLS): keep state in etcd (default: leveldb in --data-dir)"},
    {"etcd-prefix", true, "key prefix of everything kept in etcd (default /rtmanager/)"},
    {"etcd-ca-file", true, "with --store etcd+https://: PEM of the CA that signed etcd's certificates (default: the system's CAs)"},
    {"etcd-cert-file", true, "with --store etcd+https://: this client's certificate, for etcd's --client-cert-auth"},
    {"etcd-key-file", true, "the key of --etcd-cert-file"},
    {"etcd-user", true, "etcd authentication: the user (with --etcd-password-file)"},
    {"etcd-password-file", true, "etcd authentication: the file holding the user's password"},
    {"node", true, "cluster mode (with --store etcd://): this node's name; the agent of its Docker engine"},
    {"node-label", true, "k=v label of this node for spec.nodeSelector (repeatable)"},
    {"max-runtimes", true, "games this node runs at most (default 0: no limit)"},
    {"node-ttl", true, "liveness lease of this node, renewed every third of it (default 10s)"},
    {"node-lost-after", true, "a node without its lease this long is Lost and its games move (default 30s)"},
    {"docker-host", true, "engine endpoint (default $DOCKER_HOST, else unix:///var/run/docker.sock)"},
    {"listen", true, "REST API address (default 127.0.0.1:8088)"},
    {"network", true, "user-defined bridge network (default rtmanager)"},
    {"workers", true, "parallel reconciles (default 8)"},
    {"lease-ttl", true, "per-game lease TTL (default 60s)"},
    {"resync", true, "full resync period (default 5m)"},
    {"manifest-debounce", true, "quiet time after manifest file events before a rescan (default 10ms)"},
    {"secrets-dir", true, "directory of the files spec.secretEnv names (a mounted Kubernetes Secret, say; default none)"},
    {"allow-host-path", true, "a host directory prefix spec.volumes[].hostPath may be under (repeatable; default none)"},
    {"manifest-removal-grace", true, "a game whose manifest vanished is removed once the tree has gone this long without it (default 1s; 0: at once)"},
    {"manifest-poll", true, "also rescan the manifests this often, for filesystems without inotify (NFS, FUSE; default off, 2s when inotify cannot watch them)"},
    {"log-format", true, "text | json (default text)"},
    {"log-level", true, "debug | info | warn | error (default info)"},
    {"api-token-file", true, "file of admin API tokens, one per line (name:token); with any token file, every call but /healthz and /readyz needs a token"},
    {"api-read-token-file", true, "file of read-only API tokens (GET, watch, logs, metrics), one per line (name:token)"},
    {"metrics-public", false, "serve /metrics without a token even when tokens are configured"},
    {"tls-cert-file", true, "PEM certificate chain: serve the API over HTTPS (with --tls-key-file)"},
    {"tls-key-file", true, "PEM private key of --tls-cert-file"},
    {"max-ops-per-second", true, "global lifecycle operation rate (default 20; 0: unlimited)"},
    {"backoff-base", true, "first retry delay of a failing game (default 100ms)"},
    {"backoff-cap", true, "longest retry delay (default 5m)"},
    {"self-heal-base", true, "first delay before restarting a crashed game again (default 1s)"},
    {"self-heal-cap", true, "longest self-heal delay of a crash-looping game (default 5m)"},
    {"watch-history-mib", true, "memory the watch history (?watch=true&since=N) retains, in MiB (default 16)"},
    {"watch-max-unread-mib", true, "a watch stream whose client leaves more than this unread ends (the client watches again), in MiB (default 4)"},
    {"help", false, "this help"},
};

std::optional<LogLevel> ParseLogLevel(std::string_view name) {
  if (name == "debug") return LogLevel::kDebug;
  if (name == "info") return LogLevel::kInfo;
  if (name == "warn") return LogLevel::kWarn;
  if (name == "error") return LogLevel::kError;
  return std::nullopt;
}

// The first line of `path`, without its line end; kInvalidRequest naming
// `flag` when it cannot be read or is empty.
Expected<std::string> ReadFirstLine(const std::string& path, std::string_view flag) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) {
    return Fail(ErrorCode::kInvalidRequest,
                "flag " + std::string(flag) + ": cannot read " + path);
  }
  if (line.ends_with('\r')) line.pop_back();
  if (line.empty()) {
    return Fail(ErrorCode::kInvalidRequest,
                "flag " + std::string(flag) + ": " + path + " starts with an empty line");
  }
  return line;
}

// etcd over TLS (--store etcd+https://, --etcd-ca-file, --etcd-cert-file,
// --etcd-key-file) and etcd authentication (--etcd-user,
// --etcd-password-file), set on the endpoints and the options.
Expected<void> ParseEtcdSecurity(const ParsedFlags& flags, RunOptions& options) {
  const bool tls = !options.etcd_endpoints.empty() && options.etcd_endpoints.front().tls;
  HttpTls files{.ca_file = flags.Get("etcd-ca-file", ""),
                .cert_file = flags.Get("etcd-cert-file", ""),
                .key_file = flags.Get("etcd-key-file", "")};
  if (!tls && (!files.ca_file.empty() || !files.cert_file.empty() || !files.key_file.empty())) {
    return Fail(ErrorCode::kInvalidRequest,
                "flags --etcd-ca-file, --etcd-cert-file and --etcd-key-file need "
                "--store etcd+https://HOST:PORT");
  }
  if (files.cert_file.empty() != files.key_file.empty()) {
    return Fail(ErrorCode::kInvalidRequest,
                "flags --etcd-cert-file and --etcd-key-file go together");
  }
  for (const auto& [flag, path] : {std::pair{"--etcd-ca-file", files.ca_file},
                                   std::pair{"--etcd-cert-file", files.cert_file},
                                   std::pair{"--etcd-key-file", files.key_file}}) {
    if (!path.empty() && !std::ifstream(path)) {
      return Fail(ErrorCode::kInvalidRequest,
                  std::string("flag ") + flag + ": cannot read " + path);
    }
  }
  if (tls) {
    for (HttpEndpoint& endpoint : options.etcd_endpoints) endpoint.tls = files;
  }
  const std::string user = flags.Get("etcd-user", "");
  const std::string password_file = flags.Get("etcd-password-file", "");
  if (user.empty() != password_file.empty()) {
    return Fail(ErrorCode::kInvalidRequest,
                "flags --etcd-user and --etcd-password-file go together");
  }
  if (!user.empty() && options.etcd_endpoints.empty()) {
    return Fail(ErrorCode::kInvalidRequest, "flag --etcd-user: only with --store etcd://...");
  }
  if (!user.empty()) {
    auto password = ReadFirstLine(password_file, "--etcd-password-file");
    if (!password) return std::unexpected(password.error());
    options.etcd_user = user;
    options.etcd_password = std::move(*password);
  }
  return {};
}

// --node and the flags that only make sense with it.
Expected<void> ParseClusterOptions(const ParsedFlags& flags, RunOptions& options) {
  options.node = flags.Get("node", "");
  const bool cluster_flags = flags.Has("node-label") || flags.Has("max-runtimes") ||
                             flags.Has("node-ttl") || flags.Has("node-lost-after");
  if (options.node.empty()) {
    if (cluster_flags) {
      return Fail(ErrorCode::kInvalidRequest,
                  "flags --node-label, --max-runtimes, --node-ttl and "
                  "--node-lost-after need --node");
    }
    return {};
  }
  if (options.etcd_endpoints.empty()) {
    return Fail(ErrorCode::kInvalidRequest,
                "flag --node: cluster mode needs --store etcd://HOST:PORT");
  }
  if (!IsValidNodeName(options.node)) {
    return Fail(ErrorCode::kInvalidRequest,
                "flag --node: \"" + options.node + "\" " + std::string(kDnsLabelRule));
  }
  for (const std::string& label : flags.GetAll("node-label")) {
    const size_t eq = label.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Fail(ErrorCode::kInvalidRequest,
                  "flag --node-label: \"" + label + "\" is not key=value");
    }
    options.node_labels[label.substr(0, eq)] = label.substr(eq + 1);
  }
  auto max_runtimes = flags.GetInt("max-runtimes", 0, 0, 100000);
  if (!max_runtimes) return std::unexpected(max_runtimes.error());
  options.max_runtimes = static_cast<size_t>(*max_runtimes);
  auto ttl = flags.GetDuration("node-ttl", std::chrono::seconds(10));
  if (!ttl) return std::unexpected(ttl.error());
  auto lost_after = flags.GetDuration("node-lost-after", std::chrono::seconds(30));
  if (!lost_after) return std::unexpected(lost_after.error());
  if (*ttl < std::chrono::seconds(2)) {
    return Fail(ErrorCode::kInvalidRequest, "flag --node-ttl: must be >= 2s (etcd's shortest lease)");
  }
  if (*lost_after < *ttl) {
    return Fail(ErrorCode::kInvalidRequest,
                "flag --node-lost-after: must be >= --node-ttl, or a node is "
                "declared Lost before its lease can expire");
  }
  options.node_ttl = *ttl;
  options.node_lost_after = *lost_after;
  return {};
}

}  // namespace

Expected<RunOptions> ParseRunOptions(const ParsedFlags& flags,
                                     const char* docker_host_env) {
  RunOptions options;
  options.manifests = flags.Get("manifests", "./manifests");
  options.data_dir = flags.Get("data-dir", "./data");
  options.store = "leveldb:" + options.data_dir;
  const std::string store = flags.Get("store", "");
  if (!store.empty()) {
    auto endpoints = ParseEtcdUrl(store);
    if (!endpoints) return std::unexpected(endpoints.error());
    options.etcd_endpoints = *std::move(endpoints);
    options.store = store;
  }
  auto etcd_prefix = ParseEtcdPrefix(
      flags.Get("etcd-prefix", std::string(kDefaultEtcdPrefix)));
  if (!etcd_prefix) return std::unexpected(etcd_prefix.error());
  if (options.etcd_endpoints.empty() && flags.Has("etcd-prefix")) {
    return Fail(ErrorCode::kInvalidRequest,
                "flag --etcd-prefix: only with --store etcd://...");
  }
  options.etcd_prefix = *std::move(etcd_prefix);
  if (auto secured = ParseEtcdSecurity(flags, options); !secured) {
    return std::unexpected(secured.error());
  }
  if (auto cluster = ParseClusterOptions(flags, options); !cluster) {
    return std::unexpected(cluster.error());
  }
  options.docker_host = std::string(
      ChooseDockerHost(flags.Get("docker-host", ""), docker_host_env));
  options.listen = flags.Get("listen", "127.0.0.1:8088");
  options.network = flags.Get("network", "rtmanager");
  auto workers = flags.GetInt("workers", kDefaultWorkers, 1, 256);
  auto lease_ttl = flags.GetDuration("lease-ttl", std::chrono::seconds(60));
  auto resync = flags.GetDuration("resync", std::chrono::minutes(5));
  auto debounce = flags.GetDuration("manifest-debounce", std::chrono::milliseconds(10));
  auto max_ops = flags.GetInt("max-ops-per-second", 20, 0, 100000);
  auto backoff_base = flags.GetDuration("backoff-base", std::chrono::milliseconds(100));
  auto backoff_cap = flags.GetDuration("backoff-cap", std::chrono::minutes(5));
  auto heal_base = flags.GetDuration("self-heal-base", std::chrono::seconds(1));
  auto heal_cap = flags.GetDuration("self-heal-cap", std::chrono::minutes(5));
  auto watch_history_mib = flags.GetInt(
      "watch-history-mib", static_cast<int>(kDefaultChangeHistoryBytes >> 20), 1, 4096);
  auto watch_unread_mib = flags.GetInt("watch-max-unread-mib", 4, 1, 1024);
  for (const Expected<void>& check :
       {workers ? Expected<void>() : std::unexpected(workers.error()),
        lease_ttl ? Expected<void>() : std::unexpected(lease_ttl.error()),
        resync ? Expected<void>() : std::unexpected(resync.error()),
        debounce ? Expected<void>() : std::unexpected(debounce.error()),
        max_ops ? Expected<void>() : std::unexpected(max_ops.error()),
        backoff_base ? Expected<void>() : std::unexpected(backoff_base.error()),
        backoff_cap ? Expected<void>() : std::unexpected(backoff_cap.error()),
        heal_base ? Expected<void>() : std::unexpected(heal_base.error()),
        heal_cap ? Expected<void>() : std::unexpected(heal_cap.error()),
        watch_history_mib ? Expected<void>()
                          : std::unexpected(watch_history_mib.error()),
        watch_unread_mib ? Expected<void>() : std::unexpected(watch_unread_mib.error())}) {
    if (!check) return std::unexpected(check.error());
  }
  if (*lease_ttl < std::chrono::seconds(1)) {
    return Fail(ErrorCode::kInvalidRequest, "flag --lease-ttl: must be >= 1s");
  }
  if (*resync < std::chrono::seconds(1)) {
    return Fail(ErrorCode::kInvalidRequest, "flag --resync: must be >= 1s");
  }
  if (*backoff_base <= Duration::zero() || *backoff_cap < *backoff_base) {
    return Fail(ErrorCode::kInvalidRequest,
                "flags --backoff-base/--backoff-cap: need 0 < base <= cap");
  }
  if (*heal_base <= Duration::zero() || *heal_cap < *heal_base) {
    return Fail(ErrorCode::kInvalidRequest,
                "flags --self-heal-base/--self-heal-cap: need 0 < base <= cap");
  }
  options.self_heal_base = *heal_base;
  options.self_heal_cap = *heal_cap;
  options.watch_history_bytes = static_cast<size_t>(*watch_history_mib) << 20;
  options.watch_max_unread_bytes = static_cast<size_t>(*watch_unread_mib) << 20;
  options.workers = *workers;
  options.lease_ttl = *lease_ttl;
  options.resync = *resync;
  if (*debounce <= Duration::zero() || *debounce > std::chrono::seconds(10)) {
    return Fail(ErrorCode::kInvalidRequest,
                "flag --manifest-debounce: must be in 1ms..10s");
  }
  options.manifest_debounce = *debounce;
  auto poll = flags.GetDuration("manifest-poll", Duration::zero());
  if (!poll) return std::unexpected(poll.error());
  if (*poll != Duration::zero() &&
      (*poll < std::chrono::milliseconds(100) || *poll > std::chrono::hours(1))) {
    return Fail(ErrorCode::kInvalidRequest,
                "flag --manifest-poll: must be in 100ms..1h (or 0: off)");
  }
  options.manifest_poll = *poll;
  auto removal_grace =
      flags.GetDuration("manifest-removal-grace", std::chrono::seconds(1));
  if (!removal_grace) return std::unexpected(removal_grace.error());
  if (*removal_grace < Duration::zero() ||
      *removal_grace > std::chrono::minutes(10)) {
    return Fail(ErrorCode::kInvalidRequest,
                "flag --manifest-removal-grace: must be in 0..10m");
  }
  options.manifest_removal_grace = *removal_grace;
  for (const std::string& prefix : flags.GetAll("allow-host-path")) {
    if (!IsCleanAbsolutePath(prefix)) {
      return Fail(ErrorCode::kInvalidRequest,
                  "flag --allow-host-path: \"" + prefix +
                      "\" is not a clean absolute path (no . or .., no trailing slash)");
    }
    options.allowed_host_paths.push_back(prefix);
  }
  options.max_ops_per_second = *max_ops;
  options.backoff = BackoffPolicy{*backoff_base, *backoff_cap};

  const std::string format = flags.Get("log-format", "text");
  if (format != "text" && format != "json") {
    return Fail(ErrorCode::kInvalidRequest,
                "flag --log-format: \"" + format + "\" is not text or json");
  }
  options.log_format = format == "json" ? LogFormat::kJson : LogFormat::kText;
  const std::string level = flags.Get("log-level", "info");
  auto parsed_level = ParseLogLevel(level);
  if (!parsed_level) {
    return Fail(ErrorCode::kInvalidRequest,
                "flag --log-level: \"" + level +
                    "\" is not debug, info, warn or error");
  }
  options.log_level = *parsed_level;
  options.api_token_file = flags.Get("api-token-file", "");
  options.api_read_token_file = flags.Get("api-read-token-file", "");
  options.metrics_public = flags.Has("metrics-public");
  options.secrets_dir = flags.Get("secrets-dir", "");
  while (options.secrets_dir.size() > 1 && options.secrets_dir.ends_with('/')) {
    options.secrets_dir.pop_back();
  }
  options.tls_cert_file = flags.Get("tls-cert-file", "");
  options.tls_key_file = flags.Get("tls-key-file", "");
  if (options.tls_cert_file.empty() != options.tls_key_file.empty()) {
    return Fail(ErrorCode::kInvalidRequest,
                "flags --tls-cert-file and --tls-key-file go together");
  }
  for (const auto& [flag, path] : {std::pair{"--tls-cert-file", options.tls_cert_file},
                                   std::pair{"--tls-key-file", options.tls_key_file}}) {
    if (!path.empty() && !std::ifstream(path)) {
      return Fail(ErrorCode::kInvalidRequest,
                  std::string("flag ") + flag + ": cannot read " + path);
    }
  }
  auto tokens = LoadApiTokens(options.api_token_file, options.api_read_token_file);
  if (!tokens) return std::unexpected(tokens.error());
  options.api_tokens = std::move(*tokens);
  if (options.api_tokens.empty() && !IsLoopbackListen(options.listen)) {
    return Fail(ErrorCode::kInvalidRequest,
                "refusing --listen " + options.listen +
                    ": a non-loopback address needs --api-token-file");
  }
  return options;
}

Expected<std::vector<ApiToken>> LoadApiTokens(const std::string& admin_file,
                                              const std::string& read_file) {
  std::vector<ApiToken> tokens;
  const struct {
    const std::string& path;
    const char* flag;
    const char* default_name;
    ApiRole role;
  } files[] = {{admin_file, "--api-token-file", "admin", ApiRole::kAdmin},
               {read_file, "--api-read-token-file", "reader", ApiRole::kRead}};
  for (const auto& file : files) {
    if (file.path.empty()) continue;
    auto listed = ReadTokenList(file.path, file.default_name, kMinTokenLength);
    if (!listed) {
      return Fail(ErrorCode::kInvalidRequest,
                  std::string("flag ") + file.flag + ": " + listed.error().message);
    }
    for (NamedToken& named : *listed) {
      tokens.push_back(ApiToken{std::move(named.name), std::move(named.token), file.role});
    }
  }
  return tokens;
}

const std::vector<FlagSpec>& RunFlags() { return kRunFlags; }

}  // namespace rtm
