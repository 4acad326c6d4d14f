// rtmanager: flags, the wiring of concrete adapters, signal handling. The
// only file that names concrete adapters.
#include <utility>  // before Boost.Asio: Boost 1.74 uses std::exchange without it

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <openssl/crypto.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <variant>

#include "controller/api/api_access.h"
#include "controller/api/api_server.h"
#include "controller/app/controller.h"
#include "controller/app/manifest_scanner.h"
#include "controller/app/restart_scheduler.h"
#include "controller/cli/client_commands.h"
#include "controller/cli/flags.h"
#include "controller/cli/run_options.h"
#include "controller/docker/docker_endpoint.h"
#include "controller/docker/docker_engine.h"
#include "controller/manifests/manifest_files.h"
#include "controller/system/memory_tuning.h"
#include "controller/system/file_secret_source.h"
#include "controller/system/random_token_generator.h"
#include "controller/system/spdlog_logger.h"
#include "controller/system/system_clock.h"
#include "controller/system/system_time_zones.h"
#include "controller/telemetry/prometheus_telemetry.h"
#include "controller/telemetry/runtime_gauges.h"
#include "controller/watch/manifest_watcher.h"
#include "reconcile/lifecycle/lifecycle_operations.h"
#include "reconcile/queue/token_bucket.h"
#include "reconcile/queue/work_queue.h"
#include "reconcile/reconciler.h"
#include "controller/cluster/leader_loop.h"
#include "controller/cluster/node_agent.h"
#include "controller/telemetry/cluster_metrics.h"
#include "controller/watch/manifest_poller.h"
#include "store/etcd/etcd_store.h"
#include "store/leveldb/leveldb_store.h"
#include "store/logs/file_log_archive.h"

namespace rtm {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;


void PrintUsage(std::FILE* out) {
  std::fprintf(out,
               "rtmanager: keeps one Docker container per game in the state "
               "its manifest declares.\n\n"
               "Usage:\n"
               "  rtmanager run [flags]         run the controller\n"
               "%s"
               "  rtmanager version             print the version\n\n"
               "Run 'rtmanager COMMAND --help' for a command's flags.\n",
               ClientCommandsUsage().c_str());
}

int UsageError(const std::string& message) {
  std::fprintf(stderr, "rtmanager: %s\n", message.c_str());
  return kExitUsage;
}

// Returns the heap's free pages every `period` until the io_context stops:
// what the API's requests and the reconciles freed in between.
void ScheduleMemoryRelease(boost::asio::steady_timer& timer, Duration period) {
  timer.expires_after(period);
  timer.async_wait([&timer, period](const boost::system::error_code& error) {
    if (error) return;
    ReleaseFreeMemory();
    ScheduleMemoryRelease(timer, period);
  });
}

// The store backend --store names, opened; `ports` lives as long as it.
struct OpenedStore {
  std::variant<std::unique_ptr<LeveldbStore>, std::unique_ptr<EtcdStore>> owner;
  StorePorts ports;
  EtcdCluster* cluster = nullptr;  // cluster mode (--node) only
  etcd::Client* etcd = nullptr;    // --store etcd:// only
};

Expected<OpenedStore> OpenStore(const RunOptions& options, Clock& clock) {
  if (options.etcd_endpoints.empty()) {
    auto store = LeveldbStore::Open(
        options.data_dir,
        LeveldbStoreOptions{.change_history_bytes = options.watch_history_bytes},
        clock);
    if (!store) return std::unexpected(store.error());
    StorePorts ports = (*store)->ports();
    return OpenedStore{*std::move(store), ports};
  }
  EtcdStoreOptions etcd{.endpoints = options.etcd_endpoints,
                        .prefix = options.etcd_prefix,
                        .node = options.node,
                        .client = {.user = options.etcd_user,
                                   .password = options.etcd_password}};
  etcd.feed.history_bytes = options.watch_history_bytes;
  auto store = EtcdStore::Open(std::move(etcd), clock);
  if (!store) return std::unexpected(store.error());
  StorePorts ports = (*store)->ports();
  EtcdCluster* cluster = (*store)->cluster();
  etcd::Client* client = &(*store)->client();
  return OpenedStore{*std::move(store), ports, cluster, client};
}

// How often the manifests are rescanned when inotify cannot be relied on
// and --manifest-poll was not given.
constexpr Duration kFallbackManifestPoll = std::chrono::seconds(2);

int64_t ToMillis(Duration duration) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(duration).count();
}

// Cluster mode: only the leader syncs the manifests (docs/cluster.md).
std::function<bool()> MaySyncManifests(NodeAgent* agent) {
  if (agent == nullptr) return {};
  return [agent] { return agent->term().has_value(); };
}

int Run(const std::vector<std::string>& args) {
  auto flags = ParsedFlags::Parse(args, RunFlags());
  if (!flags) return UsageError(flags.error().message);
  if (flags->Has("help")) {
    std::printf("Usage: rtmanager run [flags]\n\nFlags:\n%s",
                FormatFlagHelp(RunFlags()).c_str());
    return kExitOk;
  }
  if (!flags->positional().empty()) {
    return UsageError("run takes no arguments, got \"" + flags->positional()[0] + "\"");
  }
  auto options = ParseRunOptions(*flags, std::getenv("DOCKER_HOST"));
  if (!options) return UsageError(options.error().message);
  LimitAllocatorRetention();
  SizeHttpThreadPool();
  auto endpoint = ParseDockerEndpoint(options->docker_host);
  if (!endpoint) return UsageError(endpoint.error().message);

  SpdlogLogger logger(options->log_format, options->log_level);
  SystemClock clock;
  RandomTokenGenerator tokens;
  PrometheusTelemetry telemetry;

  auto store = OpenStore(*options, clock);
  if (!store) {
    logger.Log(LogLevel::kError, "cannot open the store",
               {{"store", options->store}, {"err", store.error().message}});
    return kExitFailure;
  }
  RuntimeRecordStore& records = store->ports.records;
  DesiredStateStore& desired = store->ports.desired;
  StatusStore& statuses = store->ports.statuses;
  ChangeFeed& changes = store->ports.changes;
  GameLeaseStore& leases = store->ports.leases;
  OperationLogStore& operation_log = store->ports.operation_log;
  DockerEngine engine(*endpoint,
                      DockerEngineOptions{.on_request = [&telemetry](std::string_view code) {
                        telemetry.RecordDockerRequest(code);
                      }});

  FileLogArchive previous_logs(options->data_dir + "/previous-logs");
  // spec.secretEnv: values from --secrets-dir, digests keyed by a key kept
  // beside the store (docs/contract.md §2 "Secrets").
  std::string digest_key;
  if (!options->secrets_dir.empty()) {
    auto key = LoadOrCreateDigestKey(options->data_dir + "/secret-digest.key");
    if (!key) {
      logger.Log(LogLevel::kError, "cannot use --secrets-dir", {{"err", key.error().message}});
      return kExitFailure;
    }
    digest_key = std::move(*key);
  }
  FileSecretSource secrets(options->secrets_dir, std::move(digest_key));
  LifecyclePorts ports{records, operation_log, engine, leases,        telemetry,
                       logger,  clock,         tokens, previous_logs, secrets};
  LifecycleConfig lifecycle{options->lease_ttl, options->network};
  LifecycleServices operations(ports, lifecycle);
  TokenBucket operation_limit(clock, options->max_ops_per_second,
                              std::max(1, options->max_ops_per_second));
  WorkQueue queue(clock, options->backoff);
  // Cluster mode: the node agent decides which games are this node's; its
  // callbacks reach the controller and the leader loop, made below.
  Controller* controller_ref = nullptr;
  LeaderLoop* leader_ref = nullptr;
  std::unique_ptr<NodeAgent> agent;
  if (store->cluster != nullptr) {
    agent = std::make_unique<NodeAgent>(
        *store->cluster, *store->cluster, clock, logger,
        NodeAgentOptions{.info = {.name = options->node,
                                  .labels = options->node_labels,
                                  .max_runtimes = options->max_runtimes,
                                  .started_at = clock.Now()},
                         .ttl = options->node_ttl},
        NodeAgent::Callbacks{
            .on_assignment_changed =
                [&controller_ref](const std::string& game) {
                  if (controller_ref) controller_ref->EnqueueGame(game);
                },
            .on_rejoined = [&controller_ref] {
              if (controller_ref) controller_ref->EnqueueAll();
            },
            .on_leadership =
                [&leader_ref](std::optional<uint64_t> term) {
                  if (leader_ref) leader_ref->SetLeadership(term);
                },
            .on_cluster_changed = [&leader_ref] {
              if (leader_ref) leader_ref->Kick();
            }});
    if (auto joined = agent->Join(); !joined) {
      logger.Log(LogLevel::kError, "cannot join the cluster",
                 {{"node", options->node}, {"err", joined.error().message}});
      return kExitFailure;
    }
  }
  BudgetGate budgets(desired, statuses, clock);
  Reconciler reconciler(ports, operations, desired, statuses, operation_limit,
                        ReconcilerConfig{.self_heal = {.base = options->self_heal_base,
                                                        .cap = options->self_heal_cap},
                                         .network = options->network,
                                         .node_name = options->node,
                                         .ownership = agent.get(),
                                         .budgets = &budgets});
  SystemTimeZones time_zones;
  ScheduledRestarts scheduled_restarts(
      desired, engine, time_zones, clock, logger,
      ScheduledRestartsOptions{.network = options->network, .ownership = agent.get()});
  RestartScheduler restart_scheduler(scheduled_restarts, clock);
  ManifestScanner scanner(
      options->manifests,
      {.limits = ManifestLimits{.allowed_host_paths = options->allowed_host_paths,
                                .time_zones = &time_zones},
       .secrets = &secrets});
  Controller controller(reconciler, queue, desired, records, changes, engine,
                        logger, telemetry, clock, [&scanner] { return scanner.Scan(); },
                        ControllerOptions{
                            .workers = options->workers,
                            .network = options->network,
                            .resync_period = options->resync,
                            .may_sync_manifests = MaySyncManifests(agent.get()),
                            .manifest_sync = {
                                .removal_grace = options->manifest_removal_grace,
                                // A tree caught changing is read again once
                                // the watcher would have given up waiting.
                                .unsettled_retry = options->manifest_debounce *
                                                   ManifestWatcher::kMaxDelayFactor},
                            .on_desired_changed =
                                [&restart_scheduler](const DesiredRuntime& changed) {
                                  if (changed.spec.restart_schedule) restart_scheduler.Kick();
                                }});
  controller_ref = &controller;
  budgets.SetWake([&controller](const std::string& game) {
    controller.EnqueueGame(game);
  });
  std::unique_ptr<LeaderLoop> leader;
  if (store->cluster != nullptr) {
    leader = std::make_unique<LeaderLoop>(
        *store->cluster, *store->cluster, desired, statuses, changes, clock, logger,
        LeaderLoopOptions{.node_lost_after = options->node_lost_after},
        // Synchronously, before the first round: the whole tree is in the
        // store when the scheduler first places it (constrained games first).
        [&controller] { controller.SyncManifests(); });
    leader_ref = leader.get();
  }

  boost::asio::io_context io;
  // Installed before anything serves, so a SIGTERM at any point of start-up
  // shuts down gracefully.
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  boost::asio::signal_set reload(io, SIGHUP);  // handled once serving
  // Polling (docs/contract.md §2): asked for, or on by itself where inotify
  // cannot watch the tree or part of it, or does not see its remote changes.
  const Duration poll = options->manifest_poll != Duration::zero()
                            ? options->manifest_poll
                            : kFallbackManifestPoll;
  ManifestPoller poller(io, poll, [&controller] { controller.RequestManifestSync(); });
  bool polling = false;
  auto start_polling = [&](std::string_view why, std::vector<LogField> fields) {
    if (polling) return;
    polling = true;
    fields.push_back({"interval_ms", std::to_string(ToMillis(poll))});
    logger.Log(LogLevel::kWarn, std::string(why) + "; polling", fields);
    poller.Start();
  };
  ManifestWatcher watcher(
      io, options->manifests,
      ManifestWatcher::Options{
          .debounce = options->manifest_debounce,
          .is_manifest_file = IsManifestFileName,
          .on_unwatched =
              [&](const std::string& dir, int error) {
                std::vector<LogField> fields{{"dir", dir}, {"err", std::strerror(error)}};
                if (error == ENOSPC) fields.push_back({"limit", "fs.inotify.max_user_watches"});
                if (polling) {
                  logger.Log(LogLevel::kWarn, "inotify cannot watch a manifests directory",
                             fields);
                }
                start_polling("inotify cannot watch a manifests directory", fields);
              }},
      [&controller] { controller.RequestManifestSync(); });
  auto metrics = [&]() -> Expected<std::string> {
    auto gauges = CollectRuntimeGauges(queue.Depth(), desired, statuses,
                                       store->ports.health);
    if (!gauges) return std::unexpected(gauges.error());
    std::string text = telemetry.RenderPrometheus(*gauges);
    if (store->etcd != nullptr) {
      const etcd::Client::Traffic traffic = store->etcd->traffic();
      text += RenderEtcdTraffic({traffic.requests, traffic.watches,
                                 traffic.bytes_sent, traffic.bytes_received});
    }
    if (store->cluster != nullptr) {
      const LeaderLoop::Stats done = leader->stats();
      text += RenderClusterMetrics(store->cluster->Snapshot(), options->node,
                                   {done.rounds, done.assignments, done.refused_writes});
    }
    return text;
  };
  ApiTokens api_tokens(options->api_tokens);
  ApiServer api(
      ApiOptions{.listen = options->listen,
                 .metrics_public = options->metrics_public,
                 .tls_cert_file = options->tls_cert_file,
                 .tls_key_file = options->tls_key_file,
                 .watch_max_unread_bytes = options->watch_max_unread_bytes},
      ApiDependencies{
          desired, statuses, operation_log, engine, logger, tokens, changes, clock,
          previous_logs, store->ports.health, [&controller] { return controller.started(); },
          [&controller](std::string_view name, RestartRequest request) {
            return controller.RequestRestart(name, std::move(request.request_id),
                                             request.force, std::move(request.requested_by));
          },
          [&controller] { return controller.PlanAll(); }, metrics,
          store->cluster, &api_tokens});

  if (auto watching = watcher.Start(); !watching) {
    start_polling("inotify cannot watch the manifests", {{"err", watching.error().message}});
  } else if (auto blind = InotifyBlindFilesystem(options->manifests); blind) {
    start_polling("the manifests are on a filesystem whose remote changes inotify "
                  "does not report",
                  {{"filesystem", *blind}});
  }
  if (options->manifest_poll != Duration::zero() && !polling) {
    polling = true;
    poller.Start();
  }
  if (auto listening = api.Start(); !listening) {
    logger.Log(LogLevel::kError, "cannot serve the API",
               {{"err", listening.error().message}});
    return kExitFailure;
  }
  controller.Start();
  restart_scheduler.Start();
  if (agent) {
    leader->Start();
    agent->Start();
  }
  ReleaseFreeMemory();  // what the start-up sync parsed and listed
  logger.Log(LogLevel::kInfo, "rtmanager running",
             {{"manifests", options->manifests},
              {"store", options->store},
              {"docker_host", options->docker_host},
              {"listen", options->listen}});

  boost::asio::steady_timer memory_release(io);
  ScheduleMemoryRelease(memory_release, std::chrono::seconds(10));
  // SIGHUP: the token files are read again (a rotation); a file that
  // cannot be read keeps the tokens in force.
  std::function<void()> await_reload = [&] {
    reload.async_wait([&](const boost::system::error_code& error, int) {
      if (error) return;
      auto tokens = LoadApiTokens(options->api_token_file, options->api_read_token_file);
      if (!tokens) {
        logger.Log(LogLevel::kError, "api tokens not reloaded; the previous ones stay",
                   {{"err", tokens.error().message}});
      } else {
        const size_t count = tokens->size();
        api_tokens.Replace(std::move(*tokens));
        logger.Log(LogLevel::kInfo, "api tokens reloaded",
                   {{"tokens", std::to_string(count)}});
      }
      await_reload();
    });
  };
  await_reload();
  signals.async_wait([&](const boost::system::error_code&, int signal) {
    logger.Log(LogLevel::kInfo, "shutting down",
               {{"signal", std::to_string(signal)}});
    memory_release.cancel();
    reload.cancel();
    watcher.Stop();
    poller.Stop();
    io.stop();
  });
  io.run();

  api.Stop();
  if (agent) {
    agent->Stop();  // leaves: leadership and liveness go at once
    leader->Stop();
  }
  restart_scheduler.Stop();
  controller.Stop();  // in-flight reconciles finish under their leases
  logger.Log(LogLevel::kInfo, "stopped", {});
  return kExitOk;
}

}  // namespace
}  // namespace rtm

int main(int argc, char** argv) {
  // OpenSSL's own exit-time cleanup would free its locks while cpprestsdk's
  // thread pool, joined by a later exit handler, still frees a pooled HTTPS
  // connection: that thread then waits forever on a freed lock. The
  // process's memory goes back to the system at exit anyway.
  OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT, nullptr);
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    rtm::PrintUsage(args.empty() ? stderr : stdout);
    return args.empty() ? rtm::kExitUsage : rtm::kExitOk;
  }
  const std::string command = args[0];
  args.erase(args.begin());
  if (command == "run") return rtm::Run(args);
  if (rtm::IsClientCommand(command)) {
    return rtm::RunClientCommand(command, args, stdout, stderr);
  }
  if (command == "version") {
    std::printf("rtmanager 0.1.0\n");
    return rtm::kExitOk;
  }
  std::fprintf(stderr, "rtmanager: unknown command \"%s\"\n\n", command.c_str());
  rtm::PrintUsage(stderr);
  return rtm::kExitUsage;
}
