#include "controller/cli/client_commands.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test/controller/cli/fake_api_client.h"
#include "test/controller/cli/node_fixtures.h"
#include "test/controller/cli/runtime_fixtures.h"

namespace rtm {
namespace {

using Json = nlohmann::json;
using testing_support::ClusterNodes;
using testing_support::FakeApiClient;
using testing_support::LobbyOperations;
using testing_support::LobbyRuntime;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Pair;
using ::testing::StartsWith;

// Hands the commands a client that forwards to the test's FakeApiClient.
class ForwardingClient : public ApiClient {
 public:
  explicit ForwardingClient(FakeApiClient& fake) : fake_(fake) {}
  std::string BaseUrl() const override { return fake_.BaseUrl(); }
  Expected<HttpReply> Get(const std::string& target) override { return fake_.Get(target); }
  Expected<HttpReply> Post(const std::string& target, const HttpHeaders& headers) override {
    return fake_.Post(target, headers);
  }
  Expected<HttpReply> Stream(const std::string& target, Deadline deadline,
                             const std::function<bool(std::string_view)>& on_line) override {
    return fake_.Stream(target, deadline, on_line);
  }

 private:
  FakeApiClient& fake_;
};

struct CommandRun {
  int code = -1;
  std::string out;
  std::string err;
};

std::string ReadAll(std::FILE* file) {
  std::rewind(file);
  std::string text;
  char buffer[4096];
  while (size_t n = std::fread(buffer, 1, sizeof buffer, file)) text.append(buffer, n);
  std::fclose(file);
  return text;
}

class ClientCommandsTest : public ::testing::Test {
 protected:
  CommandRun Command(const std::string& command, const std::vector<std::string>& args) {
    ClientEnvironment environment{
        .getenv = [this](const std::string& name) -> std::optional<std::string> {
          auto found = env_.find(name);
          return found == env_.end() ? std::nullopt : std::optional(found->second);
        },
        .connect = [this](const ApiEndpoint& endpoint) -> Expected<std::unique_ptr<ApiClient>> {
          const std::string& server = endpoint.server;
          servers_.push_back(server);
          tokens_.push_back(endpoint.bearer_token);
          endpoints_.push_back(endpoint);
          if (server.starts_with("ftp:")) {
            return Fail(ErrorCode::kInvalidRequest, "server \"" + server + "\" is not an http(s) URL");
          }
          return std::unique_ptr<ApiClient>(new ForwardingClient(fake_));
        },
        .now = [] { return *ParseRfc3339("2026-11-25T03:00:00.000Z"); },
        .err_is_terminal = false,
        .poll_interval = std::chrono::milliseconds(1),
    };
    std::FILE* out = std::tmpfile();
    std::FILE* err = std::tmpfile();
    CommandRun run;
    run.code = RunClientCommand(command, args, out, err, environment);
    run.out = ReadAll(out);
    run.err = ReadAll(err);
    return run;
  }

  std::string WriteFile(const std::string& name, const std::string& content) {
    const std::filesystem::path path =
        std::filesystem::path(::testing::TempDir()) /
        (std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "_" + name);
    std::ofstream(path) << content;
    written_.push_back(path);
    return path.string();
  }

  void TearDown() override {
    for (const auto& path : written_) std::filesystem::remove(path);
  }

  FakeApiClient fake_;
  std::map<std::string, std::string> env_;
  std::vector<std::string> servers_;
  std::vector<std::string> tokens_;  // the bearer token of each connect
  std::vector<ApiEndpoint> endpoints_;
  std::vector<std::filesystem::path> written_;
};

const std::string kNotFound =
    R"({"error":{"code":"not_found","message":"runtime \"nope\" not found"}})";

TEST_F(ClientCommandsTest, KnowsItsCommands) {
  for (const char* command :
       {"get", "describe", "restart", "wait", "logs", "history", "plan", "nodes",
        "kubeconfig", "validate"}) {
    EXPECT_TRUE(IsClientCommand(command)) << command;
  }
  EXPECT_FALSE(IsClientCommand("run"));
  EXPECT_FALSE(IsClientCommand("version"));
  EXPECT_FALSE(IsClientCommand(""));
  EXPECT_THAT(ClientCommandsUsage(), HasSubstr("  rtmanager restart NAME"));
}

TEST_F(ClientCommandsTest, HelpOfEveryCommandExitsZero) {
  for (const char* command :
       {"get", "describe", "restart", "wait", "logs", "history", "plan", "nodes",
        "kubeconfig", "validate"}) {
    for (const char* flag : {"--help", "-h"}) {
      const CommandRun run = Command(command, {flag});
      EXPECT_EQ(run.code, 0) << command;
      EXPECT_THAT(run.out, StartsWith("Usage: rtmanager " + std::string(command))) << command;
      EXPECT_THAT(run.out, HasSubstr("--help")) << command;
      EXPECT_EQ(run.err, "");
    }
  }
  EXPECT_THAT(Command("get", {"--help"}).out, HasSubstr("  -o, --output VALUE"));
  EXPECT_THAT(Command("get", {"--help"}).out, HasSubstr("wide adds NODE and HEALTH"));
  EXPECT_THAT(Command("nodes", {"--help"}).out, HasSubstr("the leader's NAME ends in *"));
  EXPECT_THAT(ClientCommandsUsage(), HasSubstr("  rtmanager nodes"));
  EXPECT_THAT(Command("restart", {"--help"}).out, HasSubstr("--request-id VALUE"));
  EXPECT_TRUE(fake_.calls.empty());
}

TEST_F(ClientCommandsTest, UsageErrorsExitTwoAndNameTheProblem) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
      {{"get", "--bogus"}, "rtmanager get: unknown flag --bogus\n"},
      {{"get", "-x"}, "rtmanager get: unknown flag -x\n"},
      {{"get", "a", "b"}, "rtmanager get: too many arguments (usage: rtmanager get [NAME] [flags])\n"},
      {{"get", "-o", "xml"},
       "rtmanager get: flag --output: \"xml\" is not json, yaml or wide\n"},
      {{"plan", "-o", "wide"}, "rtmanager plan: flag --output: \"wide\" is not json or yaml\n"},
      {{"nodes", "node-a"}, "rtmanager nodes: nodes takes no arguments\n"},
      {{"get", "-o"}, "rtmanager get: flag --output needs a value\n"},
      {{"describe"}, "rtmanager describe: missing NAME\n"},
      {{"describe", "-o", "json", "x"}, "rtmanager describe: unknown flag -o\n"},
      {{"history", "x", "--limit", "0"},
       "rtmanager history: flag --limit: \"0\" is not an integer in 1..1000\n"},
      {{"restart", "x", "--timeout", "5"},
       "rtmanager restart: flag --timeout: duration \"5\" has no unit (use ms, s, m or h)\n"},
      {{"restart", "x", "--request-id", ""},
       "rtmanager restart: flag --request-id: must be 1..256 printable characters\n"},
      {{"wait", "x", "--for", "healthy"},
       "rtmanager wait: flag --for: \"healthy\" is not converged or ready\n"},
      {{"wait", "Bad_Name"},
       "rtmanager wait: invalid runtime name \"Bad_Name\": must be a DNS label (a-z, 0-9, '-')\n"},
      {{"plan", "x"}, "rtmanager plan: plan takes no arguments\n"},
      {{"validate"}, "rtmanager validate: missing PATH...\n"},
      {{"get", "--server", "ftp://x"},
       "rtmanager get: flag --server: server \"ftp://x\" is not an http(s) URL\n"},
  };
  for (const auto& [args, message] : cases) {
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    const CommandRun run = Command(args[0], rest);
    EXPECT_EQ(run.code, 2) << ::testing::PrintToString(args);
    EXPECT_EQ(run.err, message + "Run 'rtmanager " + args[0] + " --help' for usage.\n")
        << ::testing::PrintToString(args);
    EXPECT_EQ(run.out, "");
  }
  EXPECT_TRUE(fake_.calls.empty());
}

TEST_F(ClientCommandsTest, UnknownCommandIsAUsageError) {
  const CommandRun run = Command("frobnicate", {});
  EXPECT_EQ(run.code, 2);
  EXPECT_EQ(run.err, "rtmanager: unknown command \"frobnicate\"\n");
}

TEST_F(ClientCommandsTest, ServerComesFromTheFlagThenTheEnvironmentThenTheDefault) {
  Command("get", {});
  env_["RTMANAGER_SERVER"] = "http://env:1";
  Command("get", {});
  Command("get", {"--server", "http://flag:2"});
  env_["RTMANAGER_SERVER"] = "";
  Command("get", {});
  EXPECT_THAT(servers_, ElementsAre("http://127.0.0.1:8088", "http://env:1", "http://flag:2",
                                    "http://127.0.0.1:8088"));
}

TEST_F(ClientCommandsTest, GetListsRuntimesAsATable) {
  fake_.on_get = [](const std::string&) {
    return HttpReply{200, Json{{"items", {LobbyRuntime()}}, {"revision", 4}}.dump()};
  };
  const CommandRun run = Command("get", {});
  EXPECT_EQ(run.code, 0);
  EXPECT_EQ(run.out,
            "NAME         PHASE     GEN   OBSERVED   RESTARTS   CONTAINER      IMAGE            "
            "       AGE\n"
            "lobby-eu-1   Running   3     3          1          0123456789ab   rtmanager/demo-ga"
            "me:2   5m\n");
  EXPECT_EQ(fake_.calls.at(0).target, "/v1/runtimes");
}

TEST_F(ClientCommandsTest, GetWideAddsTheNodeAndHealthColumns) {
  Json placed = LobbyRuntime();
  placed["status"]["nodeName"] = "node-a";
  fake_.on_get = [&](const std::string& target) {
    if (target != "/v1/runtimes") return HttpReply{200, placed.dump()};
    return HttpReply{200, Json{{"items", {placed}}, {"revision", 4}}.dump()};
  };
  const CommandRun run = Command("get", {"-o", "wide"});
  EXPECT_EQ(run.code, 0);
  EXPECT_EQ(run.out,
            "NAME         PHASE     GEN   OBSERVED   RESTARTS   CONTAINER      IMAGE            "
            "       AGE   NODE     HEALTH\n"
            "lobby-eu-1   Running   3     3          1          0123456789ab   rtmanager/demo-ga"
            "me:2   5m    node-a   healthy\n");
  EXPECT_THAT(Command("get", {"lobby-eu-1", "--output=wide"}).out,
              HasSubstr("   node-a   healthy\n"));
  EXPECT_EQ(fake_.calls.at(1).target, "/v1/runtimes/lobby-eu-1");
}

TEST_F(ClientCommandsTest, NodesListsTheClusterWithTheLeaderMarked) {
  fake_.on_get = [](const std::string&) { return HttpReply{200, ClusterNodes().dump()}; };
  CommandRun run = Command("nodes", {});
  EXPECT_EQ(run.code, 0);
  EXPECT_THAT(run.out, StartsWith("NAME      STATE            GAMES   CAPACITY   LABELS"));
  EXPECT_THAT(run.out, HasSubstr("\nnode-a*   Ready            3       10         zone=eu "));
  EXPECT_EQ(run.err, "");
  EXPECT_EQ(fake_.calls.at(0).target, "/v1/nodes");
  run = Command("nodes", {"-o", "json"});
  EXPECT_EQ(run.code, 0);
  EXPECT_EQ(Json::parse(run.out), ClusterNodes());

  fake_.on_get = [](const std::string&) { return HttpReply{200, R"({"items": []})"}; };
  run = Command("nodes", {});
  EXPECT_EQ(run.code, 0);
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(run.err, "No nodes found.\n");
}

TEST_F(ClientCommandsTest, NodesOnOneHostPrintsTheServersMessageAndExitsOne) {
  fake_.on_get = [](const std::string&) {
    return HttpReply{404, R"({"error":{"code":"not_found","message":)"
                          R"("this controller is not in cluster mode (started without --node): it has no nodes"}})"};
  };
  const CommandRun run = Command("nodes", {});
  EXPECT_EQ(run.code, 1);
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(run.err,
            "Error from server (not_found): this controller is not in cluster mode "
            "(started without --node): it has no nodes\n");
}

TEST_F(ClientCommandsTest, GetWithNoRuntimesSaysSoOnStderr) {
  fake_.on_get = [](const std::string&) {
    return HttpReply{200, R"({"items": [], "revision": 0})"};
  };
  const CommandRun run = Command("get", {});
  EXPECT_EQ(run.code, 0);
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(run.err, "No runtimes found.\n");
}

TEST_F(ClientCommandsTest, GetOutputsJsonAndYamlOfTheRawObject) {
  fake_.on_get = [](const std::string&) { return HttpReply{200, LobbyRuntime().dump()}; };
  const CommandRun json = Command("get", {"lobby-eu-1", "-o", "json"});
  EXPECT_EQ(json.code, 0);
  EXPECT_EQ(Json::parse(json.out), LobbyRuntime());
  EXPECT_THAT(json.out, StartsWith("{\n  \"apiVersion\""));
  const CommandRun yaml = Command("get", {"lobby-eu-1", "--output=yaml"});
  EXPECT_EQ(yaml.code, 0);
  EXPECT_THAT(yaml.out, StartsWith("apiVersion: rtmanager.galaxy/v1\nkind: GameRuntime\n"));
  EXPECT_EQ(fake_.calls.at(0).target, "/v1/runtimes/lobby-eu-1");
}

TEST_F(ClientCommandsTest, ServerErrorsAndUnreachableServerExitOne) {
  fake_.on_get = [](const std::string&) { return HttpReply{404, kNotFound}; };
  CommandRun run = Command("get", {"nope"});
  EXPECT_EQ(run.code, 1);
  EXPECT_EQ(run.err, "Error from server (not_found): runtime \"nope\" not found\n");

  fake_.on_get = [](const std::string&) { return HttpReply{502, "<html>bad gateway</html>"}; };
  run = Command("describe", {"nope"});
  EXPECT_EQ(run.code, 1);
  EXPECT_EQ(run.err, "Error from server (HTTP 502): <html>bad gateway</html>\n");

  fake_.on_get = [](const std::string&) { return HttpReply{200, "not json"}; };
  run = Command("get", {});
  EXPECT_EQ(run.code, 1);
  EXPECT_EQ(run.err, "unexpected answer from rtmanager at http://fake:8088: not JSON: not json\n");

  fake_.on_get = [](const std::string&) -> Expected<HttpReply> {
    return Fail(ErrorCode::kServiceUnavailable,
                "cannot reach rtmanager at http://fake:8088: Connection refused");
  };
  run = Command("history", {"x"});
  EXPECT_EQ(run.code, 1);
  EXPECT_EQ(run.err, "cannot reach rtmanager at http://fake:8088: Connection refused\n");
}

TEST_F(ClientCommandsTest, DescribeReadsTheObjectAndItsLastTenOperations) {
  fake_.on_get = [](const std::string& target) {
    if (target.find("/operations") != std::string::npos) {
      return HttpReply{200, Json{{"items", LobbyOperations()}}.dump()};
    }
    return HttpReply{200, LobbyRuntime().dump()};
  };
  const CommandRun run = Command("describe", {"lobby-eu-1"});
  EXPECT_EQ(run.code, 0);
  EXPECT_THAT(run.out, StartsWith("Name:                lobby-eu-1\n"));
  EXPECT_THAT(run.out, HasSubstr("Operations (newest first):\n"));
  EXPECT_THAT(fake_.calls.at(1).target, "/v1/runtimes/lobby-eu-1/operations?limit=10");
}

TEST_F(ClientCommandsTest, HistoryShowsOperationsWithTheLimit) {
  fake_.on_get = [](const std::string&) {
    return HttpReply{200, Json{{"items", LobbyOperations()}}.dump()};
  };
  CommandRun run = Command("history", {"lobby-eu-1"});
  EXPECT_EQ(run.code, 0);
  EXPECT_THAT(run.out, StartsWith("TIME                       KIND      SOURCE"));
  EXPECT_EQ(fake_.calls.at(0).target, "/v1/runtimes/lobby-eu-1/operations?limit=20");
  run = Command("history", {"lobby-eu-1", "--limit", "5", "-o", "json"});
  EXPECT_EQ(Json::parse(run.out), (Json{{"items", LobbyOperations()}}));
  EXPECT_EQ(fake_.calls.at(1).target, "/v1/runtimes/lobby-eu-1/operations?limit=5");

  fake_.on_get = [](const std::string&) { return HttpReply{200, R"({"items": []})"}; };
  run = Command("history", {"lobby-eu-1"});
  EXPECT_EQ(run.code, 0);
  EXPECT_EQ(run.err, "No operations recorded for runtime/lobby-eu-1.\n");
}

TEST_F(ClientCommandsTest, HistorySaysHowTheDrainGateWasPassedAndWhatPreStopDid) {
  fake_.on_get = [](const std::string&) {
    Json restart = {{"startedAt", "2026-12-02T10:00:00.000Z"}, {"opKind", "restart"},
                    {"outcome", "success"}, {"errorMessage", ""},
                    {"drain", {{"outcome", "drained"}, {"waitedMs", 192000}}}};
    Json stop = {{"startedAt", "2026-12-02T10:00:00.000Z"}, {"opKind", "stop"},
                 {"outcome", "success"}, {"errorMessage", ""},
                 {"preStop", {{"exitCode", 0}, {"timedOut", false}, {"error", ""},
                              {"durationMs", 1500}, {"output", "saving\nworld saved\n"}}}};
    Json forced = {{"opKind", "update"}, {"errorMessage", "docker stop: gone"},
                   {"drain", {{"outcome", "deadline"}, {"waitedMs", 600000}}},
                   {"preStop", {{"exitCode", nullptr}, {"timedOut", true}, {"error", ""},
                                {"durationMs", 30000}, {"output", ""}}}};
    return HttpReply{200, Json{{"items", {restart, stop, forced}}}.dump()};
  };
  const CommandRun run = Command("history", {"lobby-eu-1"});
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("drained after 3m12s\n"));
  EXPECT_THAT(run.out, HasSubstr("preStop exit 0 in 1s: world saved\n"));
  EXPECT_THAT(run.out, HasSubstr("docker stop: gone; drain deadline passed after 10m; "
                                 "preStop timed out after 30s\n"));
}

TEST_F(ClientCommandsTest, LogsPrintsTheOutputOfTheContainerOrOfThePreviousOne) {
  fake_.on_get = [](const std::string&) { return HttpReply{200, "saving world\nbye\n"}; };
  CommandRun run = Command("logs", {"lobby-eu-1"});
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(run.out, "saving world\nbye\n");
  EXPECT_EQ(fake_.calls.at(0).target, "/v1/runtimes/lobby-eu-1/logs");
  run = Command("logs", {"lobby-eu-1", "--previous", "--tail", "20"});
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(fake_.calls.at(1).target, "/v1/runtimes/lobby-eu-1/logs?previous=true&tail=20");
}

TEST_F(ClientCommandsTest, LogsOfARuntimeWithoutPreviousLogsSaysSo) {
  fake_.on_get = [](const std::string&) {
    return HttpReply{404, R"({"error":{"code":"not_found","message":"no previous logs kept for game \"x\""}})"};
  };
  const CommandRun run = Command("logs", {"x", "--previous"});
  EXPECT_EQ(run.code, 1);
  EXPECT_THAT(run.err, HasSubstr("no previous logs kept for game \"x\""));
  EXPECT_EQ(Command("logs", {"x", "--tail", "0"}).code, 2);
}

TEST_F(ClientCommandsTest, LogsFollowPrintsEachLineAsItComesUntilTheStreamEnds) {
  fake_.on_stream = [](const std::string&) {
    return FakeApiClient::StreamScript{{200, ""}, {"serving", "player joined"}};
  };
  CommandRun run = Command("logs", {"lobby-eu-1", "--follow", "--tail", "3"});
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(run.out, "serving\nplayer joined\n");
  ASSERT_EQ(fake_.calls.size(), 1u);
  EXPECT_EQ(fake_.calls.at(0).method, "STREAM");
  EXPECT_EQ(fake_.calls.at(0).target, "/v1/runtimes/lobby-eu-1/logs?follow=true&tail=3");

  fake_.on_stream = [](const std::string&) {
    return FakeApiClient::StreamScript{
        {503, R"({"error":{"code":"service_unavailable","message":"too many logs followed at once (64); try again later"}})"},
        {}};
  };
  run = Command("logs", {"lobby-eu-1", "-f"});
  EXPECT_EQ(run.code, 1);
  EXPECT_THAT(run.err, HasSubstr("too many logs followed at once"));
  EXPECT_EQ(run.out, "");
}

TEST_F(ClientCommandsTest, RestartForceAsksToSkipTheDrainWait) {
  fake_.on_post = [](const std::string&) { return HttpReply{202, R"({"generation": 5})"}; };
  EXPECT_EQ(Command("restart", {"lobby-eu-1", "--force"}).code, 0);
  EXPECT_EQ(fake_.calls.at(0).target, "/v1/runtimes/lobby-eu-1/restart?force=true");
}

TEST_F(ClientCommandsTest, RestartForceOfARemovedRuntimeSaysItsRemovalIsForced) {
  fake_.on_post = [](const std::string&) {
    return HttpReply{202, R"({"generation": 5, "removalForced": true})"};
  };
  const CommandRun run = Command("restart", {"gone", "--force"});
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(run.out, "runtime/gone is being removed: its removal skips the drain wait "
                     "(nothing restarts)\n");
}

TEST_F(ClientCommandsTest, PlanShowsPendingActionsOrAllConverged) {
  fake_.on_get = [](const std::string&) {
    return HttpReply{200, R"({"items": [{"name": "a", "actions": []},
      {"name": "b", "actions": [{"action": "restart", "reason": "restartGeneration 0 -> 1"}]}]})"};
  };
  CommandRun run = Command("plan", {});
  EXPECT_EQ(run.code, 0);
  EXPECT_EQ(run.out, "NAME   ACTION    REASON\nb      restart   restartGeneration 0 -> 1\n");
  EXPECT_EQ(fake_.calls.at(0).target, "/v1/plan");
  run = Command("plan", {"--all"});
  EXPECT_EQ(run.out,
            "NAME   ACTION    REASON\na      -         converged\n"
            "b      restart   restartGeneration 0 -> 1\n");

  fake_.on_get = [](const std::string&) {
    return HttpReply{200, R"({"items": [{"name": "a", "actions": []}]})"};
  };
  EXPECT_EQ(Command("plan", {}).out, "all converged\n");
}

TEST_F(ClientCommandsTest, RestartPostsWithTokenAndRequestId) {
  const std::string token_file = WriteFile("token", "  s3cret\n");
  fake_.on_post = [](const std::string&) { return HttpReply{202, R"({"generation": 5})"}; };
  const CommandRun run =
      Command("restart", {"lobby-eu-1", "--token-file", token_file, "--request-id", "req-1"});
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(run.out, "runtime/lobby-eu-1 restart requested (generation 5)\n");
  ASSERT_EQ(fake_.calls.size(), 1u);
  EXPECT_EQ(fake_.calls[0].method, "POST");
  EXPECT_EQ(fake_.calls[0].target, "/v1/runtimes/lobby-eu-1/restart");
  EXPECT_THAT(fake_.calls[0].headers, ElementsAre(Pair("X-Request-Id", "req-1")));
  EXPECT_THAT(tokens_, ElementsAre("s3cret")) << "the client sends it with every call";
}

TEST_F(ClientCommandsTest, ReadsSendTheTokenToo) {
  fake_.on_get = [](const std::string&) { return HttpReply{200, R"({"items": []})"}; };
  EXPECT_EQ(Command("get", {"--token-file", WriteFile("token", "reader-token\n")}).code, 0);
  EXPECT_EQ(Command("history", {"lobby", "--token-file", WriteFile("token", "ops:named-token\n")}).code,
            0);
  EXPECT_THAT(tokens_, ElementsAre("reader-token", "named-token"))
      << "a server's name:token file serves: its first token is sent";
}

TEST_F(ClientCommandsTest, RestartTakesTheTokenFileFromTheEnvironment) {
  env_["RTMANAGER_TOKEN_FILE"] = WriteFile("token", "from-env");
  fake_.on_post = [](const std::string&) { return HttpReply{202, R"({"generation": 2})"}; };
  EXPECT_EQ(Command("restart", {"x"}).code, 0);
  EXPECT_THAT(tokens_, ElementsAre("from-env"));
}

TEST_F(ClientCommandsTest, WithoutATokenFileNoTokenIsSent) {
  fake_.on_post = [](const std::string&) { return HttpReply{202, R"({"generation": 2})"}; };
  EXPECT_EQ(Command("restart", {"x"}).code, 0);
  EXPECT_TRUE(fake_.calls.at(0).headers.empty());
  EXPECT_THAT(tokens_, ElementsAre(""));
}

TEST_F(ClientCommandsTest, RestartErrorsExitOne) {
  CommandRun run = Command("restart", {"x", "--token-file", "/nonexistent/token"});
  EXPECT_EQ(run.code, 2);
  EXPECT_THAT(run.err, HasSubstr("flag --token-file: cannot read token file /nonexistent/token\n"));
  EXPECT_TRUE(fake_.calls.empty());
  EXPECT_TRUE(servers_.empty()) << "nothing is called without the token asked for";

  fake_.on_post = [](const std::string&) {
    return HttpReply{401, R"({"error":{"code":"unauthorized","message":"missing or wrong token"}})"};
  };
  run = Command("restart", {"x"});
  EXPECT_EQ(run.code, 1);
  EXPECT_EQ(run.err, "Error from server (unauthorized): missing or wrong token\n");

  fake_.on_post = [](const std::string&) {
    return HttpReply{409, R"({"error":{"code":"conflict","message":"runtime \"x\" is removed"}})"};
  };
  EXPECT_EQ(Command("restart", {"x"}).err,
            "Error from server (conflict): runtime \"x\" is removed\n");
}

// x at `generation` observed up to `observed`, with lastRestart `restart`.
Json RestartingRuntime(int generation, int observed, const Json& restart) {
  Json runtime = LobbyRuntime();
  runtime["metadata"]["name"] = "x";
  runtime["metadata"]["generation"] = generation;
  runtime["status"]["observedGeneration"] = observed;
  runtime["status"]["lastRestart"] = restart;
  return runtime;
}

TEST_F(ClientCommandsTest, RestartWaitFollowsTheWatchToTheOutcome) {
  const Json before = {{"restartGeneration", 2}, {"outcome", "success"}};
  const Json after = {{"restartGeneration", 3}, {"outcome", "success"},
                      {"containerId", "feedfacecafe0000"}};
  fake_.on_get = [&](const std::string& target) {
    if (target == "/v1/runtimes/x") return HttpReply{200, RestartingRuntime(3, 3, before).dump()};
    return HttpReply{200, Json{{"items", {RestartingRuntime(4, 3, before)}}, {"revision", 11}}.dump()};
  };
  fake_.on_post = [](const std::string&) { return HttpReply{202, R"({"generation": 4})"}; };
  fake_.on_stream = [&](const std::string&) {
    return FakeApiClient::StreamScript{
        {200, ""},
        {Json{{"type", "MODIFIED"}, {"revision", 12}, {"object", RestartingRuntime(4, 4, after)}}
             .dump()}};
  };
  const CommandRun run = Command("restart", {"x", "--wait", "--timeout", "5s"});
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(run.out,
            "runtime/x restart requested (generation 4)\n"
            "runtime/x restart succeeded (restartGeneration 3, container feedfacecafe)\n");
  std::vector<std::string> targets;
  for (const auto& call : fake_.calls) targets.push_back(call.method + " " + call.target);
  EXPECT_THAT(targets, ElementsAre("GET /v1/runtimes/x", "POST /v1/runtimes/x/restart",
                                   "GET /v1/runtimes", "STREAM /v1/runtimes?watch=true&since=11"));
}

TEST_F(ClientCommandsTest, RestartWaitReportsAFailedRestartWithExitOne) {
  const Json failed = {{"restartGeneration", 3}, {"outcome", "failure"},
                       {"errorCode", "image_not_found"}};
  int gets = 0;
  fake_.on_get = [&](const std::string& target) {
    Json runtime = RestartingRuntime(4, 3, ++gets == 1 ? Json{{"restartGeneration", 2},
                                                             {"outcome", "success"}}
                                                       : failed);
    runtime["status"]["lastError"] = {{"code", "image_not_found"}, {"message", "no such image"}};
    if (target == "/v1/runtimes") {
      return HttpReply{200, Json{{"items", {runtime}}, {"revision", 3}}.dump()};
    }
    return HttpReply{200, runtime.dump()};
  };
  fake_.on_post = [](const std::string&) { return HttpReply{202, R"({"generation": 4})"}; };
  const CommandRun run = Command("restart", {"x", "--wait"});
  EXPECT_EQ(run.code, 1);
  EXPECT_EQ(run.out, "runtime/x restart requested (generation 4)\n");
  EXPECT_EQ(run.err,
            "runtime/x restart failed (restartGeneration 3): image_not_found: no such image\n");
}

TEST_F(ClientCommandsTest, WaitTimesOutWithTheLastPhase) {
  Json pending = LobbyRuntime();
  pending["metadata"]["name"] = "x";
  pending["status"]["phase"] = "Pending";
  pending["status"]["conditions"][1]["status"] = "True";
  fake_.on_get = [&](const std::string& target) {
    if (target == "/v1/runtimes") return HttpReply{200, Json{{"items", {pending}}, {"revision", 1}}.dump()};
    return HttpReply{200, pending.dump()};
  };
  const CommandRun run = Command("wait", {"x", "--timeout", "50ms"});
  EXPECT_EQ(run.code, 1);
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(run.err,
            "timed out after 50ms waiting for runtime/x to converge (last phase: Pending)\n");
}

TEST_F(ClientCommandsTest, WaitForReadyPrintsTheConditionMet) {
  fake_.on_get = [](const std::string&) {
    return HttpReply{200, Json{{"items", {LobbyRuntime()}}, {"revision", 1}}.dump()};
  };
  const CommandRun run = Command("wait", {"lobby-eu-1", "--for", "ready"});
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(run.out, "runtime/lobby-eu-1 ready\n");
  EXPECT_EQ(run.err, "");
  EXPECT_EQ(Command("wait", {"lobby-eu-1"}).out, "runtime/lobby-eu-1 converged\n");
}

TEST_F(ClientCommandsTest, ValidateExitsZeroWhenValidAndOneWithProblems) {
  const std::string good = WriteFile("good.yaml",
                                     "apiVersion: rtmanager.galaxy/v1\nkind: GameRuntime\n"
                                     "metadata:\n  name: a\nspec:\n  image: i\n");
  CommandRun run = Command("validate", {good});
  EXPECT_EQ(run.code, 0);
  EXPECT_EQ(run.out, "1 manifests valid (1 runtimes)\n");

  const std::string bad = WriteFile("bad.yaml",
                                    "apiVersion: rtmanager.galaxy/v1\nkind: GameRuntime\n"
                                    "metadata:\n  name: Bad\nspec:\n  image: i\n");
  run = Command("validate", {good, bad});
  EXPECT_EQ(run.code, 1);
  EXPECT_THAT(run.out, StartsWith(bad + ":4: metadata.name: "));
  EXPECT_EQ(run.err, "rtmanager validate: 1 problem(s) in 2 manifest(s)\n");

  run = Command("validate", {"/nonexistent/dir"});
  EXPECT_EQ(run.code, 1);
  EXPECT_EQ(run.err, "cannot read /nonexistent/dir: No such file or directory\n");
  EXPECT_TRUE(servers_.empty());
}

// validate reads manifests as `run` would with the same --allow-host-path.
TEST_F(ClientCommandsTest, ValidateTakesTheAllowedHostPaths) {
  const std::string mounted = WriteFile(
      "mounted.yaml",
      "apiVersion: rtmanager.galaxy/v1\nkind: GameRuntime\nmetadata:\n  name: a\nspec:\n"
      "  image: i\n  volumes:\n    - {name: maps, mountPath: /maps, hostPath: /srv/maps}\n");
  CommandRun run = Command("validate", {mounted});
  EXPECT_EQ(run.code, 1);
  EXPECT_THAT(run.out, HasSubstr(":8: spec.volumes[0].hostPath: \"/srv/maps\" is not under"));
  run = Command("validate", {mounted, "--allow-host-path", "/srv"});
  EXPECT_EQ(run.code, 0) << run.out;
  run = Command("validate", {mounted, "--allow-host-path", "srv"});
  EXPECT_EQ(run.code, 2);
  EXPECT_THAT(run.err, HasSubstr("--allow-host-path"));
}

// kubeconfig needs no server: it prints where the server is.
TEST_F(ClientCommandsTest, KubeconfigPrintsTheServerItWasGiven) {
  const CommandRun run = Command("kubeconfig", {"--server", "http://127.0.0.1:9999"});
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("server: \"http://127.0.0.1:9999\""));
  EXPECT_TRUE(servers_.empty());
  EXPECT_EQ(Command("kubeconfig", {"--server", "127.0.0.1:9999"}).code, 2);
}

TEST_F(ClientCommandsTest, KubeconfigOfAnHttpsServerCarriesItsCa) {
  const std::string ca_file = WriteFile("ca.pem", "-----BEGIN CERTIFICATE-----\nAA==\n");
  const CommandRun run =
      Command("kubeconfig", {"--server", "https://10.0.0.5:8443", "--ca-file", ca_file});
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("server: \"https://10.0.0.5:8443\""));
  EXPECT_THAT(run.out, HasSubstr("certificate-authority-data: "));
  EXPECT_THAT(run.out, Not(HasSubstr("insecure-skip-tls-verify")));
  const CommandRun missing = Command(
      "kubeconfig", {"--server", "https://10.0.0.5:8443", "--ca-file", "/nonexistent/ca.pem"});
  EXPECT_EQ(missing.code, 2);
  EXPECT_THAT(missing.err, HasSubstr("flag --ca-file: cannot read /nonexistent/ca.pem"));
}

TEST_F(ClientCommandsTest, TheTlsFlagsAndTheirEnvironmentReachTheConnection) {
  fake_.on_get = [](const std::string&) { return HttpReply{200, R"({"items": []})"}; };
  const std::string ca_file = WriteFile("ca.pem", "pem");
  EXPECT_EQ(Command("get", {"--server", "https://a:1", "--ca-file", ca_file}).code, 0);
  EXPECT_EQ(Command("get", {"--server", "https://a:1", "--insecure-skip-tls-verify"}).code, 0);
  env_["RTMANAGER_CA_FILE"] = ca_file;
  EXPECT_EQ(Command("get", {"--server", "https://a:1"}).code, 0);
  ASSERT_EQ(endpoints_.size(), 3u);
  EXPECT_EQ(endpoints_[0].ca_file, ca_file);
  EXPECT_FALSE(endpoints_[0].insecure_skip_tls_verify);
  EXPECT_EQ(endpoints_[1].ca_file, "");
  EXPECT_TRUE(endpoints_[1].insecure_skip_tls_verify);
  EXPECT_EQ(endpoints_[2].ca_file, ca_file) << "from $RTMANAGER_CA_FILE";
  const CommandRun unreadable = Command("get", {"--ca-file", "/nonexistent/ca.pem"});
  EXPECT_EQ(unreadable.code, 2);
  EXPECT_THAT(unreadable.err, HasSubstr("flag --ca-file: cannot read /nonexistent/ca.pem"));
}

}  // namespace
}  // namespace rtm
