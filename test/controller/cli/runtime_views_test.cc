#include "controller/cli/runtime_views.h"

#include <gtest/gtest.h>

#include "test/controller/cli/runtime_fixtures.h"

namespace rtm {
namespace {

using Json = nlohmann::json;
using testing_support::LobbyOperations;
using testing_support::LobbyRuntime;

const Timestamp kNow = *ParseRfc3339("2026-11-25T03:00:00.000Z");

TEST(FieldTextTest, ReadsStringsAndNumbersAndIgnoresTheRest) {
  const Json runtime = LobbyRuntime();
  EXPECT_EQ(FieldText(runtime, "/status/phase"), "Running");
  EXPECT_EQ(FieldText(runtime, "/metadata/generation"), "3");
  EXPECT_EQ(FieldText(runtime, "/spec/resources/cpus"), "0.5");
  EXPECT_EQ(FieldText(runtime, "/spec/env"), "");
  EXPECT_EQ(FieldText(runtime, "/status/nothing/here"), "");
  EXPECT_EQ(FieldText(runtime, "/status/phase/deeper"), "");
  EXPECT_EQ(FieldText(Json("text"), "/status"), "");
  EXPECT_EQ(FieldInt(runtime, "/status/observedGeneration"), 3);
  EXPECT_EQ(FieldInt(runtime, "/status/phase", -1), -1);
}

TEST(RuntimeAgeTest, PrefersTheReadyConditionThenTheOldestTransition) {
  Json runtime = LobbyRuntime();
  EXPECT_EQ(RuntimeAge(runtime, kNow), "5m");
  runtime["status"]["conditions"].erase(0);  // no Ready condition
  EXPECT_EQ(RuntimeAge(runtime, kNow), "1d");
  runtime["status"]["conditions"] = Json::array();
  EXPECT_EQ(RuntimeAge(runtime, kNow), "-");
  EXPECT_EQ(RuntimeAge(Json::object(), kNow), "-");
}

TEST(RuntimesTableTest, OneRowPerRuntimeWithShortIdsAndDashesForUnknowns) {
  const Json pending = Json::parse(R"({"metadata": {"name": "duel-ap-1", "generation": 1},
    "spec": {"image": "rtmanager/demo-game:1"},
    "status": {"phase": "Pending", "observedGeneration": 0, "restartCount": 0,
               "containerId": "", "conditions": []}})");
  EXPECT_EQ(RuntimesTable(Json::array({LobbyRuntime(), pending}), kNow),
            "NAME         PHASE     GEN   OBSERVED   RESTARTS   CONTAINER      IMAGE            "
            "       AGE\n"
            "lobby-eu-1   Running   3     3          1          0123456789ab   rtmanager/demo-ga"
            "me:2   5m\n"
            "duel-ap-1    Pending   1     0          0          -              rtmanager/demo-ga"
            "me:1   -\n");
}

TEST(RuntimesTableTest, WideAppendsTheNodeAndHealthWithADashOffCluster) {
  Json placed = LobbyRuntime();
  placed["status"]["nodeName"] = "node-a";
  const Json one_host = Json::parse(R"({"metadata": {"name": "duel-ap-1", "generation": 1},
    "spec": {"image": "rtmanager/demo-game:1"},
    "status": {"phase": "Unknown", "observedGeneration": 1, "restartCount": 0,
               "containerId": "", "health": "none", "conditions": []}})");
  EXPECT_EQ(RuntimesTable(Json::array({placed, one_host}), kNow, /*wide=*/true),
            "NAME         PHASE     GEN   OBSERVED   RESTARTS   CONTAINER      IMAGE            "
            "       AGE   NODE     HEALTH\n"
            "lobby-eu-1   Running   3     3          1          0123456789ab   rtmanager/demo-ga"
            "me:2   5m    node-a   healthy\n"
            "duel-ap-1    Unknown   1     1          0          -              rtmanager/demo-ga"
            "me:1   -     -        none\n");
  // The normal table does not change with a node.
  EXPECT_EQ(RuntimesTable(Json::array({placed}), kNow),
            RuntimesTable(Json::array({LobbyRuntime()}), kNow));
}

TEST(OperationsTableTest, NewestFirstAsGivenWithShortContainerIds) {
  EXPECT_EQ(OperationsTable(LobbyOperations()),
            "TIME                       KIND      SOURCE     BY             OUTCOME   CODE     "
            "      CONTAINER      SOURCE REF                MESSAGE\n"
            "2026-11-25T02:54:57.000Z   restart   rest       ops@10.0.0.5   success   -        "
            "      0123456789ab   req-42                    -\n"
            "2026-11-25T02:39:59.000Z   start     manifest   -              failure   start_fa"
            "iled   -              lobby.yaml#generation=2   port 18080 is taken\n");
}

TEST(DescribeRuntimeTest, ShowsIdentityStatusSpecConditionsAndOperations) {
  EXPECT_EQ(
      DescribeRuntime(LobbyRuntime(), LobbyOperations(), kNow),
      "Name:                lobby-eu-1\n"
      "Labels:              region=eu, tier=casual\n"
      "Source:              lobby.yaml:3\n"
      "Phase:               Running\n"
      "Generation:          3 (observed 3)\n"
      "Restart Generation:  1 in spec, 2 observed\n"
      "Container:           0123456789abcdef0123\n"
      "Image Ref:           rtmanager/demo-game:2\n"
      "Hostname:            lobby-eu-1\n"
      "Health:              healthy\n"
      "Restarts:            1\n"
      "Last Error:          start_failed: port 18080 is taken (at 2026-11-25T02:40:00.000Z "
      "(20m ago))\n"
      "Last Restart:        restartGeneration 2: success, container 0123456789ab, ref req-42, "
      "finished 2026-11-25T02:54:58.000Z (5m ago)\n"
      "Last Termination:    <none>\n"
      "Spec:\n"
      "  Image:         rtmanager/demo-game:2\n"
      "  State:         Running\n"
      "  Command:       /bin/httpd -f -p 8080\n"
      "  Env:           MAP=nebula\n"
      "  Ports:         127.0.0.1:18080->8080/tcp, 127.0.0.1:(any)->9000/udp\n"
      "  Health Check:  /bin/wget -q -O- http://127.0.0.1:8080/ (interval 2s, timeout 1s, "
      "retries 3)\n"
      "  Stop Timeout:  10s\n"
      "  Resources:     memory 256Mi, cpus 0.5\n"
      "Conditions:\n"
      "  TYPE            STATUS   REASON      LAST TRANSITION                     MESSAGE\n"
      "  Ready           True     Running     2026-11-25T02:55:00.000Z (5m ago)   -\n"
      "  Progressing     False    Converged   2026-11-25T02:54:58.000Z (5m ago)   -\n"
      "  ManifestValid   True     Valid       2026-11-24T03:00:00.000Z (1d ago)   -\n"
      "Operations (newest first):\n"
      "  TIME                       KIND      SOURCE     BY             OUTCOME   CODE     "
      "      CONTAINER      SOURCE REF                MESSAGE\n"
      "  2026-11-25T02:54:57.000Z   restart   rest       ops@10.0.0.5   success   -        "
      "      0123456789ab   req-42                    -\n"
      "  2026-11-25T02:39:59.000Z   start     manifest   -              failure   start_fa"
      "iled   -              lobby.yaml#generation=2   port 18080 is taken\n");
}

TEST(DescribeRuntimeTest, ShowsHowTheLastContainerEnded) {
  Json runtime = LobbyRuntime();
  runtime["status"]["lastTermination"] = {{"containerId", "3e1b7c0d9a2f55"},
                                          {"exitCode", 137},
                                          {"reason", "OOMKilled"},
                                          {"finishedAt", "2026-11-25T02:58:00.000Z"}};
  EXPECT_NE(DescribeRuntime(runtime, LobbyOperations(), kNow)
                .find("Last Termination:    OOMKilled (exit code 137), container "
                      "3e1b7c0d9a2f, finished 2026-11-25T02:58:00.000Z (2m ago)\n"),
            std::string::npos)
      << DescribeRuntime(runtime, LobbyOperations(), kNow);
}

TEST(DescribeRuntimeTest, ShowsTheRestartScheduleAndDisruptionBudgetWhenSet) {
  Json runtime = LobbyRuntime();
  const std::string plain = DescribeRuntime(runtime, LobbyOperations(), kNow);
  EXPECT_EQ(plain.find("Restart Schedule"), std::string::npos) << plain;
  EXPECT_EQ(plain.find("Disruption Budget"), std::string::npos) << plain;
  runtime["spec"]["restartSchedule"] = Json::parse(
      R"({"cron": "0 4 * * *", "timeZone": "Europe/Berlin",
          "warnings": [{"before": "15m"}, {"before": "1m"}]})");
  runtime["metadata"]["disruptionBudget"] =
      Json::parse(R"({"name": "eu-fleet", "maxUnavailable": "10%", "minReadySeconds": 30})");

  const std::string text = DescribeRuntime(runtime, LobbyOperations(), kNow);

  EXPECT_NE(text.find("Restart Schedule:   0 4 * * * Europe/Berlin, warnings 15m, 1m before\n"),
            std::string::npos) << text;
  EXPECT_NE(text.find("Disruption Budget:  eu-fleet (maxUnavailable 10%, minReadySeconds 30)\n"),
            std::string::npos) << text;
}

TEST(DescribeRuntimeTest, MinimalObjectShowsNoneAndUnavailableOperations) {
  const Json bare = Json::parse(R"({"metadata": {"name": "x", "generation": 1,
    "deleted": true}, "spec": {"image": "i", "command": []}, "status": {"phase": "Removed"}})");
  const std::string text =
      DescribeRuntime(bare, Fail(ErrorCode::kServiceUnavailable, "store down"), kNow);
  EXPECT_EQ(text,
            "Name:                x\n"
            "Labels:              <none>\n"
            "Source:              <none>\n"
            "Deleted:             true (the manifest no longer declares it)\n"
            "Phase:               Removed\n"
            "Generation:          1 (observed -)\n"
            "Restart Generation:  - in spec, - observed\n"
            "Container:           <none>\n"
            "Image Ref:           <none>\n"
            "Hostname:            <none>\n"
            "Health:              <none>\n"
            "Restarts:            <none>\n"
            "Last Error:          <none>\n"
            "Last Restart:        <none>\n"
            "Last Termination:    <none>\n"
            "Spec:\n"
            "  Image:         i\n"
            "  State:         <none>\n"
            "  Command:       <none>\n"
            "  Env:           <none>\n"
            "  Ports:         <none>\n"
            "  Health Check:  <none>\n"
            "  Stop Timeout:  <none>\n"
            "  Resources:     <none>\n"
            "Conditions:  <none>\n"
            "Operations:  <unavailable: store down>\n");
}

TEST(DescribeRuntimeTest, PlacementLinesFollowTheSpecOnlyWhenSet) {
  Json runtime = LobbyRuntime();
  runtime["spec"]["nodeName"] = "node-a";
  runtime["spec"]["nodeSelector"] = {{"zone", "eu-west-1a"}, {"disk", "ssd"}};
  const std::string text = DescribeRuntime(runtime, Json::array(), kNow);
  EXPECT_NE(text.find("  Resources:      memory 256Mi, cpus 0.5\n"
                      "  Node Name:      node-a\n"
                      "  Node Selector:  disk=ssd, zone=eu-west-1a\n"
                      "Conditions:\n"),
            std::string::npos)
      << text;

  runtime["spec"].erase("nodeName");
  const std::string selector_only = DescribeRuntime(runtime, Json::array(), kNow);
  EXPECT_EQ(selector_only.find("Node Name:"), std::string::npos) << selector_only;
  EXPECT_NE(selector_only.find("  Node Selector:  disk=ssd, zone=eu-west-1a\n"),
            std::string::npos)
      << selector_only;
  // Without placement (one host) neither line is shown: see the golden
  // text of ShowsIdentityStatusSpecConditionsAndOperations.
}

TEST(DescribeRuntimeTest, FailedRestartShowsItsCodeAndQuotesOddArguments) {
  Json runtime = LobbyRuntime();
  runtime["status"]["lastRestart"]["outcome"] = "failure";
  runtime["status"]["lastRestart"]["errorCode"] = "image_not_found";
  runtime["spec"]["command"] = Json::array({"/bin/sh", "-c", "echo hi", ""});
  const std::string text = DescribeRuntime(runtime, Json::array(), kNow);
  EXPECT_NE(text.find("Last Restart:        restartGeneration 2: failure (image_not_found),"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  Command:       /bin/sh -c 'echo hi' ''\n"), std::string::npos) << text;
  EXPECT_NE(text.find("Operations:  <none>\n"), std::string::npos) << text;
}

TEST(PlanTableTest, ListsActionsAndHidesConvergedGamesByDefault) {
  const Json items = Json::parse(R"([
    {"name": "arena-us-1", "actions": []},
    {"name": "lobby-eu-1", "actions": [
      {"action": "restart", "reason": "restartGeneration 0 -> 1"},
      {"action": "update", "reason": "spec.image rtmanager/demo-game:1 -> rtmanager/demo-game:2"}]}
  ])");
  EXPECT_EQ(PlanTable(items, false),
            "NAME         ACTION    REASON\n"
            "lobby-eu-1   restart   restartGeneration 0 -> 1\n"
            "lobby-eu-1   update    spec.image rtmanager/demo-game:1 -> rtmanager/demo-game:2\n");
  EXPECT_EQ(PlanTable(items, true),
            "NAME         ACTION    REASON\n"
            "arena-us-1   -         converged\n"
            "lobby-eu-1   restart   restartGeneration 0 -> 1\n"
            "lobby-eu-1   update    spec.image rtmanager/demo-game:1 -> rtmanager/demo-game:2\n");
}

TEST(PlanTableTest, AllConvergedWhenNoGameHasAnAction) {
  EXPECT_EQ(PlanTable(Json::parse(R"([{"name": "a", "actions": []}])"), false),
            "all converged\n");
  EXPECT_EQ(PlanTable(Json::array(), true), "all converged\n");
}

}  // namespace
}  // namespace rtm
