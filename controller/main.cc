// rtmanager: flags, the wiring of concrete adapters, signal handling. The
// only file that names concrete adapters.
#include <utility>  // before Boost.Asio: Boost 1.74 uses std::exchange without it

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <malloc.h>
#include <pplx/threadpool.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "controller/api/api_server.h"
#include "controller/app/controller.h"
#include "controller/app/manifest_scanner.h"
#include "controller/cli/client_commands.h"
#include "controller/cli/flags.h"
#include "controller/docker/docker_endpoint.h"
#include "controller/docker/docker_engine.h"
#include "controller/manifests/manifest_files.h"
#include "controller/system/random_token_generator.h"
#include "controller/system/spdlog_logger.h"
#include "controller/system/system_clock.h"
#include "controller/telemetry/prometheus_telemetry.h"
#include "controller/watch/manifest_watcher.h"
#include "reconcile/lifecycle/lifecycle_operations.h"
#include "reconcile/queue/token_bucket.h"
#include "reconcile/queue/work_queue.h"
#include "reconcile/reconciler.h"
#include "store/leveldb/leveldb_database.h"
#include "store/leveldb/leveldb_desired_state_store.h"
#include "store/leveldb/leveldb_game_lease_store.h"
#include "store/leveldb/leveldb_operation_log_store.h"
#include "store/leveldb/leveldb_runtime_record_store.h"
#include "store/leveldb/leveldb_status_store.h"

namespace rtm {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;
constexpr int kDefaultWorkers = 8;

const std::vector<FlagSpec> kRunFlags{
    {"manifests", true, "watched manifests directory (default ./manifests)"},
    {"data-dir", true, "leveldb store directory (default ./data)"},
    {"docker-host", true, "engine endpoint (default $DOCKER_HOST, else unix:///var/run/docker.sock)"},
    {"listen", true, "REST API address (default 127.0.0.1:8088)"},
    {"network", true, "user-defined bridge network (default rtmanager)"},
    {"workers", true, "parallel reconciles (default 8)"},
    {"lease-ttl", true, "per-game lease TTL (default 60s)"},
    {"resync", true, "full resync period (default 5m)"},
    {"manifest-debounce", true, "quiet time after manifest file events before a rescan (default 10ms)"},
    {"log-format", true, "text | json (default text)"},
    {"log-level", true, "debug | info | warn | error (default info)"},
    {"api-token-file", true, "file holding the bearer token mutating API calls need"},
    {"max-ops-per-second", true, "global lifecycle operation rate (default 20; 0: unlimited)"},
    {"backoff-base", true, "first retry delay of a failing game (default 100ms)"},
    {"backoff-cap", true, "longest retry delay (default 5m)"},
    {"self-heal-base", true, "first delay before restarting a crashed game again (default 1s)"},
    {"self-heal-cap", true, "longest self-heal delay of a crash-looping game (default 5m)"},
    {"watch-history-mib", true, "memory the watch history (?watch=true&since=N) retains, in MiB (default 16)"},
    {"help", false, "this help"},
};

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

std::optional<LogLevel> ParseLogLevel(std::string_view name) {
  if (name == "debug") return LogLevel::kDebug;
  if (name == "info") return LogLevel::kInfo;
  if (name == "warn") return LogLevel::kWarn;
  if (name == "error") return LogLevel::kError;
  return std::nullopt;
}

struct RunOptions {
  std::string manifests;
  std::string data_dir;
  std::string docker_host;
  std::string listen;
  std::string network;
  // Parallel reconciles. A lifecycle call mostly waits on the engine, which
  // saturates first: on 2 cores 8 concurrent recreates converged 20- and
  // 100-game fleets as fast as 20, 32 or 50 (docs/benchmarks.md).
  int workers = kDefaultWorkers;
  Duration lease_ttl{};
  Duration resync{};
  Duration manifest_debounce{};
  LogFormat log_format = LogFormat::kText;
  LogLevel log_level = LogLevel::kInfo;
  int max_ops_per_second = 20;
  BackoffPolicy backoff;
  Duration self_heal_base{};
  Duration self_heal_cap{};
  std::optional<std::string> api_token;
  size_t watch_history_bytes = kDefaultChangeHistoryBytes;
};

// The token in `path`, surrounding white space trimmed.
Expected<std::string> ReadToken(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return Fail(ErrorCode::kInvalidRequest,
                "flag --api-token-file: cannot read " + path);
  }
  std::stringstream content;
  content << in.rdbuf();
  std::string token = content.str();
  const auto first = token.find_first_not_of(" \t\r\n");
  const auto last = token.find_last_not_of(" \t\r\n");
  if (first == std::string::npos) {
    return Fail(ErrorCode::kInvalidRequest,
                "flag --api-token-file: " + path + " is empty");
  }
  token = token.substr(first, last - first + 1);
  if (token.size() < 16) {
    return Fail(ErrorCode::kInvalidRequest,
                "flag --api-token-file: the token in " + path +
                    " is shorter than 16 characters");
  }
  return token;
}

Expected<RunOptions> ReadRunOptions(const ParsedFlags& flags) {
  RunOptions options;
  options.manifests = flags.Get("manifests", "./manifests");
  options.data_dir = flags.Get("data-dir", "./data");
  options.docker_host = std::string(
      ChooseDockerHost(flags.Get("docker-host", ""), std::getenv("DOCKER_HOST")));
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
                          : std::unexpected(watch_history_mib.error())}) {
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
  options.workers = *workers;
  options.lease_ttl = *lease_ttl;
  options.resync = *resync;
  if (*debounce <= Duration::zero() || *debounce > std::chrono::seconds(10)) {
    return Fail(ErrorCode::kInvalidRequest,
                "flag --manifest-debounce: must be in 1ms..10s");
  }
  options.manifest_debounce = *debounce;
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
  if (flags.Has("api-token-file")) {
    auto token = ReadToken(flags.Get("api-token-file", ""));
    if (!token) return std::unexpected(token.error());
    options.api_token = std::move(*token);
  }
  if (!options.api_token && !IsLoopbackListen(options.listen)) {
    return Fail(ErrorCode::kInvalidRequest,
                "refusing --listen " + options.listen +
                    ": a non-loopback address needs --api-token-file");
  }
  return options;
}

// glibc's malloc gives threads that allocate at the same time their own
// arenas (up to 8 per core) and keeps what an arena freed for its next use.
// Here dozens of threads (workers, the API's pool) each build short-lived
// megabytes (a list of every runtime, a manifest scan), so the process
// would keep one such peak per arena. Two arenas bound that; big blocks
// get their own mappings (returned to the system on free) instead of the
// adaptive threshold that moves them into the arenas after the first free.
// Call before any thread starts.
void LimitAllocatorRetention() {
#ifdef __GLIBC__
  mallopt(M_ARENA_MAX, 2);
  mallopt(M_MMAP_THRESHOLD, 256 * 1024);
#endif
}

// cpprestsdk's shared pool (40 threads by default) runs the API's handlers
// and socket I/O. No handler waits on a write or a watcher, so a small pool
// serves every request: measured on 2 cores, single-runtime GETs went from
// ~5 000 req/s with 40 threads to ~16 000 with 8 (docs/benchmarks.md).
// A handler that waits on the engine (/readyz, /v1/plan) holds one thread.
// Call before anything uses cpprestsdk.
void SizeHttpThreadPool() {
  constexpr size_t kHttpThreads = 8;
  crossplat::threadpool::initialize_with_threads(kHttpThreads);
}

// Hands the free pages of every arena back to the system; cheap next to the
// work that freed them.
void ReleaseFreeMemory() {
#ifdef __GLIBC__
  malloc_trim(0);
#endif
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

int Run(const std::vector<std::string>& args) {
  auto flags = ParsedFlags::Parse(args, kRunFlags);
  if (!flags) return UsageError(flags.error().message);
  if (flags->Has("help")) {
    std::printf("Usage: rtmanager run [flags]\n\nFlags:\n%s",
                FormatFlagHelp(kRunFlags).c_str());
    return kExitOk;
  }
  if (!flags->positional().empty()) {
    return UsageError("run takes no arguments, got \"" + flags->positional()[0] + "\"");
  }
  auto options = ReadRunOptions(*flags);
  if (!options) return UsageError(options.error().message);
  LimitAllocatorRetention();
  SizeHttpThreadPool();
  auto endpoint = ParseDockerEndpoint(options->docker_host);
  if (!endpoint) return UsageError(endpoint.error().message);

  SpdlogLogger logger(options->log_format, options->log_level);
  SystemClock clock;
  RandomTokenGenerator tokens;
  PrometheusTelemetry telemetry;

  auto database = LeveldbDatabase::Open(
      options->data_dir,
      LeveldbStoreOptions{.change_history_bytes = options->watch_history_bytes});
  if (!database) {
    logger.Log(LogLevel::kError, "cannot open the store",
               {{"err", database.error().message}});
    return kExitFailure;
  }
  LeveldbRuntimeRecordStore records(**database);
  LeveldbDesiredStateStore desired(**database);
  LeveldbStatusStore statuses(**database);
  ChangeFeed& changes = (*database)->changes();
  LeveldbGameLeaseStore leases(**database, clock);
  auto operation_log = LeveldbOperationLogStore::Open(**database);
  if (!operation_log) {
    logger.Log(LogLevel::kError, "cannot open the operation log",
               {{"err", operation_log.error().message}});
    return kExitFailure;
  }
  DockerEngine engine(*endpoint,
                      DockerEngineOptions{.on_request = [&telemetry](std::string_view code) {
                        telemetry.RecordDockerRequest(code);
                      }});

  LifecyclePorts ports{records, **operation_log, engine, leases,
                       telemetry, logger, clock, tokens};
  LifecycleConfig lifecycle{options->lease_ttl, options->network};
  LifecycleServices operations(ports, lifecycle);
  TokenBucket operation_limit(clock, options->max_ops_per_second,
                              std::max(1, options->max_ops_per_second));
  WorkQueue queue(clock, options->backoff);
  Reconciler reconciler(ports, operations, desired, statuses, operation_limit,
                        ReconcilerConfig{.self_heal = {.base = options->self_heal_base,
                                                        .cap = options->self_heal_cap},
                                         .network = options->network});
  ManifestScanner scanner(options->manifests);
  Controller controller(reconciler, queue, desired, records, changes, engine,
                        logger, telemetry, [&scanner] { return scanner.Scan(); },
                        ControllerOptions{.workers = options->workers,
                                          .network = options->network,
                                          .resync_period = options->resync});

  boost::asio::io_context io;
  // Installed before anything serves, so a SIGTERM at any point of start-up
  // shuts down gracefully.
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  ManifestWatcher watcher(io, options->manifests,
                          ManifestWatcher::Options{.debounce = options->manifest_debounce,
                                                   .is_manifest_file = IsManifestFileName},
                          [&controller] { controller.RequestManifestSync(); });
  auto metrics = [&]() {
    PrometheusTelemetry::Gauges gauges;
    gauges.workqueue_depth = queue.Depth();
    if (auto declared = desired.List()) {
      for (const DesiredRuntime& runtime : *declared) {
        auto status = statuses.Get(runtime.name);
        ++gauges.runtimes_by_phase[std::string(
            ToString(status ? status->phase : Phase::kPending))];
      }
    }
    return telemetry.RenderPrometheus(gauges);
  };
  ApiServer api(
      ApiOptions{.listen = options->listen, .token = options->api_token},
      ApiDependencies{
          desired, statuses, **operation_log, engine, logger, tokens, changes,
          [&controller] { return controller.started(); },
          [&controller](std::string_view name, std::string request_id) {
            return controller.RequestRestart(name, std::move(request_id));
          },
          [&controller] { return controller.PlanAll(); }, metrics});

  if (auto watching = watcher.Start(); !watching) {
    logger.Log(LogLevel::kError, "cannot watch the manifests",
               {{"err", watching.error().message}});
    return kExitFailure;
  }
  if (auto listening = api.Start(); !listening) {
    logger.Log(LogLevel::kError, "cannot serve the API",
               {{"err", listening.error().message}});
    return kExitFailure;
  }
  controller.Start();
  ReleaseFreeMemory();  // what the start-up sync parsed and listed
  logger.Log(LogLevel::kInfo, "rtmanager running",
             {{"manifests", options->manifests},
              {"data_dir", options->data_dir},
              {"docker_host", options->docker_host},
              {"listen", options->listen}});

  boost::asio::steady_timer memory_release(io);
  ScheduleMemoryRelease(memory_release, std::chrono::seconds(10));
  signals.async_wait([&](const boost::system::error_code&, int signal) {
    logger.Log(LogLevel::kInfo, "shutting down",
               {{"signal", std::to_string(signal)}});
    memory_release.cancel();
    watcher.Stop();
    io.stop();
  });
  io.run();

  api.Stop();
  controller.Stop();  // in-flight reconciles finish under their leases
  logger.Log(LogLevel::kInfo, "stopped", {});
  return kExitOk;
}

}  // namespace
}  // namespace rtm

int main(int argc, char** argv) {
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
