#include "controller/cli/runtime_wait.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/cli/runtime_views.h"
#include "test/controller/cli/fake_api_client.h"

namespace rtm {
namespace {

using Json = nlohmann::json;
using testing_support::FakeApiClient;
using ::testing::ElementsAre;

Json Runtime(const std::string& name, int generation, int observed,
             const std::string& progressing = "False", const std::string& ready = "True",
             const std::string& phase = "Running") {
  return Json{{"metadata", {{"name", name}, {"generation", generation}}},
              {"status",
               {{"phase", phase},
                {"observedGeneration", observed},
                {"conditions",
                 {{{"type", "Ready"}, {"status", ready}},
                  {{"type", "Progressing"}, {"status", progressing}}}}}}};
}

std::string ListBody(int revision, const std::vector<Json>& items) {
  return Json{{"items", items}, {"revision", revision}}.dump();
}

std::string Event(const std::string& type, const Json& object) {
  return Json{{"type", type}, {"revision", 1}, {"object", object}}.dump();
}

WaitCheck Converged() {
  return [](const Json& runtime) {
    return IsConverged(runtime) ? WaitVerdict::kMet : WaitVerdict::kPending;
  };
}

WaitOptions Options(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  return WaitOptions{.deadline = std::chrono::steady_clock::now() + timeout,
                     .poll_interval = std::chrono::milliseconds(1)};
}

std::vector<std::string> Targets(const FakeApiClient& client) {
  std::vector<std::string> targets;
  for (const auto& call : client.calls) targets.push_back(call.method + " " + call.target);
  return targets;
}

TEST(WaitConditionsTest, ConvergedNeedsTheGenerationObservedAndProgressingFalse) {
  EXPECT_TRUE(IsConverged(Runtime("x", 3, 3)));
  EXPECT_TRUE(IsConverged(Runtime("x", 3, 4)));
  EXPECT_FALSE(IsConverged(Runtime("x", 3, 2)));
  EXPECT_FALSE(IsConverged(Runtime("x", 3, 3, "True")));
  EXPECT_FALSE(IsConverged(Json::object()));
}

TEST(WaitConditionsTest, ReadyNeedsReadyTrue) {
  EXPECT_TRUE(IsReady(Runtime("x", 1, 0, "True", "True")));
  EXPECT_FALSE(IsReady(Runtime("x", 1, 1, "False", "False")));
  EXPECT_FALSE(IsReady(Json::object()));
}

TEST(RestartVerdictTest, MetOnceTheGenerationIsObserved) {
  EXPECT_EQ(RestartVerdict(Runtime("x", 4, 3), 4, -1), WaitVerdict::kPending);
  EXPECT_EQ(RestartVerdict(Runtime("x", 4, 4), 4, -1), WaitVerdict::kMet);
}

TEST(RestartVerdictTest, FailedOnANewerFailedRestartOnly) {
  Json runtime = Runtime("x", 4, 3);
  runtime["status"]["lastRestart"] = {{"restartGeneration", 2}, {"outcome", "failure"}};
  EXPECT_EQ(RestartVerdict(runtime, 4, 2), WaitVerdict::kPending);  // the old one
  EXPECT_EQ(RestartVerdict(runtime, 4, 1), WaitVerdict::kFailed);
  runtime["status"]["lastRestart"]["outcome"] = "success";
  EXPECT_EQ(RestartVerdict(runtime, 4, 1), WaitVerdict::kPending);
}

TEST(DescribeRestartOutcomeTest, SuccessFailureAndNothingRecorded) {
  Json runtime = Runtime("x", 4, 4);
  runtime["status"]["lastRestart"] = {{"restartGeneration", 3},
                                      {"outcome", "success"},
                                      {"containerId", "0123456789abcdef"}};
  RestartOutcome outcome = DescribeRestartOutcome("x", runtime, 4, 2);
  EXPECT_TRUE(outcome.succeeded);
  EXPECT_EQ(outcome.text,
            "runtime/x restart succeeded (restartGeneration 3, container 0123456789ab)");

  runtime["status"]["lastRestart"]["outcome"] = "failure";
  runtime["status"]["lastRestart"]["errorCode"] = "start_failed";
  runtime["status"]["lastError"] = {{"code", "start_failed"}, {"message", "port taken"}};
  outcome = DescribeRestartOutcome("x", runtime, 4, 2);
  EXPECT_FALSE(outcome.succeeded);
  EXPECT_EQ(outcome.text,
            "runtime/x restart failed (restartGeneration 3): start_failed: port taken");

  outcome = DescribeRestartOutcome("x", runtime, 4, 3);
  EXPECT_TRUE(outcome.succeeded);
  EXPECT_EQ(outcome.text,
            "runtime/x observed generation 4; no restart outcome recorded (phase Running)");
}

TEST(WaitProgressLineTest, ShowsPhaseGenerationsAndConditions) {
  EXPECT_EQ(WaitProgressLine("x", Runtime("x", 3, 2, "True", "False", "Pending")),
            "runtime/x: phase Pending, generation 2/3, Ready False, Progressing True");
  EXPECT_EQ(WaitProgressLine("x", Json::object()),
            "runtime/x: phase , generation /, Ready Unknown, Progressing Unknown");
}

TEST(WaitForRuntimeTest, MetAlreadyInTheListNeedsNoWatch) {
  FakeApiClient client;
  client.on_get = [](const std::string&) {
    return HttpReply{200, ListBody(5, {Runtime("a", 1, 1), Runtime("x", 2, 2)})};
  };
  auto result = WaitForRuntime(client, "x", Converged(), Options());
  ASSERT_TRUE(result.has_value()) << result.error().message;
  EXPECT_EQ(result->kind, WaitResult::Kind::kMet);
  EXPECT_EQ(FieldText(result->last, "/metadata/name"), "x");
  EXPECT_THAT(Targets(client), ElementsAre("GET /v1/runtimes"));
}

TEST(WaitForRuntimeTest, FollowsTheWatchStreamFromTheListRevision) {
  FakeApiClient client;
  client.on_get = [](const std::string&) {
    return HttpReply{200, ListBody(7, {Runtime("x", 2, 1, "True")})};
  };
  client.on_stream = [](const std::string&) {
    return FakeApiClient::StreamScript{
        {200, ""},
        {Event("MODIFIED", Runtime("other", 1, 1)), "",
         Event("MODIFIED", Runtime("x", 2, 1, "True")),
         Event("MODIFIED", Runtime("x", 2, 2, "False")),
         Event("MODIFIED", Runtime("x", 3, 2, "True"))}};
  };
  std::vector<int> observed;
  WaitOptions options = Options();
  options.on_seen = [&](const Json& runtime) {
    observed.push_back(static_cast<int>(FieldInt(runtime, "/status/observedGeneration")));
  };
  auto result = WaitForRuntime(client, "x", Converged(), options);
  ASSERT_TRUE(result.has_value()) << result.error().message;
  EXPECT_EQ(result->kind, WaitResult::Kind::kMet);
  EXPECT_EQ(FieldInt(result->last, "/status/observedGeneration"), 2);
  EXPECT_THAT(observed, ElementsAre(1, 1, 2));
  EXPECT_THAT(Targets(client),
              ElementsAre("GET /v1/runtimes", "STREAM /v1/runtimes?watch=true&since=7"));
}

TEST(WaitForRuntimeTest, RelistsAndWatchesAgainAfterGone) {
  FakeApiClient client;
  int lists = 0;
  client.on_get = [&](const std::string&) {
    ++lists;
    return HttpReply{200, ListBody(lists == 1 ? 7 : 9, {Runtime("x", 2, 1, "True")})};
  };
  client.on_stream = [](const std::string& target) {
    if (target.ends_with("since=7")) {
      return FakeApiClient::StreamScript{
          {410, R"({"error":{"code":"expired","message":"revision 7 is too old"}})"}, {}};
    }
    return FakeApiClient::StreamScript{{200, ""}, {Event("MODIFIED", Runtime("x", 2, 2))}};
  };
  auto result = WaitForRuntime(client, "x", Converged(), Options());
  ASSERT_TRUE(result.has_value()) << result.error().message;
  EXPECT_EQ(result->kind, WaitResult::Kind::kMet);
  EXPECT_THAT(Targets(client),
              ElementsAre("GET /v1/runtimes", "STREAM /v1/runtimes?watch=true&since=7",
                          "GET /v1/runtimes", "STREAM /v1/runtimes?watch=true&since=9"));
}

TEST(WaitForRuntimeTest, PollsWhenTheServerAnswersTheWatchWithAList) {
  FakeApiClient client;
  int polls = 0;
  client.on_get = [&](const std::string& target) {
    if (target == "/v1/runtimes") {
      return HttpReply{200, ListBody(7, {Runtime("x", 2, 1, "True")})};
    }
    ++polls;
    return HttpReply{200, Runtime("x", 2, polls < 3 ? 1 : 2, polls < 3 ? "True" : "False")
                              .dump()};
  };
  client.on_stream = [](const std::string&) {
    return FakeApiClient::StreamScript{{200, ""}, {ListBody(7, {Runtime("x", 2, 1)})}};
  };
  auto result = WaitForRuntime(client, "x", Converged(), Options());
  ASSERT_TRUE(result.has_value()) << result.error().message;
  EXPECT_EQ(result->kind, WaitResult::Kind::kMet);
  EXPECT_EQ(polls, 3);
  EXPECT_EQ(client.CountCalls("STREAM"), 1u);
  EXPECT_EQ(client.calls.back().target, "/v1/runtimes/x");
}

TEST(WaitForRuntimeTest, PollsWhenTheWatchEndpointIsMissing) {
  FakeApiClient client;
  client.on_get = [](const std::string& target) {
    if (target == "/v1/runtimes") return HttpReply{200, ListBody(7, {Runtime("x", 2, 1)})};
    return HttpReply{200, Runtime("x", 2, 2).dump()};
  };
  client.on_stream = [](const std::string&) {
    return FakeApiClient::StreamScript{{404, FakeApiClient::NotFoundBody()}, {}};
  };
  auto result = WaitForRuntime(client, "x", Converged(), Options());
  ASSERT_TRUE(result.has_value()) << result.error().message;
  EXPECT_EQ(result->kind, WaitResult::Kind::kMet);
  EXPECT_THAT(Targets(client),
              ElementsAre("GET /v1/runtimes", "STREAM /v1/runtimes?watch=true&since=7",
                          "GET /v1/runtimes/x"));
}

TEST(WaitForRuntimeTest, TimesOutWithTheLastVersionSeen) {
  FakeApiClient client;
  client.on_get = [](const std::string& target) {
    if (target == "/v1/runtimes") {
      return HttpReply{200, ListBody(1, {Runtime("x", 2, 1, "True", "False", "Pending")})};
    }
    return HttpReply{200, Runtime("x", 2, 1, "True", "False", "Failed").dump()};
  };
  const auto started = std::chrono::steady_clock::now();
  auto result = WaitForRuntime(client, "x", Converged(), Options(std::chrono::milliseconds(60)));
  ASSERT_TRUE(result.has_value()) << result.error().message;
  EXPECT_EQ(result->kind, WaitResult::Kind::kTimedOut);
  EXPECT_EQ(FieldText(result->last, "/status/phase"), "Failed");
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(60));
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
}

TEST(WaitForRuntimeTest, DeletedEventEndsTheWait) {
  FakeApiClient client;
  client.on_get = [](const std::string&) {
    return HttpReply{200, ListBody(3, {Runtime("x", 2, 1, "True")})};
  };
  client.on_stream = [](const std::string&) {
    return FakeApiClient::StreamScript{{200, ""}, {Event("DELETED", Runtime("x", 3, 1))}};
  };
  auto result = WaitForRuntime(client, "x", Converged(), Options());
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->kind, WaitResult::Kind::kDeleted);
}

TEST(WaitForRuntimeTest, RuntimeNotDeclaredYetIsWaitedForUntilTheDeadline) {
  FakeApiClient client;
  client.on_get = [](const std::string& target) {
    if (target == "/v1/runtimes") return HttpReply{200, ListBody(3, {})};
    return HttpReply{404, R"({"error":{"code":"not_found","message":"runtime \"x\" not found"}})"};
  };
  auto result = WaitForRuntime(client, "x", Converged(), Options(std::chrono::milliseconds(50)));
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->kind, WaitResult::Kind::kTimedOut);
  EXPECT_EQ(result->last_problem,
            "Error from server (not_found): runtime \"x\" not found");
}

TEST(WaitForRuntimeTest, RuntimeDeclaredWhileWaitingIsFollowed) {
  FakeApiClient client;
  int gets = 0;
  client.on_get = [&gets](const std::string& target) {
    if (target == "/v1/runtimes") return HttpReply{200, ListBody(3, {})};
    if (++gets < 3) {
      return HttpReply{404, R"({"error":{"code":"not_found","message":"not found"}})"};
    }
    return HttpReply{200, Runtime("x", 2, 2).dump()};
  };
  auto result = WaitForRuntime(client, "x", Converged(), Options());
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->kind, WaitResult::Kind::kMet);
}

TEST(WaitForRuntimeTest, UnreachableServerAtTheStartIsAnError) {
  FakeApiClient client;
  client.on_get = [](const std::string&) -> Expected<HttpReply> {
    return Fail(ErrorCode::kServiceUnavailable, "cannot reach rtmanager at http://fake:8088: refused");
  };
  auto result = WaitForRuntime(client, "x", Converged(), Options());
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().message, "cannot reach rtmanager at http://fake:8088: refused");
}

TEST(WaitForRuntimeTest, KeepsPollingThroughALostConnectionAndRemembersIt) {
  FakeApiClient client;
  int polls = 0;
  client.on_get = [&](const std::string& target) -> Expected<HttpReply> {
    if (target == "/v1/runtimes") return HttpReply{200, ListBody(2, {Runtime("x", 2, 1, "True")})};
    if (++polls < 3) return Fail(ErrorCode::kServiceUnavailable, "cannot reach rtmanager: reset");
    return HttpReply{200, Runtime("x", 2, 2).dump()};
  };
  client.on_stream = [](const std::string&) -> Expected<FakeApiClient::StreamScript> {
    return Fail(ErrorCode::kServiceUnavailable, "cannot reach rtmanager: refused");
  };
  auto result = WaitForRuntime(client, "x", Converged(), Options());
  ASSERT_TRUE(result.has_value()) << result.error().message;
  EXPECT_EQ(result->kind, WaitResult::Kind::kMet);
  EXPECT_EQ(result->last_problem, "cannot reach rtmanager: reset");
}

}  // namespace
}  // namespace rtm
