// End-to-end tests of the `rtmanager run` binary against the real dockerd
// (docs/contract.md is the contract). Each test gets its own manifests and data
// directories, its own bridge network and game names, and its own loopback
// API port, so tests run in parallel (ctest -j2) without interfering. They
// assert on converged state reached within bounded deadlines, never on how
// fast the controller is.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <future>
#include <iostream>
#include <iterator>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "store/etcd/etcd_client.h"
#include "test/e2e/e2e_support.h"
#include "test/store/etcd/etcd_test_cluster.h"

#ifndef RTMANAGER_BINARY
#error "RTMANAGER_BINARY must name the rtmanager executable"
#endif

namespace rtm::e2e {
namespace {

namespace fs = std::filesystem;
using ::testing::Contains;
using ::testing::HasSubstr;

constexpr char kBinary[] = RTMANAGER_BINARY;
constexpr char kImage1[] = "rtmanager/demo-game:1";
constexpr char kImage2[] = "rtmanager/demo-game:2";
constexpr char kMissingImage[] = "rtmanager/does-not-exist:1";

constexpr auto kReadyTimeout = 20s;
constexpr auto kConvergeTimeout = 30s;

// ------------------------------------------------------------ JSON access

std::string Str(const Json& value, const char* pointer) {
  const Json::json_pointer at(pointer);
  if (!value.contains(at) || !value.at(at).is_string()) return "";
  return value.at(at).get<std::string>();
}

int64_t Int(const Json& value, const char* pointer, int64_t fallback = -1) {
  const Json::json_pointer at(pointer);
  if (!value.contains(at) || !value.at(at).is_number_integer()) return fallback;
  return value.at(at).get<int64_t>();
}

bool Bool(const Json& value, const char* pointer) {
  const Json::json_pointer at(pointer);
  return value.contains(at) && value.at(at).is_boolean() && value.at(at).get<bool>();
}

std::string Phase(const Json& runtime) { return Str(runtime, "/status/phase"); }

bool Converged(const Json& runtime) {
  const int64_t generation = Int(runtime, "/metadata/generation");
  return generation > 0 &&
         Int(runtime, "/status/observedGeneration") == generation;
}

bool RunningAndConverged(const Json& runtime) {
  return Phase(runtime) == "Running" && Converged(runtime) &&
         !Str(runtime, "/status/containerId").empty();
}

// The condition of `type` in status.conditions, or null.
Json Condition(const Json& runtime, const std::string& type) {
  const Json::json_pointer at("/status/conditions");
  if (!runtime.contains(at) || !runtime.at(at).is_array()) return nullptr;
  for (const Json& condition : runtime.at(at)) {
    if (condition.value("type", "") == type) return condition;
  }
  return nullptr;
}

// Checked access (operator[] on a const json with a missing key is UB).
Json At(const Json& value, const std::string& pointer) {
  const Json::json_pointer at(pointer);
  return value.contains(at) ? value.at(at) : Json(nullptr);
}

std::string Label(const Json& inspected, const std::string& key) {
  const Json labels = At(inspected, "/Config/Labels");
  if (!labels.is_object() || !labels.contains(key) || !labels[key].is_string()) {
    return "";
  }
  return labels[key].get<std::string>();
}

// The container's aliases on `network` (empty when not attached).
std::vector<std::string> Aliases(const Json& inspected, const std::string& network) {
  const Json networks = At(inspected, "/NetworkSettings/Networks");
  if (!networks.is_object() || !networks.contains(network)) return {};
  const Json aliases = At(networks[network], "/Aliases");
  return aliases.is_array() ? aliases.get<std::vector<std::string>>()
                            : std::vector<std::string>{};
}

bool ContainerRunning(const std::string& id) {
  auto inspected = InspectContainer(id);
  return inspected && Bool(*inspected, "/State/Running");
}

// RFC 3339 UTC ("2024-05-01T10:00:00.123Z") → seconds since the epoch.
std::optional<double> ParseRfc3339Utc(const std::string& text) {
  static const std::regex kFormat(
      R"(^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?Z$)");
  std::smatch match;
  if (!std::regex_match(text, match, kFormat)) return std::nullopt;
  std::tm tm{};
  tm.tm_year = std::stoi(match[1]) - 1900;
  tm.tm_mon = std::stoi(match[2]) - 1;
  tm.tm_mday = std::stoi(match[3]);
  tm.tm_hour = std::stoi(match[4]);
  tm.tm_min = std::stoi(match[5]);
  tm.tm_sec = std::stoi(match[6]);
  double seconds = static_cast<double>(::timegm(&tm));
  if (match[7].matched) seconds += std::stod("0" + match[7].str());
  return seconds;
}

// Filters of an operations list.
std::vector<Json> Entries(const Json& operations, const std::string& kind,
                          const std::string& outcome = "") {
  std::vector<Json> out;
  for (const Json& entry : operations) {
    if (entry.value("opKind", "") != kind) continue;
    if (!outcome.empty() && entry.value("outcome", "") != outcome) continue;
    out.push_back(entry);
  }
  return out;
}

// Every audit entry is complete and consistent (docs/contract.md §4), newest first.
void ExpectWellFormedOperations(const std::string& game, const Json& operations) {
  static const std::set<std::string> kKinds{"start", "stop", "restart", "update",
                                            "remove"};
  static const std::set<std::string> kSources{"manifest", "rest", "reconciler", "schedule"};
  static const std::set<std::string> kCodes{
      "invalid_request", "not_found",      "conflict", "service_unavailable",
      "image_not_found", "start_failed",   "internal"};
  ASSERT_TRUE(operations.is_array()) << operations.dump();
  std::optional<int64_t> previous_sequence;
  for (const Json& entry : operations) {
    SCOPED_TRACE(entry.dump());
    EXPECT_EQ(entry.value("gameId", ""), game);
    EXPECT_TRUE(kKinds.contains(entry.value("opKind", ""))) << "opKind";
    EXPECT_TRUE(kSources.contains(entry.value("opSource", ""))) << "opSource";
    for (const char* field : {"sourceRef", "imageRef", "containerId", "errorCode",
                              "errorMessage", "startedAt", "finishedAt"}) {
      EXPECT_TRUE(entry.contains(field) && entry[field].is_string())
          << "missing string field " << field;
    }
    const std::string outcome = entry.value("outcome", "");
    if (outcome == "success") {
      EXPECT_EQ(entry.value("errorCode", "?"), "") << "success with an error code";
    } else if (outcome == "failure") {
      EXPECT_TRUE(kCodes.contains(entry.value("errorCode", "")))
          << "failure without a stable error code";
      EXPECT_NE(entry.value("errorMessage", ""), "") << "failure without a message";
    } else {
      ADD_FAILURE() << "outcome is neither success nor failure";
    }
    const auto started = ParseRfc3339Utc(entry.value("startedAt", ""));
    const auto finished = ParseRfc3339Utc(entry.value("finishedAt", ""));
    EXPECT_TRUE(started.has_value()) << "startedAt is not RFC 3339 UTC";
    EXPECT_TRUE(finished.has_value()) << "finishedAt is not RFC 3339 UTC";
    if (started && finished) {
      EXPECT_LE(*started, *finished);
    }
    if (entry.contains("sequence") && entry["sequence"].is_number_integer()) {
      const int64_t sequence = entry["sequence"].get<int64_t>();
      if (previous_sequence) {
        EXPECT_LT(sequence, *previous_sequence) << "operations are not newest first";
      }
      previous_sequence = sequence;
    }
  }
}

struct ManifestFields {
  std::string image = kImage1;
  std::string state = "Running";
  int restart_generation = 0;
  std::string extra_spec;  // more "  key: value\n" lines under spec
};

std::string Manifest(const std::string& name, const ManifestFields& fields = {}) {
  return "apiVersion: rtmanager.galaxy/v1\n"
         "kind: GameRuntime\n"
         "metadata:\n"
         "  name: " + name + "\n"
         "spec:\n"
         "  image: " + fields.image + "\n"
         "  command: [\"/bin/httpd\", \"-f\", \"-p\", \"8080\"]\n"
         "  state: " + fields.state + "\n"
         "  restartGeneration: " + std::to_string(fields.restart_generation) + "\n"
         "  stopTimeoutSeconds: 1\n" +
         fields.extra_spec;
}

// ---------------------------------------------------------------- fixture

class RtmanagerE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs::exists(kBinary)) << kBinary;
    ASSERT_EQ(Shell("docker info >/dev/null 2>&1").exit_code, 0)
        << "dockerd is not reachable (scripts/ensure-docker.sh)";
    ASSERT_TRUE(ImageExists(kImage1) && ImageExists(kImage2))
        << "demo images missing (scripts/build-demo-image.sh)";
    ASSERT_FALSE(ImageExists(kMissingImage)) << kMissingImage << " must not exist";
    suffix_ = RandomHex(4);
    root_ = MakeTempDir("rtm-e2e-" + suffix_);
    manifests_ = root_ + "/manifests";
    data_ = root_ + "/data";
    log_ = root_ + "/rtmanager.log";
    fs::create_directories(manifests_);
    network_ = "rtm-e2e-" + suffix_;
  }

  void TearDown() override {
    if (controller_.running()) {
      if (!HasFatalFailure()) {
        for (const std::string& game : games_) {
          if (auto operations = Operations(game)) {
            ExpectWellFormedOperations(game, *operations);
          }
        }
      }
      const int code = controller_.Terminate(15s);
      EXPECT_EQ(code, 0) << "rtmanager must exit 0 on SIGTERM (log below)";
    }
    if (HasFailure()) {
      std::cerr << "---- containers of this test ----\n"
                << Shell("docker ps -a --filter " +
                         ShellQuote("label=io.rtmanager.network=" + network_) +
                         " --format '{{.ID}} {{.Names}} {{.Status}} {{.Image}}' "
                         "2>&1").output;
    }
    for (const std::string& game : games_) ForceRemoveGameContainers(game);
    if (controller_.exit_code().value_or(0) != 0) {
      // A controller that died mid-call leaves engine requests in flight
      // (dockerd completes a create even when its client is gone): sweep
      // again once they had time to land.
      std::this_thread::sleep_for(1s);
      for (const std::string& game : games_) ForceRemoveGameContainers(game);
    }
    if (HasFailure()) {
      std::cerr << "---- " << log_ << " ----\n" << Tail(ReadFile(log_), 60000)
                << "---- end of log ----\n";
    }
    RemoveNetworkAndItsContainers(network_);
    RemoveTree(root_);
  }

  static std::string Tail(const std::string& text, size_t max) {
    return text.size() <= max ? text : "[...]\n" + text.substr(text.size() - max);
  }

  std::string Game(const std::string& tag) {
    games_.push_back("e2e-" + suffix_ + "-" + tag);
    return games_.back();
  }

  std::string ManifestPath(const std::string& file) const {
    return manifests_ + "/" + file;
  }
  void WriteManifest(const std::string& file, const std::string& content) {
    WriteFileAtomically(ManifestPath(file), content);
  }

  std::vector<std::string> RunArgs(const std::vector<std::string>& extra) const {
    std::vector<std::string> argv{kBinary,    "run",
                                  "--manifests", manifests_,
                                  "--data-dir",  data_,
                                  "--listen",    "127.0.0.1:" + std::to_string(port_),
                                  "--network",   network_,
                                  "--log-level", "debug"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return argv;
  }

  void AppendToLog(const std::string& line) {
    std::ofstream(log_, std::ios::app) << "==== e2e: " << line << " ====\n";
  }

  // Starts the controller and waits for /readyz. Use with
  // ASSERT_NO_FATAL_FAILURE.
  void StartController(const std::vector<std::string>& extra = {}) {
    std::optional<HttpReply> last;
    bool ready = false;
    // The port found free may be taken by someone else before rtmanager
    // binds it: only that failure is retried, with another port.
    for (int attempt = 0; attempt < 3; ++attempt) {
      port_ = FreeLoopbackPort();
      AppendToLog("start rtmanager on port " + std::to_string(port_));
      const size_t log_offset = ReadFile(log_).size();
      controller_.Start(RunArgs(extra), log_);
      ready = WaitFor(
          [&] {
            if (controller_.Poll()) return true;  // exited: stop waiting
            last = HttpGet(port_, "/readyz", 2s);
            return last && last->status == 200;
          },
          kReadyTimeout, 50ms);
      if (controller_.running() ||
          ReadFile(log_).find("cannot serve the API", log_offset) == std::string::npos) {
        break;
      }
    }
    ASSERT_TRUE(controller_.running())
        << "rtmanager exited with " << controller_.exit_code().value_or(-1);
    ASSERT_TRUE(ready) << "/readyz not 200 within "
                       << std::chrono::seconds(kReadyTimeout).count() << "s: "
                       << (last ? std::to_string(last->status) + " " + last->body
                                : std::string("unreachable"));
  }

  // SIGTERM; the controller must exit 0.
  void StopController() {
    AppendToLog("SIGTERM");
    const int code = controller_.Terminate(15s);
    EXPECT_EQ(code, 0) << "rtmanager must exit 0 on SIGTERM";
  }

  void KillController() {
    AppendToLog("SIGKILL");
    const int code = controller_.Kill();
    EXPECT_EQ(code, 128 + SIGKILL);
  }

  std::optional<HttpReply> Get(const std::string& path) {
    return HttpGet(port_, path);
  }

  // GET /v1/runtimes/{name}: the object when 200, else nullopt.
  std::optional<Json> Runtime(const std::string& name) {
    auto reply = Get("/v1/runtimes/" + name);
    if (!reply || reply->status != 200 || !reply->json.is_object()) {
      return std::nullopt;
    }
    return reply->json;
  }

  std::optional<Json> Operations(const std::string& name) {
    auto reply = Get("/v1/runtimes/" + name + "/operations?limit=1000");
    if (!reply || reply->status != 200 || !reply->json.contains("items")) {
      return std::nullopt;
    }
    return reply->json["items"];
  }

  // Polls GET /v1/runtimes/{name} until `predicate` holds; on timeout a
  // failure shows the last object seen.
  std::optional<Json> WaitForRuntime(const std::string& name,
                                     const std::function<bool(const Json&)>& predicate,
                                     const std::string& what,
                                     std::chrono::milliseconds timeout = kConvergeTimeout) {
    std::optional<Json> last;
    const bool reached = WaitFor(
        [&] {
          last = Runtime(name);
          return last && predicate(*last);
        },
        timeout);
    if (!reached) {
      ADD_FAILURE() << name << ": not " << what << " within "
                    << std::chrono::duration_cast<std::chrono::seconds>(timeout).count()
                    << "s; last GET: " << (last ? last->dump(2) : "(none)");
      return std::nullopt;
    }
    return last;
  }

  std::optional<Json> WaitRunning(const std::string& name) {
    return WaitForRuntime(name, RunningAndConverged, "Running and converged");
  }

  // Waits until `name` runs converged at observedRestartGeneration 1 in a
  // container other than `old_id` (a restart happened).
  std::optional<Json> WaitRestarted(const std::string& name,
                                    const std::string& old_id,
                                    const std::string& what,
                                    std::chrono::milliseconds timeout = kConvergeTimeout) {
    return WaitForRuntime(
        name,
        [&](const Json& runtime) {
          return RunningAndConverged(runtime) &&
                 Int(runtime, "/status/observedRestartGeneration") == 1 &&
                 Str(runtime, "/status/containerId") != old_id;
        },
        what, timeout);
  }

  // Exactly one container of `game`; its inspect.
  Json OnlyContainer(const std::string& game) {
    const std::vector<std::string> ids = ContainersOfGame(game);
    EXPECT_EQ(ids.size(), 1u) << "containers of " << game << ": "
                              << ::testing::PrintToString(ids);
    if (ids.empty()) return nullptr;
    auto inspected = InspectContainer(ids.front());
    return inspected ? *inspected : Json(nullptr);
  }

  std::string suffix_;
  std::string root_;
  std::string manifests_;
  std::string data_;
  std::string log_;
  std::string network_;
  int port_ = 0;
  std::vector<std::string> games_;
  ChildProcess controller_;
};

// 1. A manifest with one game becomes one running container with the
//    Docker mapping of docs/contract.md §3, and a `start` audit entry.
TEST_F(RtmanagerE2eTest, CreateRunsOneContainerWithTheDockerMapping) {
  const std::string game = Game("create");
  WriteManifest(game + ".yaml", Manifest(game));
  ASSERT_NO_FATAL_FAILURE(StartController());

  auto runtime = WaitRunning(game);
  ASSERT_TRUE(runtime);
  const std::string id = Str(*runtime, "/status/containerId");
  EXPECT_EQ(Str(*runtime, "/apiVersion"), "rtmanager.galaxy/v1");
  EXPECT_EQ(Str(*runtime, "/kind"), "GameRuntime");
  EXPECT_EQ(Str(*runtime, "/metadata/name"), game);
  EXPECT_GE(Int(*runtime, "/metadata/generation"), 1);
  EXPECT_EQ(Str(*runtime, "/status/hostname"), game);
  EXPECT_EQ(Str(*runtime, "/status/imageRef"), kImage1);
  EXPECT_EQ(Int(*runtime, "/status/observedRestartGeneration"), 0);
  EXPECT_EQ(Str(*runtime, "/spec/image"), kImage1);
  EXPECT_EQ(Str(Condition(*runtime, "Ready"), "/status"), "True");
  EXPECT_EQ(Str(Condition(*runtime, "ManifestValid"), "/status"), "True");
  EXPECT_EQ(Str(Condition(*runtime, "Progressing"), "/status"), "False");

  const Json inspected = OnlyContainer(game);
  ASSERT_TRUE(inspected.is_object());
  EXPECT_EQ(Str(inspected, "/Id"), id);
  EXPECT_EQ(Str(inspected, "/Name"), "/rtm-" + game);
  EXPECT_EQ(Str(inspected, "/Config/Hostname"), game);
  EXPECT_EQ(Str(inspected, "/Config/Image"), kImage1);
  EXPECT_EQ(At(inspected, "/Config/Cmd"),
            Json::array({"/bin/httpd", "-f", "-p", "8080"}));
  EXPECT_TRUE(Bool(inspected, "/State/Running"));
  EXPECT_EQ(Label(inspected, "io.rtmanager.managed"), "true");
  EXPECT_EQ(Label(inspected, "io.rtmanager.game"), game);
  EXPECT_EQ(Label(inspected, "io.rtmanager.generation"),
            std::to_string(Int(*runtime, "/metadata/generation")));
  EXPECT_EQ(Label(inspected, "io.rtmanager.restart-generation"), "0");
  EXPECT_EQ(Label(inspected, "io.rtmanager.network"), network_);
  EXPECT_THAT(Label(inspected, "io.rtmanager.spec-hash"),
              ::testing::MatchesRegex("[^ ]+"));
  EXPECT_TRUE(Bool(inspected, "/HostConfig/Init"));
  EXPECT_EQ(Str(inspected, "/HostConfig/RestartPolicy/Name"), "no");
  EXPECT_EQ(Int(inspected, "/Config/StopTimeout"), 1);
  EXPECT_THAT(Aliases(inspected, network_), Contains(game))
      << At(inspected, "/NetworkSettings/Networks").dump();

  auto operations = Operations(game);
  ASSERT_TRUE(operations);
  const std::vector<Json> starts = Entries(*operations, "start", "success");
  ASSERT_EQ(starts.size(), 1u) << operations->dump(2);
  EXPECT_EQ(starts[0].value("opSource", ""), "manifest");
  EXPECT_EQ(starts[0].value("containerId", ""), id);
  EXPECT_EQ(starts[0].value("imageRef", ""), kImage1);

  auto list = Get("/v1/runtimes");
  ASSERT_TRUE(list && list->status == 200);
  bool listed = false;
  for (const Json& item : list->json["items"]) {
    if (Str(item, "/metadata/name") == game) {
      listed = true;
      EXPECT_EQ(Str(item, "/status/phase"), "Running");
    }
  }
  EXPECT_TRUE(listed) << list->body;
  EXPECT_TRUE(list->json["revision"].is_number_integer()) << list->body;

  auto metrics = Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->status, 200);
  EXPECT_THAT(metrics->body, HasSubstr("rtmanager_operations_total{"));

  auto missing = Get("/v1/runtimes/" + game + "-absent");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(Str(missing->json, "/error/code"), "not_found") << missing->body;
}

// 2. Bumping restartGeneration recreates the container: new id, same
//    hostname and alias, outer restart + inner stop/start sharing one
//    correlation id, an acknowledged lastRestart.
TEST_F(RtmanagerE2eTest, RestartGenerationBumpRecreatesTheContainer) {
  const std::string game = Game("restart");
  WriteManifest(game + ".yaml", Manifest(game));
  ASSERT_NO_FATAL_FAILURE(StartController());
  auto before = WaitRunning(game);
  ASSERT_TRUE(before);
  const std::string old_id = Str(*before, "/status/containerId");

  WriteManifest(game + ".yaml", Manifest(game, {.restart_generation = 1}));
  auto after = WaitRestarted(game, old_id, "restarted (observedRestartGeneration 1, new container)");
  ASSERT_TRUE(after);
  const std::string new_id = Str(*after, "/status/containerId");
  EXPECT_GT(Int(*after, "/metadata/generation"), Int(*before, "/metadata/generation"));
  EXPECT_EQ(Str(*after, "/status/hostname"), game);
  EXPECT_EQ(Int(*after, "/status/lastRestart/restartGeneration"), 1)
      << after->dump(2);
  EXPECT_EQ(Str(*after, "/status/lastRestart/outcome"), "success");
  EXPECT_EQ(Str(*after, "/status/lastRestart/containerId"), new_id);

  const Json inspected = OnlyContainer(game);
  ASSERT_TRUE(inspected.is_object());
  EXPECT_EQ(Str(inspected, "/Id"), new_id);
  EXPECT_TRUE(Bool(inspected, "/State/Running"));
  EXPECT_EQ(Str(inspected, "/Config/Hostname"), game);
  EXPECT_EQ(Str(inspected, "/Name"), "/rtm-" + game);
  EXPECT_EQ(Label(inspected, "io.rtmanager.restart-generation"), "1");
  EXPECT_THAT(Aliases(inspected, network_), Contains(game));
  EXPECT_FALSE(InspectContainer(old_id)) << "old container still exists";

  auto operations = Operations(game);
  ASSERT_TRUE(operations);
  const std::vector<Json> restarts = Entries(*operations, "restart", "success");
  ASSERT_EQ(restarts.size(), 1u) << operations->dump(2);
  const std::string correlation = restarts[0].value("sourceRef", "");
  EXPECT_NE(correlation, "");
  EXPECT_EQ(restarts[0].value("opSource", ""), "manifest");
  EXPECT_EQ(restarts[0].value("containerId", ""), new_id);
  EXPECT_EQ(Str(*after, "/status/lastRestart/sourceRef"), correlation);
  std::map<std::string, int> inner;
  for (const Json& entry : *operations) {
    if (entry.value("sourceRef", "") != correlation) continue;
    EXPECT_EQ(entry.value("outcome", ""), "success") << entry.dump();
    ++inner[entry.value("opKind", "")];
    if (entry.value("opKind", "") == "stop") {
      EXPECT_EQ(entry.value("containerId", ""), old_id) << entry.dump();
    }
    if (entry.value("opKind", "") == "start") {
      EXPECT_EQ(entry.value("containerId", ""), new_id) << entry.dump();
    }
  }
  auto limited = Get("/v1/runtimes/" + game + "/operations?limit=2");
  ASSERT_TRUE(limited && limited->status == 200);
  ASSERT_EQ(limited->json["items"].size(), 2u) << limited->body;
  EXPECT_EQ(limited->json["items"][0], (*operations)[0]) << "newest first";
  EXPECT_EQ(limited->json["items"][1], (*operations)[1]);
  EXPECT_EQ(inner["restart"], 1) << operations->dump(2);
  EXPECT_EQ(inner["stop"], 1) << operations->dump(2);
  EXPECT_EQ(inner["start"], 1) << operations->dump(2);
}

// 2c. On etcd (--store etcd://...), the same restart: a recreate with a new
//     container id and its audit entries, kept in etcd under --etcd-prefix;
//     a controller killed and started again on the same etcd adopts the
//     container instead of creating another.
TEST_F(RtmanagerE2eTest, OnEtcdARestartRecreatesAndAControllerKillLosesNothing) {
  EtcdTestCluster etcd(1);
  const std::string prefix = "/e2e-" + suffix_ + "/";
  const std::vector<std::string> store = {"--store", etcd.url(),
                                          "--etcd-prefix", prefix};
  const std::string game = Game("etcd");
  WriteManifest(game + ".yaml", Manifest(game));
  ASSERT_NO_FATAL_FAILURE(StartController(store));
  auto before = WaitRunning(game);
  ASSERT_TRUE(before);
  const std::string old_id = Str(*before, "/status/containerId");

  WriteManifest(game + ".yaml", Manifest(game, {.restart_generation = 1}));
  auto after = WaitRestarted(game, old_id, "restarted on etcd");
  ASSERT_TRUE(after);
  const std::string new_id = Str(*after, "/status/containerId");
  EXPECT_EQ(Str(*after, "/status/lastRestart/outcome"), "success");
  EXPECT_EQ(Str(OnlyContainer(game), "/Id"), new_id);
  auto operations = Operations(game);
  ASSERT_TRUE(operations);
  EXPECT_EQ(Entries(*operations, "restart", "success").size(), 1u)
      << operations->dump(2);

  // The state lives in etcd, not in --data-dir.
  etcd::Client client(etcd.endpoints());
  etcd::RangeRequest desired;
  desired.key = prefix + "runtimes/desired/" + game;
  auto stored = client.Range(desired);
  ASSERT_TRUE(stored.has_value()) << stored.error().message;
  EXPECT_EQ(stored->kvs.size(), 1u);
  // --data-dir holds only the old container's last words, nothing of
  // leveldb's.
  EXPECT_FALSE(fs::exists(data_ + "/CURRENT"));
  EXPECT_TRUE(fs::exists(data_ + "/previous-logs/" + game + ".log"));

  KillController();
  ASSERT_NO_FATAL_FAILURE(StartController(store));
  auto adopted = WaitRunning(game);
  ASSERT_TRUE(adopted);
  EXPECT_EQ(Str(*adopted, "/status/containerId"), new_id);
  EXPECT_EQ(Str(OnlyContainer(game), "/Id"), new_id);
  auto kept = Operations(game);
  ASSERT_TRUE(kept);
  EXPECT_EQ(Entries(*kept, "restart", "success").size(), 1u) << kept->dump(2);
}

// 2d. GitOps delivery (docs/contract.md §2): a restartGeneration bump that
//     arrives by a git-sync worktree flip, or by a ConfigMap "..data" swap,
//     is picked up like an edit in place, and the old tree's removal
//     removes nothing.
TEST_F(RtmanagerE2eTest, AGitSyncWorktreeFlipIsPickedUp) {
  const std::string game = Game("gitsync");
  const std::string git = root_ + "/git";
  fs::create_directories(git + "/.worktrees/rev1");
  WriteFileAtomically(git + "/.worktrees/rev1/" + game + ".yaml", Manifest(game));
  fs::create_directory_symlink(".worktrees/rev1", git + "/current");
  ASSERT_NO_FATAL_FAILURE(StartController({"--manifests", git + "/current"}));
  auto before = WaitRunning(game);
  ASSERT_TRUE(before);
  const std::string old_id = Str(*before, "/status/containerId");

  fs::create_directories(git + "/.worktrees/rev2");
  WriteFileAtomically(git + "/.worktrees/rev2/" + game + ".yaml",
                      Manifest(game, {.restart_generation = 1}));
  fs::create_directory_symlink(".worktrees/rev2", git + "/current.tmp");
  fs::rename(git + "/current.tmp", git + "/current");
  fs::remove_all(git + "/.worktrees/rev1");

  auto after = WaitRestarted(game, old_id, "restarted by the flip", 30s);
  ASSERT_TRUE(after);
  EXPECT_EQ(Str(OnlyContainer(game), "/Id"), Str(*after, "/status/containerId"));
}

TEST_F(RtmanagerE2eTest, AConfigMapDataSwapIsPickedUp) {
  const std::string game = Game("configmap");
  const std::string volume = root_ + "/configmap";
  fs::create_directories(volume + "/..2026_12_02_10_00_00.1");
  WriteFileAtomically(volume + "/..2026_12_02_10_00_00.1/" + game + ".yaml",
                      Manifest(game));
  fs::create_directory_symlink("..2026_12_02_10_00_00.1", volume + "/..data");
  fs::create_symlink("..data/" + game + ".yaml", volume + "/" + game + ".yaml");
  ASSERT_NO_FATAL_FAILURE(StartController({"--manifests", volume}));
  auto before = WaitRunning(game);
  ASSERT_TRUE(before);
  const std::string old_id = Str(*before, "/status/containerId");

  fs::create_directories(volume + "/..2026_12_02_10_05_00.2");
  WriteFileAtomically(volume + "/..2026_12_02_10_05_00.2/" + game + ".yaml",
                      Manifest(game, {.restart_generation = 1}));
  fs::create_directory_symlink("..2026_12_02_10_05_00.2", volume + "/..data_tmp");
  fs::rename(volume + "/..data_tmp", volume + "/..data");
  fs::remove_all(volume + "/..2026_12_02_10_00_00.1");

  auto after = WaitRestarted(game, old_id, "restarted by the swap", 30s);
  ASSERT_TRUE(after);
  EXPECT_EQ(Str(OnlyContainer(game), "/Id"), Str(*after, "/status/containerId"));
}

// 2d'. A `git checkout` in place rewrites hundreds of files in one burst:
//      here 300 games move from fleet/ to shards/<k>/ (git deletes the old
//      files and writes the new ones) while one of them gets a restart
//      bump. The tree is read as one consistent tree (docs/contract.md §2):
//      no game is removed and re-added, which would bump its generation
//      twice and stop a running one.
TEST_F(RtmanagerE2eTest, AGitCheckoutOfHundredsOfFilesRemovesNothing) {
  constexpr int kGames = 300;
  const std::string repo = root_ + "/repo";
  const std::string bumped = Game("ckout-bumped");
  const std::string kept = Game("ckout-kept");
  std::vector<std::string> stopped;
  // Stopped games never get a container: not registered with Game(), whose
  // clean-up asks the engine about each game.
  for (int i = 0; i < kGames - 2; ++i) {
    stopped.push_back("e2e-" + suffix_ + "-ck" + std::to_string(i));
  }
  const auto git = [&](const std::string& args) {
    return Shell("git -C " + ShellQuote(repo) +
                 " -c user.name=e2e -c user.email=e2e@example.invalid " + args +
                 " 2>&1");
  };
  fs::create_directories(repo + "/fleet");
  ASSERT_EQ(git("init -q").exit_code, 0);
  for (const std::string& game : stopped) {
    WriteFileAtomically(repo + "/fleet/" + game + ".yaml",
                        Manifest(game, {.state = "Stopped"}));
  }
  WriteFileAtomically(repo + "/fleet/" + bumped + ".yaml", Manifest(bumped));
  WriteFileAtomically(repo + "/fleet/" + kept + ".yaml", Manifest(kept));
  ASSERT_EQ(git("add -A").exit_code, 0);
  ASSERT_EQ(git("commit -q -m rev1").exit_code, 0);
  // rev2: every file under shards/<k>/, the bump in one of them.
  ASSERT_EQ(git("rm -r -q fleet").exit_code, 0);
  for (size_t i = 0; i < stopped.size(); ++i) {
    const std::string dir = repo + "/shards/" + std::to_string(i % 7);
    fs::create_directories(dir);
    WriteFileAtomically(dir + "/" + stopped[i] + ".yaml",
                        Manifest(stopped[i], {.state = "Stopped"}));
  }
  WriteFileAtomically(repo + "/shards/0/" + bumped + ".yaml",
                      Manifest(bumped, {.restart_generation = 1}));
  WriteFileAtomically(repo + "/shards/1/" + kept + ".yaml", Manifest(kept));
  ASSERT_EQ(git("add -A").exit_code, 0);
  ASSERT_EQ(git("commit -q -m rev2").exit_code, 0);
  ASSERT_EQ(git("checkout -q HEAD~1").exit_code, 0);
  ASSERT_EQ(fs::exists(repo + "/shards"), false);

  ASSERT_NO_FATAL_FAILURE(StartController({"--manifests", repo}));
  auto bumped_before = WaitRunning(bumped);
  ASSERT_TRUE(bumped_before);
  auto kept_before = WaitRunning(kept);
  ASSERT_TRUE(kept_before);
  ASSERT_TRUE(WaitForRuntime(stopped.back(),
                             [](const Json& runtime) { return Phase(runtime) == "Stopped"; },
                             "the last game Stopped"));
  std::map<std::string, int64_t> generations;
  auto listed = Get("/v1/runtimes");
  ASSERT_TRUE(listed && listed->status == 200);
  for (const Json& item : listed->json["items"]) {
    generations[Str(item, "/metadata/name")] = Int(item, "/metadata/generation");
  }
  ASSERT_EQ(generations.size(), static_cast<size_t>(kGames));

  const CommandResult checkout = git("checkout -q -");  // back to rev2
  ASSERT_EQ(checkout.exit_code, 0) << checkout.output;
  ASSERT_TRUE(fs::exists(repo + "/shards/6"));
  ASSERT_FALSE(fs::exists(repo + "/fleet"));

  auto bumped_after = WaitRestarted(bumped, Str(*bumped_before, "/status/containerId"),
                                    "restarted by the checkout", 30s);
  ASSERT_TRUE(bumped_after);
  // A removal held by the checkout's deletions would land within the
  // removal grace (1 s) of the scan that missed the game.
  std::this_thread::sleep_for(2s);

  listed = Get("/v1/runtimes");
  ASSERT_TRUE(listed && listed->status == 200);
  size_t seen = 0;
  for (const Json& item : listed->json["items"]) {
    const std::string name = Str(item, "/metadata/name");
    if (!generations.contains(name)) continue;
    ++seen;
    EXPECT_EQ(Int(item, "/metadata/generation"),
              generations[name] + (name == bumped ? 1 : 0))
        << name << " changed by more than the checkout says: " << item.dump(2);
    EXPECT_TRUE(Str(item, "/metadata/source").starts_with("shards/"))
        << item.dump(2);
    EXPECT_EQ(Phase(item), name == bumped || name == kept ? "Running" : "Stopped")
        << item.dump(2);
  }
  EXPECT_EQ(seen, static_cast<size_t>(kGames));
  auto kept_after = Runtime(kept);
  ASSERT_TRUE(kept_after);
  EXPECT_EQ(Str(*kept_after, "/status/containerId"),
            Str(*kept_before, "/status/containerId"))
      << "a game the checkout only moved was recreated";
  auto operations = Operations(kept);
  ASSERT_TRUE(operations);
  EXPECT_TRUE(Entries(*operations, "remove", "success").empty()) << operations->dump(2);
  EXPECT_TRUE(Entries(*operations, "stop", "success").empty()) << operations->dump(2);
}

// 2f. spec.volumes (reconcile/domain/game_spec.h): a named volume keeps the
//     world save across a restart; at removal Delete takes it, Retain (the
//     default) keeps it.
TEST_F(RtmanagerE2eTest, AVolumeKeepsItsFilesAcrossARestartAndTheReclaimPolicyDecidesItsEnd) {
  const std::string deleting = Game("vol-del");
  const std::string retaining = Game("vol-keep");
  const std::string volumes = "  volumes:\n    - {name: world, mountPath: /data}\n";
  WriteManifest(deleting + ".yaml",
                Manifest(deleting, {.extra_spec = volumes + "  volumeReclaimPolicy: Delete\n"}));
  WriteManifest(retaining + ".yaml", Manifest(retaining, {.extra_spec = volumes}));
  ASSERT_NO_FATAL_FAILURE(StartController());
  auto before = WaitRunning(deleting);
  ASSERT_TRUE(before);
  ASSERT_TRUE(WaitRunning(retaining));
  const auto volume_of = [](const std::string& game) { return "rtm-" + game + "-world"; };
  const CommandResult labels = Shell("docker volume inspect -f "
                                     "'{{index .Labels \"io.rtmanager.volume-of\"}}' " +
                                     volume_of(deleting));
  ASSERT_EQ(labels.exit_code, 0) << "the engine did not create the volume";
  EXPECT_EQ(labels.output, deleting + "\n");

  ASSERT_EQ(Shell("docker exec rtm-" + deleting +
                  " sh -c 'echo level-7 > /data/world.sav'").exit_code, 0);
  WriteManifest(deleting + ".yaml",
                Manifest(deleting, {.restart_generation = 1,
                                    .extra_spec = volumes + "  volumeReclaimPolicy: Delete\n"}));
  auto after = WaitRestarted(deleting, Str(*before, "/status/containerId"),
                             "restarted with its volume", 30s);
  ASSERT_TRUE(after);
  EXPECT_EQ(Shell("docker exec rtm-" + deleting + " cat /data/world.sav").output, "level-7\n")
      << "the restart lost the world save";

  fs::remove(ManifestPath(deleting + ".yaml"));
  fs::remove(ManifestPath(retaining + ".yaml"));
  for (const std::string& game : {deleting, retaining}) {
    ASSERT_TRUE(WaitForRuntime(game, [](const Json& runtime) { return Phase(runtime) == "Removed"; },
                               "removed"));
  }
  EXPECT_NE(Shell("docker volume inspect " + volume_of(deleting) + " >/dev/null 2>&1").exit_code, 0)
      << "volumeReclaimPolicy Delete kept the volume";
  EXPECT_EQ(Shell("docker volume inspect " + volume_of(retaining) + " >/dev/null 2>&1").exit_code, 0)
      << "volumeReclaimPolicy Retain (the default) removed the volume";
}

// 2h. Restarts that spare players: a game whose drain probe finds players
//     (a file in its volume) keeps running through a restart bump, with
//     status saying it waits; once empty it is restarted, stopped with its
//     stopSignal after its preStop saved the world, and the audit says so.
//     The deadline forces a disruption; so does ?force=true.
std::string DrainedGameManifest(const std::string& game, int restart_generation,
                                int max_wait_seconds) {
  std::string doc = Manifest(
      game,
      {.restart_generation = restart_generation,
       .extra_spec =
           "  volumes:\n    - {name: world, mountPath: /data}\n"
           "  stopSignal: SIGINT\n"
           "  preStop:\n"
           "    command: [/bin/sh, -c, 'echo saving world; echo saved > /data/saved-by-prestop']\n"
           "    timeoutSeconds: 10\n"
           "  drain:\n"
           "    command: [/bin/sh, -c, 'if [ -e /data/players ]; then cat /data/players; exit 1; fi']\n"
           "    periodSeconds: 1\n"
           "    maxWaitSeconds: " + std::to_string(max_wait_seconds) + "\n"});
  // A game that leaves a note when told to stop with SIGINT.
  const std::string httpd = "[\"/bin/httpd\", \"-f\", \"-p\", \"8080\"]";
  doc.replace(doc.find(httpd), httpd.size(),
              "[/bin/sh, -c, 'trap \"echo SIGINT > /data/stopped-by; exit 0\" INT; "
              "while true; do sleep 1; done']");
  doc.replace(doc.find("stopTimeoutSeconds: 1"), 21, "stopTimeoutSeconds: 10");
  return doc;
}

bool WaitingForDrain(const Json& runtime) {
  for (const Json& condition : runtime["status"].value("conditions", Json::array())) {
    if (condition.value("type", "") == "Progressing") {
      return condition.value("reason", "") == "WaitingForDrain";
    }
  }
  return false;
}

// The newest entry of `kind` in `operations` (newest first); null if none.
Json NewestEntry(const Json& operations, const std::string& kind) {
  for (const Json& entry : operations) {
    if (entry.value("opKind", "") == kind) return entry;
  }
  return nullptr;
}

TEST_F(RtmanagerE2eTest, ARestartWaitsWhileTheGameHasPlayersAndProceedsWhenEmpty) {
  const std::string game = Game("drain");
  WriteManifest(game + ".yaml", DrainedGameManifest(game, 0, 600));
  ASSERT_NO_FATAL_FAILURE(StartController());
  auto before = WaitRunning(game);
  ASSERT_TRUE(before);
  const std::string old_id = Str(*before, "/status/containerId");
  ASSERT_EQ(Shell("docker exec rtm-" + game + " sh -c 'echo 3 players online > /data/players'")
                .exit_code, 0);

  WriteManifest(game + ".yaml", DrainedGameManifest(game, 1, 600));
  auto waiting = WaitForRuntime(game, WaitingForDrain, "waiting for drain");
  ASSERT_TRUE(waiting);
  EXPECT_EQ(Phase(*waiting), "Running") << waiting->dump(2);
  EXPECT_EQ(Str(*waiting, "/status/containerId"), old_id);
  const std::string first_probe = Str(*waiting, "/status/drainWait/lastProbeAt");
  EXPECT_EQ(Str(*waiting, "/status/drainWait/lastProbe"), "exit 1: 3 players online");
  // Still waiting, probed again, same container.
  auto probed_again = WaitForRuntime(
      game,
      [&](const Json& runtime) {
        return WaitingForDrain(runtime) &&
               Str(runtime, "/status/drainWait/lastProbeAt") != first_probe;
      },
      "probed again while busy");
  ASSERT_TRUE(probed_again);
  EXPECT_EQ(Str(*probed_again, "/status/containerId"), old_id);
  EXPECT_EQ(ContainersOfGame(game).size(), 1u);
  auto plan = Get("/v1/plan");
  ASSERT_TRUE(plan && plan->status == 200);
  EXPECT_NE(plan->body.find("waits for drain: busy for"), std::string::npos) << plan->body;

  ASSERT_EQ(Shell("docker exec rtm-" + game + " rm /data/players").exit_code, 0);
  auto after = WaitRestarted(game, old_id, "restarted once empty");
  ASSERT_TRUE(after);
  EXPECT_FALSE(after->at("status").contains("drainWait")) << after->dump(2);
  EXPECT_EQ(Shell("docker exec rtm-" + game + " cat /data/saved-by-prestop").output, "saved\n")
      << "preStop did not run before the stop";
  EXPECT_EQ(Shell("docker exec rtm-" + game + " cat /data/stopped-by").output, "SIGINT\n")
      << "the stop did not send spec.stopSignal";

  auto operations = Operations(game);
  ASSERT_TRUE(operations);
  const Json restart = NewestEntry(*operations, "restart");
  ASSERT_TRUE(restart.is_object()) << operations->dump(2);
  EXPECT_EQ(restart["drain"]["outcome"], "drained") << restart.dump(2);
  EXPECT_GT(restart["drain"]["waitedMs"].get<int64_t>(), 0) << restart.dump(2);
  const Json stop = NewestEntry(*operations, "stop");
  ASSERT_TRUE(stop.is_object()) << operations->dump(2);
  EXPECT_EQ(stop["preStop"]["exitCode"], 0) << stop.dump(2);
  EXPECT_EQ(stop["preStop"]["output"], "saving world\n") << stop.dump(2);
  EXPECT_EQ(stop.value("sourceRef", ""), restart.value("sourceRef", "?"));
}

TEST_F(RtmanagerE2eTest, TheDrainDeadlineAndAForcedRestartDisruptABusyGame) {
  const std::string game = Game("drain-force");
  WriteManifest(game + ".yaml", DrainedGameManifest(game, 0, 2));
  ASSERT_NO_FATAL_FAILURE(StartController());
  auto before = WaitRunning(game);
  ASSERT_TRUE(before);
  ASSERT_EQ(Shell("docker exec rtm-" + game + " sh -c 'echo 1 player > /data/players'")
                .exit_code, 0);

  // maxWaitSeconds 2: waits, then is forced by the deadline.
  WriteManifest(game + ".yaml", DrainedGameManifest(game, 1, 2));
  auto forced = WaitRestarted(game, Str(*before, "/status/containerId"),
                              "restarted at the drain deadline");
  ASSERT_TRUE(forced);
  auto operations = Operations(game);
  ASSERT_TRUE(operations);
  Json restart = NewestEntry(*operations, "restart");
  EXPECT_EQ(restart["drain"]["outcome"], "deadline") << restart.dump(2);
  EXPECT_GE(restart["drain"]["waitedMs"].get<int64_t>(), 2000) << restart.dump(2);

  // The volume kept the players; a long deadline, skipped on request.
  const int64_t forced_generation = Int(*forced, "/metadata/generation");
  WriteManifest(game + ".yaml", DrainedGameManifest(game, 1, 600));
  ASSERT_TRUE(WaitForRuntime(game, [&](const Json& runtime) {
    return Int(runtime, "/metadata/generation") > forced_generation && Converged(runtime);
  }, "observed the longer deadline"));
  const std::string old_id = Str(*Runtime(game), "/status/containerId");
  auto accepted = HttpRequest(port_, "POST", "/v1/runtimes/" + game + "/restart?force=true",
                              {{"X-Request-Id", "force-1"}});
  ASSERT_TRUE(accepted && accepted->status == 202) << (accepted ? accepted->body : "");
  ASSERT_TRUE(WaitForRuntime(game, [&](const Json& runtime) {
    return RunningAndConverged(runtime) && Str(runtime, "/status/containerId") != old_id;
  }, "restarted on request despite players"));
  operations = Operations(game);
  ASSERT_TRUE(operations);
  restart = NewestEntry(*operations, "restart");
  EXPECT_EQ(restart.value("sourceRef", ""), "force-1") << restart.dump(2);
  EXPECT_EQ(restart["drain"]["outcome"], "forced") << restart.dump(2);
}

// 2i. Why it stopped and its last words: after a restart the previous
//     container's output (up to its goodbye) is served by `rtmanager logs
//     --previous`, and status.lastTermination says how it ended; a container
//     over its memory limit is reported OOMKilled.
// A fleet of `games` labelled fleet=<fleet> at `restart_generation`, and
// the budget "<fleet>" over it, in one file.
std::string BudgetedFleet(const std::vector<std::string>& games, const std::string& fleet,
                          int restart_generation, const std::string& max_unavailable) {
  std::string file = "apiVersion: rtmanager.galaxy/v1\n"
                     "kind: DisruptionBudget\n"
                     "metadata: {name: " + fleet + "}\n"
                     "spec:\n"
                     "  selector: {matchLabels: {fleet: " + fleet + "}}\n"
                     "  maxUnavailable: " + max_unavailable + "\n"
                     "  minReadySeconds: 1\n";
  for (const std::string& game : games) {
    std::string doc = Manifest(game, {.restart_generation = restart_generation});
    const std::string name_line = "  name: " + game + "\n";
    doc.insert(doc.find(name_line) + name_line.size(), "  labels: {fleet: " + fleet + "}\n");
    file += "---\n" + doc;
  }
  return file;
}

TEST_F(RtmanagerE2eTest, AFleetRestartUnderABudgetNeverHasMoreThanMaxUnavailableDown) {
  constexpr int kGames = 20;
  constexpr int kMaxUnavailable = 3;
  std::vector<std::string> games;
  for (int i = 0; i < kGames; ++i) games.push_back(Game("fleet-" + std::to_string(i)));
  const std::string fleet = "fleet-" + suffix_;
  WriteManifest("fleet.yaml", BudgetedFleet(games, fleet, 0, std::to_string(kMaxUnavailable)));
  ASSERT_NO_FATAL_FAILURE(StartController());
  std::map<std::string, std::string> old_ids;
  for (const std::string& game : games) {
    auto running = WaitRunning(game);
    ASSERT_TRUE(running);
    old_ids[game] = Str(*running, "/status/containerId");
  }

  // Sampled while the bump rolls through: games whose status is not Ready,
  // and games with no running container in the engine.
  std::atomic<bool> sampling{true};
  std::atomic<int> samples{0}, peak_not_ready{0}, peak_not_running{0}, saw_waiting{0};
  std::thread sampler([&] {
    const std::set<std::string> ours(games.begin(), games.end());
    while (sampling) {
      auto listed = Get("/v1/runtimes");
      if (listed && listed->status == 200) {
        int not_ready = 0;
        for (const Json& item : listed->json["items"]) {
          if (!ours.contains(Str(item, "/metadata/name"))) continue;
          for (const Json& condition : item["status"].value("conditions", Json::array())) {
            const std::string type = condition.value("type", "");
            if (type == "Ready" && condition.value("status", "") != "True") ++not_ready;
            if (type == "Progressing" && condition.value("reason", "") == "WaitingForBudget") {
              ++saw_waiting;
            }
          }
        }
        peak_not_ready = std::max(peak_not_ready.load(), not_ready);
      }
      const CommandResult running = Shell(
          "docker ps --filter " + ShellQuote("label=io.rtmanager.network=" + network_) +
          " --format '{{.Label \"io.rtmanager.game\"}}'");
      if (running.exit_code == 0) {
        std::set<std::string> up;
        std::istringstream lines(running.output);
        for (std::string line; std::getline(lines, line);) {
          if (ours.contains(line)) up.insert(line);
        }
        peak_not_running = std::max(peak_not_running.load(),
                                    kGames - static_cast<int>(up.size()));
      }
      ++samples;
    }
  });
  WriteManifest("fleet.yaml", BudgetedFleet(games, fleet, 1, std::to_string(kMaxUnavailable)));
  bool all_restarted = true;
  for (const std::string& game : games) {
    all_restarted = WaitRestarted(game, old_ids[game], "restarted under the budget", 120s)
                        .has_value() && all_restarted;
  }
  sampling = false;
  sampler.join();

  ASSERT_TRUE(all_restarted);
  EXPECT_GT(samples.load(), 10);
  EXPECT_LE(peak_not_ready.load(), kMaxUnavailable);
  EXPECT_LE(peak_not_running.load(), kMaxUnavailable);
  EXPECT_GE(peak_not_ready.load(), 1) << "no restart was ever seen in progress";
  EXPECT_GT(saw_waiting.load(), 0) << "no game was ever held back by the budget";
  for (const std::string& game : games) {
    auto operations = Operations(game);
    ASSERT_TRUE(operations);
    EXPECT_TRUE(NewestEntry(*operations, "restart").is_object()) << game;
  }
}

TEST_F(RtmanagerE2eTest, AScheduledRestartWarnsThePlayersInOrderThenRestartsItself) {
  const std::string game = Game("schedule");
  // Eight seconds from now, on Asia/Kolkata's wall clock (UTC+5:30, no DST),
  // as a six-field cron (seconds first).
  const auto fire = std::chrono::ceil<std::chrono::seconds>(std::chrono::system_clock::now()) +
                    std::chrono::seconds(8);
  const auto local = fire + std::chrono::hours(5) + std::chrono::minutes(30);
  const auto day = std::chrono::floor<std::chrono::days>(local);
  const std::chrono::hh_mm_ss time{local - day};
  const std::string cron = std::to_string(time.seconds().count()) + " " +
                           std::to_string(time.minutes().count()) + " " +
                           std::to_string(time.hours().count()) + " * * *";
  WriteManifest(game + ".yaml",
                Manifest(game, {.extra_spec =
                                    "  volumes:\n    - {name: world, mountPath: /data}\n"
                                    "  restartSchedule:\n"
                                    "    cron: \"" + cron + "\"\n"
                                    "    timeZone: Asia/Kolkata\n"
                                    "    warnings:\n"
                                    "      - {before: 2s, command: [/bin/sh, -c, 'echo in 2s >> /data/warnings']}\n"
                                    "      - {before: 5s, command: [/bin/sh, -c, 'echo in 5s >> /data/warnings']}\n"}));
  ASSERT_NO_FATAL_FAILURE(StartController());
  auto before = WaitRunning(game);
  ASSERT_TRUE(before);

  auto after = WaitRestarted(game, Str(*before, "/status/containerId"),
                             "restarted by its schedule", 60s);
  ASSERT_TRUE(after);
  const std::time_t fire_seconds = std::chrono::system_clock::to_time_t(fire);
  std::tm fire_utc{};
  ::gmtime_r(&fire_seconds, &fire_utc);
  char fire_text[32];
  std::strftime(fire_text, sizeof fire_text, "%Y-%m-%dT%H:%M:%S.000Z", &fire_utc);
  const std::string scheduled_ref = std::string("schedule@") + fire_text;
  EXPECT_EQ(Str(*after, "/status/lastRestart/sourceRef"), scheduled_ref) << after->dump(2);
  EXPECT_EQ(Str(*after, "/status/lastRestart/outcome"), "success");
  EXPECT_EQ(Shell("docker exec rtm-" + game + " cat /data/warnings").output, "in 5s\nin 2s\n")
      << "the warnings did not run once each, longest first";
  auto operations = Operations(game);
  ASSERT_TRUE(operations);
  const Json restart = NewestEntry(*operations, "restart");
  ASSERT_TRUE(restart.is_object()) << operations->dump(2);
  EXPECT_EQ(restart.value("opSource", ""), "schedule") << restart.dump(2);
  EXPECT_EQ(restart.value("sourceRef", ""), scheduled_ref) << restart.dump(2);
  // The restart came at the scheduled second, not before.
  const auto started = ParseRfc3339Utc(restart.value("startedAt", ""));
  ASSERT_TRUE(started.has_value()) << restart.dump(2);
  EXPECT_GE(*started, static_cast<double>(fire_seconds));
}

TEST_F(RtmanagerE2eTest, ThePreviousContainersLogsAndHowItEndedOutliveARestart) {
  const std::string game = Game("lastwords");
  const std::string oom = Game("oom");
  const auto manifest = [&](int restart_generation) {
    std::string doc = Manifest(game, {.restart_generation = restart_generation});
    const std::string httpd = "[\"/bin/httpd\", \"-f\", \"-p\", \"8080\"]";
    doc.replace(doc.find(httpd), httpd.size(),
                "[/bin/sh, -c, 'echo serving; trap \"echo goodbye; exit 0\" TERM; "
                "while true; do sleep 1; done']");
    doc.replace(doc.find("stopTimeoutSeconds: 1"), 21, "stopTimeoutSeconds: 5");
    return doc;
  };
  WriteManifest(game + ".yaml", manifest(0));
  std::string hog = Manifest(oom, {.extra_spec = "  resources: {memoryMiB: 8}\n"});
  const std::string httpd = "[\"/bin/httpd\", \"-f\", \"-p\", \"8080\"]";
  hog.replace(hog.find(httpd), httpd.size(),
              "[/bin/sh, -c, 'x=a; while true; do x=$x$x; done']");
  WriteManifest(oom + ".yaml", hog);
  ASSERT_NO_FATAL_FAILURE(StartController({"--self-heal-base", "10s"}));
  auto before = WaitRunning(game);
  ASSERT_TRUE(before);
  const std::string old_id = Str(*before, "/status/containerId");
  const std::string server = "http://127.0.0.1:" + std::to_string(port_);
  const auto logs = [&](const std::string& flags) {
    return Shell(ShellQuote(kBinary) + " logs " + game + " --server " + server + " " + flags +
                 " 2>&1");
  };
  ASSERT_TRUE(WaitFor([&] { return logs("").output == "serving\n"; }, 10s))
      << logs("").output;
  const CommandResult none = logs("--previous");
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_NE(none.output.find("no previous logs kept"), std::string::npos) << none.output;

  // `logs --follow` prints the output as it comes and ends, exit 0, when
  // the container stops (here: for the restart).
  const std::string followed = data_ + "/followed.txt";
  auto follow = std::async(std::launch::async, [&] {
    return Shell("timeout 60 " + ShellQuote(kBinary) + " logs " + game + " --follow --server " +
                 server + " > " + ShellQuote(followed) + " 2>&1");
  });
  const auto read_followed = [&] {
    std::ifstream in(followed);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  ASSERT_TRUE(WaitFor([&] { return read_followed() == "serving\n"; }, 10s)) << read_followed();

  WriteManifest(game + ".yaml", manifest(1));
  auto after = WaitRestarted(game, old_id, "restarted");
  ASSERT_TRUE(after);
  const CommandResult follow_result = follow.get();
  EXPECT_EQ(follow_result.exit_code, 0) << follow_result.output;
  EXPECT_EQ(read_followed(), "serving\ngoodbye\n");
  const CommandResult previous = logs("--previous");
  EXPECT_EQ(previous.exit_code, 0);
  EXPECT_EQ(previous.output, "serving\ngoodbye\n");
  EXPECT_EQ(logs("--previous --tail 1").output, "goodbye\n");
  ASSERT_TRUE(WaitFor([&] { return logs("").output == "serving\n"; }, 10s))
      << "the current container's logs: " << logs("").output;
  EXPECT_EQ(Str(*after, "/status/lastTermination/containerId"), old_id) << after->dump(2);
  EXPECT_EQ(Int(*after, "/status/lastTermination/exitCode"), 0) << after->dump(2);
  EXPECT_EQ(Str(*after, "/status/lastTermination/reason"), "Completed") << after->dump(2);

  auto killed = WaitForRuntime(
      oom, [](const Json& runtime) {
        return Str(runtime, "/status/lastTermination/reason") == "OOMKilled";
      },
      "reported OOMKilled");
  ASSERT_TRUE(killed);
  EXPECT_EQ(Int(*killed, "/status/lastTermination/exitCode"), 137) << killed->dump(2);
}

// 2g. spec.maxConsecutiveFailures: a container that exits at once is
//     self-healed twice, then given up (phase Failed, start_failed), and
//     a restart bump (a new generation) heals it again.
TEST_F(RtmanagerE2eTest, ACrashLoopIsGivenUpAndANewGenerationHealsIt) {
  const std::string game = Game("crashloop");
  const auto manifest = [&](int restart_generation) {
    std::string doc = Manifest(game, {.restart_generation = restart_generation,
                                      .extra_spec = "  maxConsecutiveFailures: 2\n"});
    const std::string httpd = "[\"/bin/httpd\", \"-f\", \"-p\", \"8080\"]";
    doc.replace(doc.find(httpd), httpd.size(), "[\"/bin/false\"]");
    return doc;
  };
  WriteManifest(game + ".yaml", manifest(0));
  ASSERT_NO_FATAL_FAILURE(StartController({"--self-heal-base", "100ms", "--self-heal-cap", "200ms"}));
  auto failed = WaitForRuntime(
      game,
      [](const Json& runtime) { return Phase(runtime) == "Failed"; },
      "given up (phase Failed)");
  ASSERT_TRUE(failed);
  EXPECT_EQ(Str(*failed, "/status/lastError/code"), "start_failed") << failed->dump(2);
  EXPECT_NE(Str(*failed, "/status/lastError/message").find("gave up after 2 consecutive"),
            std::string::npos) << failed->dump(2);
  EXPECT_EQ(Int(*failed, "/status/restartCount"), 2);
  EXPECT_EQ(ContainersOfGame(game).size(), 1u) << "one container, dead, kept for inspection";

  WriteManifest(game + ".yaml", manifest(1));
  auto healing = WaitForRuntime(
      game,
      [](const Json& runtime) {
        return Int(runtime, "/status/observedRestartGeneration") == 1 &&
               Int(runtime, "/status/restartCount") >= 2;
      },
      "restarted by the new generation");
  ASSERT_TRUE(healing);
}

// 2e. --manifest-poll finds changes no inotify event reports: here a
//     manifest that is a symlink to a file elsewhere, rewritten there.
TEST_F(RtmanagerE2eTest, ManifestPollFindsChangesInotifyDoesNotReport) {
  const std::string game = Game("poll");
  const std::string elsewhere = root_ + "/elsewhere";
  fs::create_directories(elsewhere);
  WriteFileAtomically(elsewhere + "/" + game + ".yaml", Manifest(game));
  fs::create_symlink(elsewhere + "/" + game + ".yaml",
                     ManifestPath(game + ".yaml"));
  ASSERT_NO_FATAL_FAILURE(StartController({"--manifest-poll", "300ms"}));
  auto before = WaitRunning(game);
  ASSERT_TRUE(before);
  const std::string old_id = Str(*before, "/status/containerId");

  WriteFileAtomically(elsewhere + "/" + game + ".yaml",
                      Manifest(game, {.restart_generation = 1}));

  auto after = WaitRestarted(game, old_id, "restarted by the poll", 30s);
  ASSERT_TRUE(after);
}

// 2b. The REST restart is a generation bump too (docs/contract.md §6): 202 with the
//     generation to wait for; X-Request-Id is the correlation id of the
//     outer restart and its inner stop/start.
TEST_F(RtmanagerE2eTest, RestRestartIsAGenerationBump) {
  const std::string game = Game("rest");
  WriteManifest(game + ".yaml", Manifest(game));
  ASSERT_NO_FATAL_FAILURE(StartController());
  auto before = WaitRunning(game);
  ASSERT_TRUE(before);
  const std::string old_id = Str(*before, "/status/containerId");
  const int64_t old_restart = Int(*before, "/status/observedRestartGeneration");

  const std::string request_id = "e2e-request-" + RandomHex(8);
  auto accepted = HttpRequest(port_, "POST", "/v1/runtimes/" + game + "/restart",
                              {{"X-Request-Id", request_id}});
  ASSERT_TRUE(accepted);
  ASSERT_EQ(accepted->status, 202) << accepted->body;
  const int64_t generation = Int(accepted->json, "/generation");
  EXPECT_GT(generation, Int(*before, "/metadata/generation")) << accepted->body;

  auto after = WaitForRuntime(
      game,
      [&](const Json& runtime) {
        return Phase(runtime) == "Running" &&
               Int(runtime, "/status/observedGeneration") >= generation &&
               Str(runtime, "/status/containerId") != old_id;
      },
      "restarted through the API (observedGeneration >= " +
          std::to_string(generation) + ")");
  ASSERT_TRUE(after);
  const std::string new_id = Str(*after, "/status/containerId");
  EXPECT_EQ(Int(*after, "/status/observedRestartGeneration"), old_restart + 1);
  EXPECT_EQ(Str(*after, "/status/lastRestart/sourceRef"), request_id) << after->dump(2);
  EXPECT_EQ(Str(*after, "/status/lastRestart/outcome"), "success");
  EXPECT_EQ(ContainersOfGame(game), std::vector<std::string>{new_id});
  EXPECT_EQ(Str(OnlyContainer(game), "/Config/Hostname"), game);

  auto operations = Operations(game);
  ASSERT_TRUE(operations);
  std::map<std::string, int> correlated;
  for (const Json& entry : *operations) {
    if (entry.value("sourceRef", "") != request_id) continue;
    EXPECT_EQ(entry.value("outcome", ""), "success") << entry.dump();
    ++correlated[entry.value("opKind", "")];
    if (entry.value("opKind", "") == "restart") {
      EXPECT_EQ(entry.value("opSource", ""), "rest") << entry.dump();
    }
  }
  EXPECT_EQ(correlated["restart"], 1) << operations->dump(2);
  EXPECT_EQ(correlated["stop"], 1) << operations->dump(2);
  EXPECT_EQ(correlated["start"], 1) << operations->dump(2);

  auto unknown = HttpRequest(port_, "POST", "/v1/runtimes/" + game + "-absent/restart");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404) << unknown->body;
  EXPECT_EQ(Str(unknown->json, "/error/code"), "not_found") << unknown->body;

  fs::remove(ManifestPath(game + ".yaml"));
  ASSERT_TRUE(WaitForRuntime(game, [](const Json& runtime) {
    return Phase(runtime) == "Removed";
  }, "Removed"));
  auto removed = HttpRequest(port_, "POST", "/v1/runtimes/" + game + "/restart");
  ASSERT_TRUE(removed);
  EXPECT_EQ(removed->status, 409) << removed->body;
  EXPECT_EQ(Str(removed->json, "/error/code"), "conflict") << removed->body;
}

// 3. A new image is an `update`: recreate on the new image, one container.
TEST_F(RtmanagerE2eTest, ImageChangeUpdatesTheContainer) {
  const std::string game = Game("update");
  WriteManifest(game + ".yaml", Manifest(game));
  ASSERT_NO_FATAL_FAILURE(StartController());
  auto before = WaitRunning(game);
  ASSERT_TRUE(before);
  const std::string old_id = Str(*before, "/status/containerId");
  const std::string old_hash =
      Label(InspectContainer(old_id).value_or(Json::object()), "io.rtmanager.spec-hash");

  WriteManifest(game + ".yaml", Manifest(game, {.image = kImage2}));
  auto after = WaitForRuntime(
      game,
      [&](const Json& runtime) {
        return RunningAndConverged(runtime) &&
               Str(runtime, "/status/imageRef") == kImage2;
      },
      "updated to " + std::string(kImage2));
  ASSERT_TRUE(after);
  const std::string new_id = Str(*after, "/status/containerId");
  EXPECT_NE(new_id, old_id);

  const Json inspected = OnlyContainer(game);
  ASSERT_TRUE(inspected.is_object());
  EXPECT_EQ(Str(inspected, "/Id"), new_id);
  EXPECT_EQ(Str(inspected, "/Config/Image"), kImage2);
  EXPECT_TRUE(Bool(inspected, "/State/Running"));
  EXPECT_EQ(Str(inspected, "/Config/Hostname"), game);
  EXPECT_NE(Label(inspected, "io.rtmanager.spec-hash"), old_hash);
  EXPECT_FALSE(InspectContainer(old_id));

  auto operations = Operations(game);
  ASSERT_TRUE(operations);
  const std::vector<Json> updates = Entries(*operations, "update", "success");
  ASSERT_EQ(updates.size(), 1u) << operations->dump(2);
  EXPECT_EQ(updates[0].value("imageRef", ""), kImage2);
  EXPECT_EQ(updates[0].value("containerId", ""), new_id);
  EXPECT_EQ(updates[0].value("opSource", ""), "manifest");
  const std::string correlation = updates[0].value("sourceRef", "");
  EXPECT_NE(correlation, "");
  int inner = 0;
  for (const Json& entry : *operations) {
    if (entry.value("sourceRef", "") == correlation &&
        entry.value("opKind", "") != "update") {
      ++inner;
    }
  }
  EXPECT_EQ(inner, 2) << "inner stop + start share the update's sourceRef: "
                      << operations->dump(2);
}

// 4. An update to an image that does not exist fails before any
//    destructive step: the old container keeps running.
TEST_F(RtmanagerE2eTest, UpdateToMissingImageKeepsTheOldContainer) {
  const std::string game = Game("noimage");
  WriteManifest(game + ".yaml", Manifest(game));
  ASSERT_NO_FATAL_FAILURE(StartController());
  auto before = WaitRunning(game);
  ASSERT_TRUE(before);
  const std::string old_id = Str(*before, "/status/containerId");

  WriteManifest(game + ".yaml", Manifest(game, {.image = kMissingImage}));
  auto failed = WaitForRuntime(
      game,
      [&](const Json& runtime) {
        return Str(runtime, "/spec/image") == kMissingImage &&
               (Str(runtime, "/status/lastError/code") == "image_not_found" ||
                Phase(runtime) == "Failed");
      },
      "failed with image_not_found");
  ASSERT_TRUE(failed);
  EXPECT_EQ(Str(*failed, "/status/lastError/code"), "image_not_found")
      << failed->dump(2);
  EXPECT_FALSE(Converged(*failed)) << "a failed update is not converged";

  const Json inspected = OnlyContainer(game);
  ASSERT_TRUE(inspected.is_object());
  EXPECT_EQ(Str(inspected, "/Id"), old_id) << "the old container was replaced";
  EXPECT_TRUE(Bool(inspected, "/State/Running")) << "the old container stopped";
  EXPECT_EQ(Str(inspected, "/Config/Image"), kImage1);

  auto operations = Operations(game);
  ASSERT_TRUE(operations);
  const std::vector<Json> failures = Entries(*operations, "update", "failure");
  ASSERT_FALSE(failures.empty()) << operations->dump(2);
  EXPECT_EQ(failures[0].value("errorCode", ""), "image_not_found");
  EXPECT_TRUE(Entries(*operations, "stop").empty())
      << "nothing may be stopped before the image is known: " << operations->dump(2);
  EXPECT_TRUE(Entries(*operations, "remove").empty()) << operations->dump(2);

  // Back to the existing image: converged again, without a recreate.
  WriteManifest(game + ".yaml", Manifest(game));
  auto recovered = WaitRunning(game);
  ASSERT_TRUE(recovered);
  EXPECT_EQ(Str(*recovered, "/status/containerId"), old_id);
  EXPECT_FALSE(recovered->contains(Json::json_pointer("/status/lastError")))
      << "lastError kept after convergence: " << recovered->dump(2);
  EXPECT_EQ(ContainersOfGame(game), std::vector<std::string>{old_id});
}

// 5. state: Stopped stops the container (kept, exited); Running starts it.
TEST_F(RtmanagerE2eTest, StoppedThenRunningAgain) {
  const std::string game = Game("stopstart");
  WriteManifest(game + ".yaml", Manifest(game));
  ASSERT_NO_FATAL_FAILURE(StartController());
  auto running = WaitRunning(game);
  ASSERT_TRUE(running);

  WriteManifest(game + ".yaml", Manifest(game, {.state = "Stopped"}));
  auto stopped = WaitForRuntime(
      game,
      [](const Json& runtime) {
        return Phase(runtime) == "Stopped" && Converged(runtime);
      },
      "Stopped");
  ASSERT_TRUE(stopped);
  {
    const Json inspected = OnlyContainer(game);
    ASSERT_TRUE(inspected.is_object());
    EXPECT_FALSE(Bool(inspected, "/State/Running"));
    EXPECT_EQ(Str(inspected, "/State/Status"), "exited");
  }
  EXPECT_EQ(Str(Condition(*stopped, "Ready"), "/status"), "False");

  WriteManifest(game + ".yaml", Manifest(game));
  auto again = WaitRunning(game);
  ASSERT_TRUE(again);
  const Json inspected = OnlyContainer(game);
  ASSERT_TRUE(inspected.is_object());
  EXPECT_TRUE(Bool(inspected, "/State/Running"));
  EXPECT_EQ(Str(inspected, "/Id"), Str(*again, "/status/containerId"));

  auto operations = Operations(game);
  ASSERT_TRUE(operations);
  EXPECT_EQ(Entries(*operations, "stop", "success").size(), 1u) << operations->dump(2);
  EXPECT_EQ(Entries(*operations, "start", "success").size(), 2u) << operations->dump(2);
}

// 6. A container killed behind the controller's back is started again.
TEST_F(RtmanagerE2eTest, SelfHealsAfterDockerKill) {
  const std::string game = Game("heal");
  WriteManifest(game + ".yaml", Manifest(game));
  ASSERT_NO_FATAL_FAILURE(StartController());
  auto before = WaitRunning(game);
  ASSERT_TRUE(before);
  const std::string id = Str(*before, "/status/containerId");
  EXPECT_EQ(Int(*before, "/status/restartCount"), 0);

  ASSERT_TRUE(DockerKill(id));
  auto healed = WaitForRuntime(
      game,
      [&](const Json& runtime) {
        return RunningAndConverged(runtime) &&
               Int(runtime, "/status/restartCount") >= 1 &&
               ContainerRunning(Str(runtime, "/status/containerId"));
      },
      "healed (running again, restartCount >= 1)");
  ASSERT_TRUE(healed);
  const Json inspected = OnlyContainer(game);
  ASSERT_TRUE(inspected.is_object());
  EXPECT_TRUE(Bool(inspected, "/State/Running"));
  EXPECT_EQ(Str(inspected, "/Id"), Str(*healed, "/status/containerId"));

  auto operations = Operations(game);
  ASSERT_TRUE(operations);
  bool healed_entry = false;
  for (const Json& entry : Entries(*operations, "start", "success")) {
    healed_entry |= entry.value("opSource", "") == "reconciler";
  }
  EXPECT_TRUE(healed_entry) << "no start/success entry with opSource reconciler: "
                            << operations->dump(2);

  // A container removed behind the controller's back is created again.
  const std::string healed_id = Str(*healed, "/status/containerId");
  ASSERT_EQ(Shell("docker rm -f " + healed_id + " >/dev/null").exit_code, 0);
  auto recreated = WaitForRuntime(
      game,
      [&](const Json& runtime) {
        return RunningAndConverged(runtime) &&
               Int(runtime, "/status/restartCount") >= 2 &&
               Str(runtime, "/status/containerId") != healed_id &&
               ContainerRunning(Str(runtime, "/status/containerId"));
      },
      "recreated after docker rm -f (restartCount >= 2)");
  ASSERT_TRUE(recreated);
  EXPECT_EQ(ContainersOfGame(game),
            std::vector<std::string>{Str(*recreated, "/status/containerId")});
}

// 7. Deleting the file removes the runtime: no container remains, the
//    record is removed.
TEST_F(RtmanagerE2eTest, DeletingTheManifestRemovesTheRuntime) {
  const std::string game = Game("delete");
  const std::string keep = Game("keep");
  WriteManifest(game + ".yaml", Manifest(game));
  WriteManifest(keep + ".yaml", Manifest(keep));
  ASSERT_NO_FATAL_FAILURE(StartController());
  auto before = WaitRunning(game);
  ASSERT_TRUE(before);
  auto kept_before = WaitRunning(keep);
  ASSERT_TRUE(kept_before);
  const std::string id = Str(*before, "/status/containerId");

  fs::remove(ManifestPath(game + ".yaml"));
  std::optional<HttpReply> last;
  const bool removed = WaitFor([&] {
    if (!ContainersOfGame(game).empty()) return false;
    last = Get("/v1/runtimes/" + game);
    return last && (last->status == 404 ||
                    (last->status == 200 && Phase(last->json) == "Removed"));
  }, kConvergeTimeout);
  ASSERT_TRUE(removed) << "containers: "
                       << ::testing::PrintToString(ContainersOfGame(game))
                       << " last GET: " << (last ? last->body : "(none)");
  // What this API does: the object stays readable as Removed (deleted).
  ASSERT_EQ(last->status, 200) << last->body;
  EXPECT_EQ(Phase(last->json), "Removed");
  EXPECT_TRUE(Bool(last->json, "/metadata/deleted")) << last->body;
  EXPECT_EQ(Str(last->json, "/status/containerId"), "") << last->body;
  EXPECT_FALSE(InspectContainer(id));

  auto operations = Operations(game);
  ASSERT_TRUE(operations);
  const std::vector<Json> removes = Entries(*operations, "remove", "success");
  ASSERT_EQ(removes.size(), 1u) << operations->dump(2);
  EXPECT_EQ(removes[0].value("containerId", ""), id);

  // The other game is untouched.
  auto kept = Runtime(keep);
  ASSERT_TRUE(kept);
  EXPECT_EQ(Str(*kept, "/status/containerId"), Str(*kept_before, "/status/containerId"));
  EXPECT_TRUE(ContainerRunning(Str(*kept, "/status/containerId")));
}

// 8. A broken file never changes what it declared; the status says why.
TEST_F(RtmanagerE2eTest, BrokenManifestKeepsTheRuntimeAndReportsIt) {
  const std::string game = Game("broken");
  const std::string file = game + ".yaml";
  WriteManifest(file, Manifest(game));
  ASSERT_NO_FATAL_FAILURE(StartController());
  auto before = WaitRunning(game);
  ASSERT_TRUE(before);
  const std::string id = Str(*before, "/status/containerId");
  const int64_t generation = Int(*before, "/metadata/generation");

  auto manifest_invalid = [&](const std::string& needle) {
    return [needle](const Json& runtime) {
      const Json condition = Condition(runtime, "ManifestValid");
      return Str(condition, "/status") == "False" &&
             Str(condition, "/message").find(needle) != std::string::npos;
    };
  };

  // Invalid YAML.
  WriteManifest(file, "apiVersion: rtmanager.galaxy/v1\nkind: GameRuntime\n"
                      "metadata: {name: " + game + "\nspec: [\n");
  auto invalid = WaitForRuntime(game, manifest_invalid(file),
                                "ManifestValid=False naming " + file);
  ASSERT_TRUE(invalid);
  EXPECT_EQ(Int(*invalid, "/metadata/generation"), generation);
  EXPECT_EQ(Str(*invalid, "/spec/image"), kImage1);
  EXPECT_EQ(Str(*invalid, "/status/containerId"), id);
  EXPECT_EQ(Phase(*invalid), "Running");
  EXPECT_EQ(ContainersOfGame(game), std::vector<std::string>{id});
  EXPECT_TRUE(ContainerRunning(id));

  // A valid YAML document with an unknown field is just as invalid.
  WriteManifest(file, Manifest(game, {.image = kImage2,
                                      .extra_spec = "  bogusField: 1\n"}));
  auto unknown = WaitForRuntime(game, manifest_invalid("bogusField"),
                                "ManifestValid=False naming bogusField");
  ASSERT_TRUE(unknown);
  EXPECT_THAT(Str(Condition(*unknown, "ManifestValid"), "/message"), HasSubstr(file));
  EXPECT_EQ(Int(*unknown, "/metadata/generation"), generation);
  EXPECT_EQ(Str(*unknown, "/spec/image"), kImage1) << "invalid file changed the spec";
  EXPECT_EQ(ContainersOfGame(game), std::vector<std::string>{id});
  EXPECT_TRUE(ContainerRunning(id));

  // Fixed: valid again, nothing recreated.
  WriteManifest(file, Manifest(game));
  auto fixed = WaitForRuntime(
      game,
      [](const Json& runtime) {
        return Str(Condition(runtime, "ManifestValid"), "/status") == "True" &&
               RunningAndConverged(runtime);
      },
      "ManifestValid=True again");
  ASSERT_TRUE(fixed);
  EXPECT_EQ(Str(*fixed, "/status/containerId"), id);
  EXPECT_EQ(ContainersOfGame(game), std::vector<std::string>{id});
  auto operations = Operations(game);
  ASSERT_TRUE(operations);
  EXPECT_EQ(operations->size(), 1u) << "only the first start: " << operations->dump(2);
}

// 9. A controller that lost its store recognises its container by labels.
TEST_F(RtmanagerE2eTest, AdoptsItsContainerAfterLosingTheStore) {
  const std::string game = Game("adopt");
  WriteManifest(game + ".yaml", Manifest(game));
  ASSERT_NO_FATAL_FAILURE(StartController());
  auto before = WaitRunning(game);
  ASSERT_TRUE(before);
  const std::string id = Str(*before, "/status/containerId");

  ASSERT_NO_FATAL_FAILURE(StopController());
  EXPECT_TRUE(ContainerRunning(id)) << "stopping the controller stopped the game";
  RemoveTree(data_);
  ASSERT_FALSE(fs::exists(data_));

  ASSERT_NO_FATAL_FAILURE(StartController());
  auto after = WaitRunning(game);
  ASSERT_TRUE(after);
  EXPECT_EQ(Str(*after, "/status/containerId"), id);
  EXPECT_EQ(ContainersOfGame(game), std::vector<std::string>{id});
  EXPECT_TRUE(ContainerRunning(id));
  auto operations = Operations(game);
  ASSERT_TRUE(operations);
  EXPECT_TRUE(Entries(*operations, "start").empty())
      << "adoption must not create or start anything: " << operations->dump(2);
}

// 9b. "If the watched directory itself disappears or cannot be read,
//     nothing is removed" (docs/contract.md §2) — also when the store was lost too:
//     the labels exist so that the controller can "lose its store and still
//     recognise its containers" (docs/contract.md §3), not so that it destroys them.
TEST_F(RtmanagerE2eTest, LostStoreAndUnreadableManifestsRemoveNothing) {
  const std::string game = Game("orphan");
  WriteManifest(game + ".yaml", Manifest(game));
  ASSERT_NO_FATAL_FAILURE(StartController());
  auto before = WaitRunning(game);
  ASSERT_TRUE(before);
  const std::string id = Str(*before, "/status/containerId");
  ASSERT_NO_FATAL_FAILURE(StopController());

  RemoveTree(data_);
  const std::string away = manifests_ + ".away";
  fs::rename(manifests_, away);
  ASSERT_NO_FATAL_FAILURE(StartController());
  // An absence of action needs an observation window; a removal would
  // happen within milliseconds of the start-up relist.
  const bool removed = WaitFor([&] { return !ContainerRunning(id); }, 2s);
  EXPECT_FALSE(removed) << "the container was stopped or removed while the "
                           "manifests directory was missing";

  fs::rename(away, manifests_);
  auto after = WaitRunning(game);
  ASSERT_TRUE(after);
  EXPECT_EQ(Str(*after, "/status/containerId"), id) << "not adopted: recreated";
}

// 10. kill -9 at some instant of a restart, then a new controller on the
//     same store: exactly one running container, the restart acknowledged,
//     no finished operation lost. The kill delay is the input, not an
//     assertion.
class KillNineDuringRestartTest : public RtmanagerE2eTest,
                                  public ::testing::WithParamInterface<int> {};

TEST_P(KillNineDuringRestartTest, ConvergesWithOneContainer) {
  const std::string game = Game("kill" + std::to_string(GetParam()));
  const std::vector<std::string> flags{"--lease-ttl", "2s"};
  WriteManifest(game + ".yaml", Manifest(game));
  ASSERT_NO_FATAL_FAILURE(StartController(flags));
  auto before = WaitRunning(game);
  ASSERT_TRUE(before);
  const std::string old_id = Str(*before, "/status/containerId");

  WriteManifest(game + ".yaml", Manifest(game, {.restart_generation = 1}));
  std::this_thread::sleep_for(std::chrono::milliseconds(GetParam()));
  ASSERT_NO_FATAL_FAILURE(KillController());
  const std::vector<std::string> at_kill = ContainersOfGame(game);
  AppendToLog("containers at kill: " + ::testing::PrintToString(at_kill));

  ASSERT_NO_FATAL_FAILURE(StartController(flags));
  auto after = WaitForRuntime(
      game,
      [&](const Json& runtime) {
        return RunningAndConverged(runtime) &&
               Int(runtime, "/status/observedRestartGeneration") == 1;
      },
      "converged after kill -9 (observedRestartGeneration 1)");
  ASSERT_TRUE(after);
  const std::string id = Str(*after, "/status/containerId");
  EXPECT_NE(id, old_id) << "the restart did not recreate the container";

  const Json inspected = OnlyContainer(game);
  ASSERT_TRUE(inspected.is_object());
  EXPECT_EQ(Str(inspected, "/Id"), id);
  EXPECT_TRUE(Bool(inspected, "/State/Running"));
  EXPECT_EQ(Label(inspected, "io.rtmanager.restart-generation"), "1");
  EXPECT_EQ(Str(inspected, "/Config/Hostname"), game);

  EXPECT_EQ(Int(*after, "/status/lastRestart/restartGeneration"), 1)
      << "restart generation 1 has no acknowledged outcome: " << after->dump(2);
  EXPECT_EQ(Str(*after, "/status/lastRestart/outcome"), "success") << after->dump(2);

  auto operations = Operations(game);
  ASSERT_TRUE(operations);
  ExpectWellFormedOperations(game, *operations);
  bool final_start = false;
  for (const Json& entry : Entries(*operations, "start", "success")) {
    final_start |= entry.value("containerId", "") == id;
  }
  EXPECT_TRUE(final_start) << "no start/success entry for the running container "
                           << id << ": " << operations->dump(2);
}

INSTANTIATE_TEST_SUITE_P(KillDelays, KillNineDuringRestartTest,
                         ::testing::Values(0, 100, 200, 300, 600),
                         [](const ::testing::TestParamInfo<int>& info) {
                           return "After" + std::to_string(info.param) + "ms";
                         });

// 10b. The deterministic form of the kill -9 window above: the controller
//      died after dockerd created and started the recreated container, but
//      before the start service wrote the record and its audit entry (a
//      `docker start` in flight completes even when its client dies). The
//      test builds that state by hand, with the controller down: desired
//      restartGeneration 1, the old container gone, a container carrying
//      exactly the labels the restart would have given it. The restart
//      generation must still get an acknowledged outcome (docs/contract.md §5).
TEST_F(RtmanagerE2eTest, RestartInterruptedAfterDockerStartIsAcknowledged) {
  const std::string game = Game("interrupted");
  WriteManifest(game + ".yaml", Manifest(game));
  ASSERT_NO_FATAL_FAILURE(StartController());
  auto before = WaitRunning(game);
  ASSERT_TRUE(before);
  const std::string old_id = Str(*before, "/status/containerId");
  auto old = InspectContainer(old_id);
  ASSERT_TRUE(old);
  ASSERT_NO_FATAL_FAILURE(StopController());

  WriteManifest(game + ".yaml", Manifest(game, {.restart_generation = 1}));
  ASSERT_EQ(Shell("docker rm -f " + old_id + " >/dev/null").exit_code, 0);
  std::string labels;
  const Json old_labels = At(*old, "/Config/Labels");
  for (const auto& [key, value] : old_labels.items()) {
    if (!key.starts_with("io.rtmanager.")) continue;
    std::string text = value.get<std::string>();
    if (key == "io.rtmanager.restart-generation") text = "1";
    if (key == "io.rtmanager.generation") {
      text = std::to_string(Int(*before, "/metadata/generation") + 1);
    }
    labels += " --label " + ShellQuote(key + "=" + text);
  }
  const CommandResult created = Shell(
      "docker run -d --name " + ShellQuote("rtm-" + game) + " --hostname " +
      ShellQuote(game) + " --network " + ShellQuote(network_) +
      " --network-alias " + ShellQuote(game) +
      " --init --restart no --stop-timeout 1" + labels + " " + kImage1 +
      " /bin/httpd -f -p 8080");
  ASSERT_EQ(created.exit_code, 0) << created.output;

  ASSERT_NO_FATAL_FAILURE(StartController());
  auto after = WaitForRuntime(
      game,
      [](const Json& runtime) {
        return RunningAndConverged(runtime) &&
               Int(runtime, "/status/observedRestartGeneration") == 1;
      },
      "converged (observedRestartGeneration 1)");
  ASSERT_TRUE(after);
  const Json inspected = OnlyContainer(game);
  ASSERT_TRUE(inspected.is_object());
  EXPECT_TRUE(Bool(inspected, "/State/Running"));
  EXPECT_EQ(Str(inspected, "/Id"), Str(*after, "/status/containerId"));
  EXPECT_EQ(Int(*after, "/status/lastRestart/restartGeneration"), 1)
      << "restart generation 1 has no acknowledged outcome: " << after->dump(2);
  EXPECT_EQ(Str(*after, "/status/lastRestart/outcome"), "success") << after->dump(2);
  EXPECT_EQ(Str(*after, "/status/lastRestart/containerId"),
            Str(*after, "/status/containerId"));
}

// A container named rtm-<game> without the managed label is not ours:
// never touched, reported as a conflict (docs/contract.md §3).
TEST_F(RtmanagerE2eTest, ForeignContainerWithOurNameIsNeverTouched) {
  const std::string game = Game("foreign");
  const CommandResult foreign =
      Shell("docker run -d --name " + ShellQuote("rtm-" + game) + " " + kImage1 +
            " /bin/httpd -f -p 8080");
  ASSERT_EQ(foreign.exit_code, 0);
  std::string foreign_id = foreign.output;
  while (!foreign_id.empty() && std::isspace(static_cast<unsigned char>(foreign_id.back()))) {
    foreign_id.pop_back();
  }
  WriteManifest(game + ".yaml", Manifest(game));
  ASSERT_NO_FATAL_FAILURE(StartController());
  auto conflicted = WaitForRuntime(
      game,
      [](const Json& runtime) {
        return Str(runtime, "/status/lastError/code") == "conflict";
      },
      "reporting a conflict");
  ASSERT_TRUE(conflicted);
  EXPECT_NE(Phase(*conflicted), "Running");
  auto inspected = InspectContainer("rtm-" + game);
  ASSERT_TRUE(inspected);
  EXPECT_EQ(Str(*inspected, "/Id"), foreign_id) << "the foreign container was replaced";
  EXPECT_TRUE(Bool(*inspected, "/State/Running")) << "the foreign container was stopped";
  EXPECT_TRUE(ContainersOfGame(game).empty());
}

// /healthz is about the process, /readyz about the engine too (docs/contract.md §6).
TEST_F(RtmanagerE2eTest, UnreachableEngineIsNotReady) {
  const std::string game = Game("noengine");
  WriteManifest(game + ".yaml", Manifest(game));
  port_ = FreeLoopbackPort();
  AppendToLog("start rtmanager with an unreachable engine");
  controller_.Start(RunArgs({"--docker-host", "unix://" + root_ + "/no-docker.sock"}),
                    log_);
  std::optional<HttpReply> health;
  ASSERT_TRUE(WaitFor([&] {
    if (controller_.Poll()) return true;
    health = Get("/healthz");
    return health && health->status == 200;
  }, kReadyTimeout)) << "no /healthz";
  ASSERT_TRUE(controller_.running()) << "exited: " << controller_.exit_code().value_or(-1);
  auto ready = Get("/readyz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 503) << ready->body;
  EXPECT_EQ(Str(ready->json, "/error/code"), "service_unavailable") << ready->body;
  // The runtime's status says why it does not converge.
  auto failing = WaitForRuntime(
      game,
      [](const Json& runtime) {
        return Str(runtime, "/status/lastError/code") == "service_unavailable";
      },
      "lastError service_unavailable");
  EXPECT_TRUE(failing);
}

// 11. Bad input at start.
TEST_F(RtmanagerE2eTest, CorruptStoreIsRefusedNotReset) {
  ASSERT_NO_FATAL_FAILURE(StartController());  // creates the store
  ASSERT_NO_FATAL_FAILURE(StopController());
  const std::string current = data_ + "/CURRENT";
  ASSERT_TRUE(fs::exists(current));
  const std::string garbage = "\x01\x02garbage-not-a-manifest-name";
  WriteFileInPlace(current, garbage);

  const std::string log = root_ + "/corrupt.log";
  port_ = FreeLoopbackPort();
  auto code = RunToExit(RunArgs({}), log, 20s);
  const std::string output = ReadFile(log);
  ASSERT_TRUE(code.has_value()) << "rtmanager kept running on a corrupt store:\n"
                                << output;
  EXPECT_NE(*code, 0) << output;
  EXPECT_THAT(output, HasSubstr(data_));
  EXPECT_THAT(output, HasSubstr("corrupt"));
  EXPECT_EQ(ReadFile(current), garbage) << "the corrupt store was modified";
  EXPECT_FALSE(HttpGet(port_, "/healthz", 1s)) << "API served on a corrupt store";
}

TEST_F(RtmanagerE2eTest, UsageErrorsExitTwo) {
  const std::string log = root_ + "/usage.log";
  auto unknown_flag = RunToExit({kBinary, "run", "--no-such-flag"}, log, 10s);
  ASSERT_TRUE(unknown_flag);
  EXPECT_EQ(*unknown_flag, 2);
  EXPECT_THAT(ReadFile(log), HasSubstr("no-such-flag"));

  auto bad_duration = RunToExit({kBinary, "run", "--manifests", manifests_,
                                 "--data-dir", data_, "--lease-ttl", "5 parsecs"},
                                log, 10s);
  ASSERT_TRUE(bad_duration);
  EXPECT_EQ(*bad_duration, 2);

  auto unknown_command = RunToExit({kBinary, "no-such-command"}, log, 10s);
  ASSERT_TRUE(unknown_command);
  EXPECT_EQ(*unknown_command, 2);
  EXPECT_FALSE(fs::exists(data_)) << "a usage error must not create the store";
}

}  // namespace
}  // namespace rtm::e2e
