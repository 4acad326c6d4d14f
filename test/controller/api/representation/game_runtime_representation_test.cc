// The API's GameRuntime object and the watch event that carries it: golden
// JSON of every field.
#include "controller/api/representation/game_runtime_representation.h"

#include <gtest/gtest.h>

#include "controller/api/representation/game_spec_representation.h"
#include "controller/api/representation/representation_support.h"
#include "controller/api/representation/runtime_status_representation.h"
#include "controller/api/representation/watch_event_representation.h"
#include "test/controller/api/representation/representation_fixtures.h"

namespace rtm::api {
namespace {

using api_test::FullDesired;
using api_test::FullStatus;

TEST(GameRuntimeRepresentationTest, RendersMetadataSpecAndStatus) {
  const nlohmann::json rendered = RenderGameRuntime(FullDesired(), FullStatus());
  EXPECT_EQ(JsonText(rendered["metadata"]),
            R"({"deleted":true,"generation":12,)"
            R"("labels":{"region":"eu \"west\"","tier":"casual"},)"
            R"("name":"lobby-eu-1","source":"games/lobby.yaml:31"})");
  EXPECT_EQ(rendered["apiVersion"], "rtmanager.galaxy/v1");
  EXPECT_EQ(rendered["kind"], "GameRuntime");
  EXPECT_EQ(rendered["spec"], RenderGameSpec(FullDesired().spec));
  EXPECT_EQ(rendered["status"], RenderRuntimeStatus(FullStatus()));
  EXPECT_EQ(rendered.size(), 5u);
}

TEST(GameRuntimeRepresentationTest, WithoutStatusIsPendingAndOptionalMetadataLeftOut) {
  // A runtime not reconciled yet: no labels, not deleted, no status.
  EXPECT_EQ(
      JsonText(RenderGameRuntime(
          DesiredRuntime{.name = "lobby", .spec = GameSpec{.image = "img:1"},
                         .source = {"a.yaml", 1, 3}, .generation = 2},
          std::nullopt)),
      R"({"apiVersion":"rtmanager.galaxy/v1","kind":"GameRuntime",)"
      R"("metadata":{"generation":2,"name":"lobby","source":"a.yaml:3"},)"
      R"("spec":{"command":[],"env":{},"image":"img:1","ports":[],"resources":{},)"
      R"("restartGeneration":0,"state":"Running","stopTimeoutSeconds":10},)"
      R"("status":{"conditions":[],"containerId":"","health":"none","hostname":"","imageRef":"",)"
      R"("observedGeneration":0,"observedRestartGeneration":0,"phase":"Pending","restartCount":0}})");
}

TEST(GameRuntimeRepresentationTest, TheDisruptionBudgetOfTheGameIsInItsMetadata) {
  DesiredRuntime desired = FullDesired();
  desired.disruption_budget = BudgetTerms{.name = "eu-fleet",
                                          .max_unavailable = {.value = 10, .percent = true},
                                          .min_ready_seconds = 30,
                                          .source_path = "budgets.yaml"};
  EXPECT_EQ(JsonText(RenderGameRuntime(desired, nullptr)["metadata"]["disruptionBudget"]),
            R"({"maxUnavailable":"10%","minReadySeconds":30,"name":"eu-fleet"})");
  desired.disruption_budget.reset();
  EXPECT_FALSE(RenderGameRuntime(desired, nullptr)["metadata"].contains("disruptionBudget"));
}

TEST(GameRuntimeRepresentationTest, TheControllersBookkeepingIsNotRendered) {
  // API restart counter, restart source, manifest error, document index and
  // store revision stay in the store.
  DesiredRuntime plain = FullDesired();
  plain.api_restart_count = 0;
  plain.restart_source = OpSource::kManifest;
  plain.restart_source_ref.clear();
  plain.manifest_error.clear();
  plain.source.document_index = 0;
  plain.revision = 0;
  EXPECT_EQ(RenderGameRuntime(FullDesired(), FullStatus()),
            RenderGameRuntime(plain, FullStatus()));
}

TEST(GameRuntimeRepresentationTest, InvalidUtf8IsReplacedInTheText) {
  DesiredRuntime desired{.name = "x\xff", .labels = {{"k\xfe", "v"}},
                         .source = {"a\xc3.yaml", 0, 1}};
  const std::string text = JsonText(RenderGameRuntime(desired, std::nullopt));
  EXPECT_NE(text.find("\"name\":\"x\xEF\xBF\xBD\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"labels\":{\"k\xEF\xBF\xBD\":\"v\"}"), std::string::npos) << text;
  EXPECT_NE(text.find("\"source\":\"a\xEF\xBF\xBD.yaml:1\""), std::string::npos) << text;
}

TEST(WatchEventRepresentationTest, IsTypeRevisionThenTheObjectOnOneLine) {
  const RuntimeChange change{.revision = 77,
                             .type = ChangeType::kModified,
                             .name = "lobby-eu-1",
                             .desired = std::make_shared<DesiredRuntime>(FullDesired()),
                             .status = std::make_shared<RuntimeStatusView>(FullStatus())};
  EXPECT_EQ(RenderWatchEvent(change),
            R"({"type":"MODIFIED","revision":77,"object":)" +
                JsonText(RenderGameRuntime(FullDesired(), FullStatus())) + "}");
}

TEST(WatchEventRepresentationTest, EveryTypeByItsWireNameAndAMissingStatusIsPending) {
  const std::pair<ChangeType, std::string> types[] = {
      {ChangeType::kAdded, "ADDED"},
      {ChangeType::kModified, "MODIFIED"},
      {ChangeType::kDeleted, "DELETED"}};
  for (const auto& [type, name] : types) {
    const RuntimeChange change{.revision = 5, .type = type, .name = "a",
                               .desired = std::make_shared<DesiredRuntime>(DesiredRuntime{.name = "a"})};
    const std::string line = RenderWatchEvent(change);
    EXPECT_TRUE(line.starts_with("{\"type\":\"" + name + "\",\"revision\":5,")) << line;
    EXPECT_EQ(line.find('\n'), std::string::npos);
    const nlohmann::json parsed = nlohmann::json::parse(line);
    EXPECT_EQ(parsed["object"]["status"]["phase"], "Pending");
  }
}

TEST(WatchEventRepresentationTest, InvalidUtf8IsReplaced) {
  const RuntimeChange change{.revision = 1, .type = ChangeType::kAdded, .name = "a",
                             .desired = std::make_shared<DesiredRuntime>(DesiredRuntime{.name = "a\xff"})};
  EXPECT_NE(RenderWatchEvent(change).find("\"name\":\"a\xEF\xBF\xBD\""), std::string::npos);
}

}  // namespace
}  // namespace rtm::api
