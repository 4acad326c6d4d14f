// Cluster mode with real processes (docs/cluster.md): a 3-member etcd on
// loopback, three Docker engines (each in a network namespace of its own,
// scripts/docker-engines.sh) and three `rtmanager run --node` agents, one
// per engine. Driven only through the manifests, the REST API of any
// agent, the engines and signals, as an operator would.
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test/e2e/e2e_support.h"
#include "test/store/etcd/etcd_test_cluster.h"

namespace rtm {
namespace {

using namespace std::chrono_literals;
using e2e::Json;

constexpr const char* kBinary = RTMANAGER_BINARY;
constexpr const char* kEngines = ENGINES_SCRIPT;
constexpr auto kTtl = "2s";
constexpr auto kLostAfter = "4s";

struct Agent {
  std::string node;
  int port = 0;
  std::vector<std::string> extra;  // more flags (labels, capacity)
  e2e::ChildProcess process;
};

class ClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(e2e::Shell("docker info >/dev/null 2>&1").exit_code, 0)
        << "the main dockerd is not reachable (scripts/ensure-docker.sh)";
    suffix_ = e2e::RandomHex(3);
    root_ = e2e::MakeTempDir("rtm-cl-" + suffix_);
    manifests_ = root_ + "/manifests";
    std::filesystem::create_directories(manifests_);
    engines_ = root_ + "/engines";
    etcd_ = std::make_unique<EtcdTestCluster>(3);
    ASSERT_EQ(e2e::Shell(std::string(kEngines) + " start " + engines_ +
                         " n1 n2 n3 >" + root_ + "/engines.log 2>&1")
                  .exit_code,
              0)
        << e2e::ReadFile(root_ + "/engines.log");
  }

  void TearDown() override {
    if (HasFailure()) {
      for (auto& agent : agents_) {
        std::cerr << "---- agent " << agent->node << " ----\n"
                  << Tail(e2e::ReadFile(Log(agent->node)), 20000);
      }
    }
    for (auto& agent : agents_) {
      if (agent->process.running()) {
        ::kill(agent->process.pid(), SIGCONT);
        agent->process.Terminate(10s);
      }
    }
    e2e::Shell(std::string(kEngines) + " stop " + engines_ + " >>" + root_ +
               "/engines.log 2>&1");
    etcd_.reset();
    e2e::RemoveTree(root_);
  }

  static std::string Tail(const std::string& text, size_t max) {
    return text.size() <= max ? text : text.substr(text.size() - max);
  }
  std::string Log(const std::string& node) const {
    return root_ + "/" + node + ".log";
  }
  std::string Socket(const std::string& node) const {
    return "unix://" + engines_ + "/" + node + "/docker.sock";
  }

  Agent& StartAgent(const std::string& node, std::vector<std::string> extra = {}) {
    auto agent = std::make_unique<Agent>();
    agent->node = node;
    agent->port = e2e::FreeLoopbackPort();
    agent->extra = std::move(extra);
    agents_.push_back(std::move(agent));
    Launch(*agents_.back());
    return *agents_.back();
  }
  void Launch(Agent& agent) {
    std::vector<std::string> argv = {
        kBinary, "run",
        "--store", etcd_->url(),
        "--etcd-prefix", "/cluster-" + suffix_ + "/",
        "--node", agent.node,
        "--docker-host", Socket(agent.node),
        "--manifests", manifests_,
        "--data-dir", root_ + "/data-" + agent.node,
        "--listen", "127.0.0.1:" + std::to_string(agent.port),
        "--network", "rtm-cluster",
        "--node-ttl", kTtl,
        "--node-lost-after", kLostAfter,
        // Calls fail while etcd elects a leader or a host is lost: keep the
        // retries of a game short, so the tests wait for convergence, not
        // for a backoff (one run of the etcd-leader test took 118 s with
        // the default 5 min cap).
        "--backoff-cap", "5s",
        "--log-level", "debug"};
    argv.insert(argv.end(), agent.extra.begin(), agent.extra.end());
    agent.process.Start(argv, Log(agent.node));
    const bool ready = e2e::WaitFor(
        [&] {
          auto reply = e2e::HttpGet(agent.port, "/readyz", 2s);
          return reply && reply->status == 200;
        },
        30s, 50ms);
    ASSERT_TRUE(ready) << agent.node << " not ready";
  }
  Agent& AgentOf(const std::string& node) {
    for (auto& agent : agents_) {
      if (agent->node == node) return *agent;
    }
    throw std::logic_error("no agent " + node);
  }
  // An agent that answers (any: each serves the whole cluster).
  int AnyPort() {
    for (auto& agent : agents_) {
      if (agent->process.running() && e2e::HttpGet(agent->port, "/readyz", 1s)) {
        return agent->port;
      }
    }
    return agents_.front()->port;
  }

  void Declare(const std::string& game, const std::string& extra_spec = "") {
    e2e::WriteFileAtomically(
        manifests_ + "/" + game + ".yaml",
        "apiVersion: rtmanager.galaxy/v1\nkind: GameRuntime\nmetadata:\n  name: " +
            game +
            "\nspec:\n  image: rtmanager/demo-game:1\n"
            "  command: [\"/bin/httpd\", \"-f\", \"-p\", \"8080\"]\n"
            "  stopTimeoutSeconds: 1\n" +
            extra_spec);
  }

  std::map<std::string, Json> Runtimes() {
    std::map<std::string, Json> runtimes;
    auto reply = e2e::HttpGet(AnyPort(), "/v1/runtimes");
    if (!reply || reply->status != 200) return runtimes;
    for (const Json& item : reply->json["items"]) {
      runtimes[item["metadata"]["name"].get<std::string>()] = item;
    }
    return runtimes;
  }
  // A field of the status ("" when the runtime or the field is absent).
  static std::string StatusField(const Json& runtime, const char* field) {
    if (!runtime.is_object() || !runtime.contains("status")) return "";
    return runtime["status"].value(field, "");
  }
  static std::string Phase(const Json& runtime) {
    return StatusField(runtime, "phase");
  }
  static std::string NodeOf(const Json& runtime) {
    return StatusField(runtime, "nodeName");
  }
  // Running (and converged) on some node, per the API.
  bool AllRunning(const std::set<std::string>& games,
                  const std::set<std::string>& not_on = {}) {
    auto runtimes = Runtimes();
    for (const std::string& game : games) {
      auto found = runtimes.find(game);
      if (found == runtimes.end() || Phase(found->second) != "Running" ||
          not_on.contains(NodeOf(found->second))) {
        return false;
      }
    }
    return true;
  }
  // The containers of `game` on the engine of `node` (running or not).
  std::vector<std::string> ContainersOn(const std::string& node,
                                        const std::string& game) {
    const auto result = e2e::Shell(
        "DOCKER_HOST=" + Socket(node) +
        " docker ps -aq --filter label=io.rtmanager.game=" + game + " 2>/dev/null");
    std::vector<std::string> ids;
    std::string id;
    for (char c : result.output) {
      if (c == '\n') {
        if (!id.empty()) ids.push_back(id);
        id.clear();
      } else {
        id += c;
      }
    }
    if (!id.empty()) ids.push_back(id);
    return ids;
  }
  // Exactly one container of each game across the live engines, on the
  // node its status names.
  void ExpectOneContainerEach(const std::set<std::string>& games,
                              const std::set<std::string>& live_nodes) {
    auto runtimes = Runtimes();
    for (const std::string& game : games) {
      size_t total = 0;
      for (const std::string& node : live_nodes) {
        const size_t here = ContainersOn(node, game).size();
        total += here;
        if (here > 0) {
          EXPECT_EQ(NodeOf(runtimes[game]), node) << game << " runs on " << node;
        }
      }
      EXPECT_EQ(total, 1u) << "containers of " << game;
    }
  }
  Json Nodes() {
    auto reply = e2e::HttpGet(AnyPort(), "/v1/nodes");
    return reply && reply->status == 200 ? reply->json : Json();
  }
  std::string Leader() { return Nodes().value("leader", ""); }

  std::string suffix_;
  std::string root_;
  std::string manifests_;
  std::string engines_;
  std::unique_ptr<EtcdTestCluster> etcd_;
  std::vector<std::unique_ptr<Agent>> agents_;
};

TEST_F(ClusterTest, GamesSpreadRespectPinsSelectorsAndCapacity) {
  // The checkout exists before the nodes start (as a GitOps tree does): the
  // scheduler places the constrained games first.
  Declare("pinned", "  nodeName: n3\n");
  Declare("zoned", "  nodeSelector: {zone: a}\n");
  const std::set<std::string> free = {"f1", "f2", "f3", "f4"};
  for (const std::string& game : free) Declare(game);
  std::set<std::string> all = free;
  all.insert({"pinned", "zoned"});
  StartAgent("n1", {"--node-label", "zone=a", "--max-runtimes", "2"});
  StartAgent("n2", {"--node-label", "zone=b", "--max-runtimes", "2"});
  StartAgent("n3", {"--node-label", "zone=b", "--max-runtimes", "2"});

  ASSERT_TRUE(e2e::WaitFor([&] { return AllRunning(all); }, 60s, 200ms))
      << Runtimes().size() << " runtimes";

  auto runtimes = Runtimes();
  EXPECT_EQ(NodeOf(runtimes["pinned"]), "n3");
  EXPECT_EQ(NodeOf(runtimes["zoned"]), "n1");
  std::map<std::string, int> per_node;
  for (const std::string& game : all) ++per_node[NodeOf(runtimes[game])];
  EXPECT_EQ(per_node, (std::map<std::string, int>{{"n1", 2}, {"n2", 2}, {"n3", 2}}));
  ExpectOneContainerEach(all, {"n1", "n2", "n3"});

  // No room anywhere: Pending, saying why.
  Declare("overflow");
  Json pending;
  ASSERT_TRUE(e2e::WaitFor(
      [&] {
        pending = Runtimes()["overflow"];
        return Phase(pending) == "Pending" &&
               !pending["status"].value("conditions", Json::array()).empty();
      },
      30s, 200ms))
      << pending.dump(2);
  std::string scheduled;
  for (const Json& condition : pending["status"]["conditions"]) {
    if (condition.value("type", "") == "Scheduled") {
      scheduled = condition.value("message", "");
    }
  }
  EXPECT_EQ(scheduled, "0/3 nodes available: 3 full");
  EXPECT_TRUE(ContainersOn("n1", "overflow").empty());
}

TEST_F(ClusterTest, ALostHostsGamesRunElsewhereAndTheLeaderRoleMoves) {
  StartAgent("n1");
  StartAgent("n2");
  StartAgent("n3");
  const std::set<std::string> games = {"g1", "g2", "g3", "g4", "g5", "g6"};
  for (const std::string& game : games) Declare(game);
  ASSERT_TRUE(e2e::WaitFor([&] { return AllRunning(games); }, 60s, 200ms));
  const std::string lost = Leader();
  ASSERT_FALSE(lost.empty());
  std::set<std::string> moved;
  for (const auto& [game, runtime] : Runtimes()) {
    if (NodeOf(runtime) == lost) moved.insert(game);
  }
  ASSERT_FALSE(moved.empty());

  // The host is lost: its agent and its whole engine die at once.
  const auto killed_at = std::chrono::steady_clock::now();
  AgentOf(lost).process.Kill();
  ASSERT_EQ(e2e::Shell(std::string(kEngines) + " kill " + engines_ + " " + lost)
                .exit_code,
            0);

  std::set<std::string> live = {"n1", "n2", "n3"};
  live.erase(lost);
  ASSERT_TRUE(e2e::WaitFor([&] { return AllRunning(games, {lost}); }, 60s, 100ms));
  const auto failover = std::chrono::steady_clock::now() - killed_at;
  std::cerr << "failover of " << moved.size() << " games: "
            << std::chrono::duration_cast<std::chrono::milliseconds>(failover).count()
            << " ms\n";
  ExpectOneContainerEach(games, live);
  const std::string next = Leader();
  EXPECT_FALSE(next.empty());
  EXPECT_NE(next, lost);
  Json nodes = Nodes();
  for (const Json& node : nodes["items"]) {
    if (node.value("name", "") == lost) EXPECT_EQ(node.value("state", ""), "Lost");
  }
  // The new leader syncs the manifests.
  Declare("late");
  EXPECT_TRUE(e2e::WaitFor([&] { return AllRunning({"late"}, {lost}); }, 30s, 100ms));
}

TEST_F(ClusterTest, APausedAgentNeverActsForGamesThatMovedAndRemovesItsStaleContainers) {
  StartAgent("n1");
  StartAgent("n2");
  StartAgent("n3");
  const std::set<std::string> games = {"p1", "p2", "p3", "p4", "p5", "p6"};
  for (const std::string& game : games) Declare(game);
  ASSERT_TRUE(e2e::WaitFor([&] { return AllRunning(games); }, 60s, 200ms));
  // Pause a node that does not lead (the leader's pause moves the role too;
  // the other test covers that).
  std::string paused;
  for (const std::string& node : {"n1", "n2", "n3"}) {
    if (node != Leader()) paused = node;
  }
  std::set<std::string> moved;
  for (const auto& [game, runtime] : Runtimes()) {
    if (NodeOf(runtime) == paused) moved.insert(game);
  }
  ASSERT_FALSE(moved.empty());

  ::kill(AgentOf(paused).process.pid(), SIGSTOP);  // its containers keep running
  ASSERT_TRUE(e2e::WaitFor([&] { return AllRunning(games, {paused}); }, 60s, 100ms));
  ::kill(AgentOf(paused).process.pid(), SIGCONT);

  // Awake, it finds its lease gone, joins again, and removes the containers
  // of the games that moved away, without ever reporting them.
  ASSERT_TRUE(e2e::WaitFor(
      [&] {
        for (const std::string& game : moved) {
          if (!ContainersOn(paused, game).empty()) return false;
        }
        return true;
      },
      30s, 200ms));
  auto runtimes = Runtimes();
  for (const std::string& game : moved) {
    EXPECT_NE(NodeOf(runtimes[game]), paused) << game;
    EXPECT_EQ(Phase(runtimes[game]), "Running") << game;
  }
  ExpectOneContainerEach(games, {"n1", "n2", "n3"});
  // The removals are audited as the cluster's.
  auto operations = e2e::HttpGet(AnyPort(), "/v1/runtimes/" + *moved.begin() +
                                                "/operations?limit=100");
  ASSERT_TRUE(operations && operations->status == 200);
  bool audited = false;
  for (const Json& entry : operations->json["items"]) {
    if (entry.value("opKind", "") == "remove" &&
        entry.value("sourceRef", "").starts_with("cluster: ")) {
      audited = true;
    }
  }
  EXPECT_TRUE(audited) << operations->body;
}

}  // namespace
}  // namespace rtm

namespace rtm {
namespace {

TEST_F(ClusterTest, KillingTheEtcdLeaderDuringAFleetRestartLosesNothing) {
  const std::set<std::string> games = {"r1", "r2", "r3", "r4", "r5", "r6"};
  for (const std::string& game : games) Declare(game);
  StartAgent("n1");
  StartAgent("n2");
  StartAgent("n3");
  ASSERT_TRUE(e2e::WaitFor([&] { return AllRunning(games); }, 60s, 200ms));
  std::map<std::string, std::string> old_ids;
  for (const auto& [game, runtime] : Runtimes()) {
    old_ids[game] = StatusField(runtime, "containerId");
  }
  const std::optional<size_t> etcd_leader = etcd_->LeaderMember();
  ASSERT_TRUE(etcd_leader.has_value());

  for (const std::string& game : games) Declare(game, "  restartGeneration: 1\n");
  std::this_thread::sleep_for(150ms);  // the restarts are under way
  etcd_->Kill(*etcd_leader);

  auto restarted = [&] {
    auto runtimes = Runtimes();
    for (const std::string& game : games) {
      const Json& runtime = runtimes[game];
      if (Phase(runtime) != "Running" ||
          !runtime["status"].contains("observedRestartGeneration") ||
          runtime["status"]["observedRestartGeneration"].get<int64_t>() != 1 ||
          StatusField(runtime, "containerId") == old_ids[game]) {
        return false;
      }
    }
    return true;
  };
  const auto waited_from = std::chrono::steady_clock::now();
  ASSERT_TRUE(e2e::WaitFor(restarted, 180s, 250ms));
  if (std::chrono::steady_clock::now() - waited_from > 60s) {
    // Converged, but slowly: say why, for the next look at it.
    for (auto& agent : agents_) {
      std::cerr << "---- slow convergence: warnings of " << agent->node << " ----\n"
                << e2e::Shell("grep -E ' (warning|error) ' " + Log(agent->node) +
                              " | tail -40").output;
    }
  }
  ExpectOneContainerEach(games, {"n1", "n2", "n3"});

  // Every container that runs was audited: its start entry is in the log,
  // and each game's restart finished with a success entry.
  auto runtimes = Runtimes();
  for (const std::string& game : games) {
    auto reply = e2e::HttpGet(AnyPort(), "/v1/runtimes/" + game + "/operations?limit=100");
    ASSERT_TRUE(reply && reply->status == 200) << game;
    const std::string running = StatusField(runtimes[game], "containerId");
    bool started = false;
    bool restarted_ok = false;
    for (const Json& entry : reply->json["items"]) {
      if (entry.value("opKind", "") == "start" && entry.value("outcome", "") == "success" &&
          entry.value("containerId", "") == running) {
        started = true;
      }
      if (entry.value("opKind", "") == "restart" && entry.value("outcome", "") == "success") {
        restarted_ok = true;
      }
    }
    EXPECT_TRUE(started) << game << ": no start entry for " << running << "\n" << reply->body;
    EXPECT_TRUE(restarted_ok) << game << ": no successful restart entry\n" << reply->body;
  }
}

}  // namespace
}  // namespace rtm
