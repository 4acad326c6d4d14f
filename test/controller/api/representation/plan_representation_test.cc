// The plan of GET /v1/plan: golden JSON.
#include "controller/api/representation/plan_representation.h"

#include <gtest/gtest.h>

#include "controller/api/representation/representation_support.h"

namespace rtm::api {
namespace {

TEST(PlanRepresentationTest, RendersActionsInOrderWithTheirContainerWhenSet) {
  const std::vector<PlanItem> items{
      {"lobby", Plan{{Action{ActionKind::kRemoveContainer, "c0ffee", "extra container"},
                      Action{ActionKind::kRestart, "", "restartGeneration 0 -> 1"}}}},
      {"quiet", Plan{}}};
  EXPECT_EQ(JsonText(RenderPlan(items)),
            R"({"items":[{"actions":[)"
            R"({"action":"remove-container","containerId":"c0ffee","reason":"extra container"},)"
            R"({"action":"restart","reason":"restartGeneration 0 -> 1"}],"name":"lobby"},)"
            R"({"actions":[],"name":"quiet"}]})");
  EXPECT_EQ(JsonText(RenderPlan({})), R"({"items":[]})");
}

}  // namespace
}  // namespace rtm::api
