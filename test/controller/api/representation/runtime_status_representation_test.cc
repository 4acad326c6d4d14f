// The `status` of the API's GameRuntime: golden JSON of every field.
#include "controller/api/representation/runtime_status_representation.h"

#include <gtest/gtest.h>

#include "controller/api/representation/representation_support.h"
#include "test/controller/api/representation/representation_fixtures.h"

namespace rtm::api {
namespace {

using api_test::FullStatus;

TEST(RuntimeStatusRepresentationTest, RendersEveryFieldIncludingTheOptionalOnes) {
  EXPECT_EQ(
      JsonText(RenderRuntimeStatus(FullStatus())),
      R"({"conditions":[)"
      R"({"lastTransitionTime":"2026-11-25T02:04:36.001Z","message":"exit code 137","reason":"ContainerExited","status":"False","type":"Ready"},)"
      R"({"lastTransitionTime":"2026-11-25T02:04:34.000Z","message":"","reason":"Restarting","status":"True","type":"Progressing"},)"
      R"({"lastTransitionTime":"2026-11-25T02:00:00.000Z","message":"","reason":"","status":"Unknown","type":"ManifestValid"}],)"
      R"("containerId":"4f2c9a0d1e","health":"unhealthy","hostname":"lobby-eu-1","imageRef":"galaxy/game:2",)"
      R"("lastError":{"at":"2026-11-25T02:04:36.001Z","code":"start_failed","message":"port 18080 is already allocated"},)"
      R"("lastRestart":{"containerId":"c0ffee","errorCode":"image_not_found","finishedAt":"2026-11-25T02:04:35.456Z",)"
      R"("outcome":"failure","restartGeneration":9,"sourceRef":"req-5f1e"},)"
      R"("observedGeneration":12,"observedRestartGeneration":9,"phase":"Failed","restartCount":4})");
}

TEST(RuntimeStatusRepresentationTest, TheControllersBookkeepingIsNotRendered) {
  // The self-heal backoff and the store revision are the store's, not the API's.
  RuntimeStatusView with = FullStatus();
  RuntimeStatusView without = FullStatus();
  without.self_heal.reset();
  without.revision = 0;
  ASSERT_TRUE(with.self_heal.has_value());
  EXPECT_EQ(RenderRuntimeStatus(with), RenderRuntimeStatus(without));
}

TEST(RuntimeStatusRepresentationTest, DefaultStatusIsPendingWithoutOptionals) {
  EXPECT_EQ(JsonText(RenderRuntimeStatus(RuntimeStatusView{})),
            R"({"conditions":[],"containerId":"","health":"none","hostname":"","imageRef":"",)"
            R"("observedGeneration":0,"observedRestartGeneration":0,"phase":"Pending","restartCount":0})");
}

TEST(RuntimeStatusRepresentationTest, SuccessfulRestartHasAnEmptyErrorCode) {
  RuntimeStatusView status;
  status.last_restart = LastRestart{.restart_generation = 2, .outcome = "success",
                                    .container_id = "abc"};
  EXPECT_EQ(RenderRuntimeStatus(status)["lastRestart"]["errorCode"], "");
  EXPECT_FALSE(RenderRuntimeStatus(status).contains("lastError"));
}

TEST(RuntimeStatusRepresentationTest, EveryPhaseAndConditionStatusByItsWireName) {
  const std::pair<Phase, const char*> phases[] = {
      {Phase::kPending, "Pending"}, {Phase::kRunning, "Running"},
      {Phase::kStopped, "Stopped"}, {Phase::kFailed, "Failed"},
      {Phase::kRemoved, "Removed"}};
  for (const auto& [phase, name] : phases) {
    RuntimeStatusView status;
    status.phase = phase;
    EXPECT_EQ(RenderRuntimeStatus(status)["phase"], name);
  }
  RuntimeStatusView status = FullStatus();
  const nlohmann::json rendered = RenderRuntimeStatus(status);
  EXPECT_EQ(rendered["conditions"][0]["status"], "False");
  EXPECT_EQ(rendered["conditions"][1]["status"], "True");
  EXPECT_EQ(rendered["conditions"][2]["status"], "Unknown");
}

TEST(RuntimeStatusRepresentationTest, InvalidUtf8IsReplacedInTheText) {
  RuntimeStatusView status;
  status.last_error = LastError{ErrorCode::kInternal, "bad \xff byte",
                                api_test::At("2026-11-25T02:04:36.001Z")};
  EXPECT_NE(JsonText(RenderRuntimeStatus(status))
                .find("\"message\":\"bad \xEF\xBF\xBD byte\""),
            std::string::npos);
}

}  // namespace
}  // namespace rtm::api

namespace rtm::api {
namespace {

TEST(RuntimeStatusRepresentationTest, ClusterModeAddsTheNodeAndTheUnknownPhase) {
  RuntimeStatusView status;
  status.phase = Phase::kUnknown;
  status.node_name = "node-b";

  const std::string text = JsonText(RenderRuntimeStatus(status));

  EXPECT_NE(text.find(R"("nodeName":"node-b")"), std::string::npos) << text;
  EXPECT_NE(text.find(R"("phase":"Unknown")"), std::string::npos) << text;
}

}  // namespace
}  // namespace rtm::api
