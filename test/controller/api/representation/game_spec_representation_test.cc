// The `spec` of the API's GameRuntime: golden JSON of every field.
#include "controller/api/representation/game_spec_representation.h"

#include <gtest/gtest.h>

#include "controller/api/representation/representation_support.h"
#include "test/controller/api/representation/representation_fixtures.h"

namespace rtm::api {
namespace {

using api_test::FullSpec;

TEST(GameSpecRepresentationTest, RendersEveryFieldIncludingTheOptionalOnes) {
  EXPECT_EQ(
      JsonText(RenderGameSpec(FullSpec())),
      R"({"command":["/bin/game","--port","8080"],"env":{"MODE":"ranked","REGION":"eu"},)"
      R"("healthCheck":{"command":["/bin/check","-q"],"intervalSeconds":5,"retries":4,"timeoutSeconds":2},)"
      R"("image":"galaxy/game:2","nodeName":"node-a",)"
      R"("nodeSelector":{"disk":"ssd","zone":"eu-west-1a"},)"
      R"("ports":[)"
      R"({"containerPort":8080,"hostIP":"127.0.0.1","hostPort":18080,"protocol":"tcp"},)"
      R"({"containerPort":9000,"hostIP":"0.0.0.0","hostPort":0,"protocol":"udp"}],)"
      R"("resources":{"cpus":1.5,"memoryMiB":512},"restartGeneration":7,"state":"Stopped",)"
      R"("stopTimeoutSeconds":15})");
}

TEST(GameSpecRepresentationTest, ARestartScheduleIsRenderedWithReadableOffsets) {
  GameSpec spec;
  spec.restart_schedule = RestartSchedule{
      .cron = "0 4 * * *",
      .time_zone = "Europe/Berlin",
      .starting_deadline_seconds = 600,
      .warnings = {{.before_seconds = 5400, .command = {"say", "soon"}}}};
  EXPECT_EQ(JsonText(RenderGameSpec(spec)["restartSchedule"]),
            R"({"cron":"0 4 * * *","startingDeadlineSeconds":600,"timeZone":"Europe/Berlin",)"
            R"("warnings":[{"before":"1h30m","command":["say","soon"],"timeoutSeconds":10}]})");
}

// Secrets are never echoed: a value whose name looks like a secret is
// redacted, and spec.secretEnv shows its files, not their content or digest.
TEST(GameSpecRepresentationTest, SecretLookingValuesAndSecretEnvAreNotShown) {
  GameSpec spec;
  spec.env = {{"MAP", "nebula"},         {"RCON_PASSWORD", "hunter2"}, {"api_token", "t0k"},
              {"STEAM_KEY", "k3y"},      {"MySecretThing", "x"}};
  spec.secret_env = {{"ADMIN_PASS", {.file = "admin", .digest = "0123abcd"}}};
  const nlohmann::json rendered = RenderGameSpec(spec);
  EXPECT_EQ(rendered["env"], (nlohmann::json{{"MAP", "nebula"},
                                             {"MySecretThing", "<redacted>"},
                                             {"RCON_PASSWORD", "<redacted>"},
                                             {"STEAM_KEY", "<redacted>"},
                                             {"api_token", "<redacted>"}}));
  EXPECT_EQ(rendered["secretEnv"], (nlohmann::json{{"ADMIN_PASS", {{"file", "admin"}}}}));
  const std::string text = JsonText(rendered);
  for (const char* secret : {"hunter2", "t0k", "k3y", "0123abcd"}) {
    EXPECT_EQ(text.find(secret), std::string::npos) << secret;
  }
}

TEST(GameSpecRepresentationTest, EmptyCollectionsArePresentAndUnsetOptionalsLeftOut) {
  EXPECT_EQ(JsonText(RenderGameSpec(GameSpec{})),
            R"({"command":[],"env":{},"image":"","ports":[],"resources":{},)"
            R"("restartGeneration":0,"state":"Running","stopTimeoutSeconds":10})");
}

TEST(GameSpecRepresentationTest, EachPlacementFieldIsLeftOutOnItsOwnWhenEmpty) {
  GameSpec pinned;
  pinned.node_name = "node-a";
  const nlohmann::json rendered_pinned = RenderGameSpec(pinned);
  EXPECT_EQ(rendered_pinned["nodeName"], "node-a");
  EXPECT_FALSE(rendered_pinned.contains("nodeSelector"));
  GameSpec selected;
  selected.node_selector = {{"topology.kubernetes.io/zone", "eu-west-1a"}};
  const nlohmann::json rendered_selected = RenderGameSpec(selected);
  EXPECT_EQ(rendered_selected["nodeSelector"],
            (nlohmann::json{{"topology.kubernetes.io/zone", "eu-west-1a"}}));
  EXPECT_FALSE(rendered_selected.contains("nodeName"));
}

TEST(GameSpecRepresentationTest, EachResourceLimitIsLeftOutOnItsOwn) {
  GameSpec memory_only;
  memory_only.resources.memory_mib = 256;
  EXPECT_EQ(RenderGameSpec(memory_only)["resources"],
            (nlohmann::json{{"memoryMiB", 256}}));
  GameSpec cpus_only;
  cpus_only.resources.cpus = 0.25;
  EXPECT_EQ(RenderGameSpec(cpus_only)["resources"],
            (nlohmann::json{{"cpus", 0.25}}));
}

TEST(GameSpecRepresentationTest, InvalidUtf8IsReplacedInTheText) {
  GameSpec spec;
  spec.image = "img:\xff";
  spec.env = {{"K\xfe", "v\xc3"}};
  spec.command = {"a\xff"};
  EXPECT_EQ(JsonText(RenderGameSpec(spec)),
            "{\"command\":[\"a\xEF\xBF\xBD\"],\"env\":{\"K\xEF\xBF\xBD\":\"v\xEF\xBF\xBD\"},"
            "\"image\":\"img:\xEF\xBF\xBD\",\"ports\":[],\"resources\":{},"
            "\"restartGeneration\":0,\"state\":\"Running\",\"stopTimeoutSeconds\":10}");
}

}  // namespace
}  // namespace rtm::api
