// The Docker events stream against the real engine.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "test/controller/docker/docker_test_support.h"

namespace rtm::testing {
namespace {

using namespace std::chrono_literals;

class DockerEventsIT : public DockerIntegrationTest {
 protected:
  // Reads events of `container_id` until every action in `wanted` was seen
  // or `limit` passed; returns the actions seen.
  std::set<std::string> AwaitActions(ContainerEventStream& stream,
                                     const std::string& container_id,
                                     const std::set<std::string>& wanted,
                                     std::chrono::seconds limit = 30s) {
    std::set<std::string> seen;
    const auto give_up = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < give_up &&
           !std::includes(seen.begin(), seen.end(), wanted.begin(),
                          wanted.end())) {
      auto event = stream.Next(1s);
      if (!event) {
        ADD_FAILURE() << event.error().message;
        break;
      }
      if (!*event) continue;
      EXPECT_EQ((*event)->attributes[std::string(kTestRunLabel)], run_id_);
      if ((*event)->container_id == container_id) seen.insert((*event)->action);
    }
    return seen;
  }
};

TEST_F(DockerEventsIT, StartAndDieArriveForTheContainer) {
  auto stream = engine_.WatchEvents(RunLabels());
  ASSERT_TRUE(stream) << stream.error().message;

  const ContainerSpec spec = NewContainerSpec();
  auto id = CreateTracked(spec);
  ASSERT_TRUE(id) << id.error().message;
  ASSERT_TRUE(engine_.StartContainer(*id));
  ASSERT_TRUE(engine_.RemoveContainer(*id, /*force=*/true));

  const auto seen =
      AwaitActions(**stream, *id, {"create", "start", "die", "destroy"});
  EXPECT_TRUE(seen.contains("start"));
  EXPECT_TRUE(seen.contains("die"));
  EXPECT_TRUE(seen.contains("destroy"));
}

TEST_F(DockerEventsIT, HealthStatusKeepsTheWholeAction) {
  auto stream = engine_.WatchEvents(RunLabels());
  ASSERT_TRUE(stream) << stream.error().message;

  GameSpec game = HttpGameSpec();
  game.health_check = HealthCheck{
      {"/bin/wget", "-q", "-O-", "http://127.0.0.1:8080/"}, 1, 1, 3};
  auto id = CreateTracked(NewContainerSpec(game));
  ASSERT_TRUE(id) << id.error().message;
  ASSERT_TRUE(engine_.StartContainer(*id));

  const auto seen = AwaitActions(**stream, *id, {"health_status: healthy"});
  EXPECT_TRUE(seen.contains("health_status: healthy"));
}

TEST_F(DockerEventsIT, NextReturnsNothingWhenNothingHappens) {
  auto stream =
      engine_.WatchEvents({{std::string(kTestRunLabel), "quiet-" + run_id_}});
  ASSERT_TRUE(stream) << stream.error().message;
  auto event = (*stream)->Next(200ms);
  ASSERT_TRUE(event) << event.error().message;
  EXPECT_FALSE(*event);
}

}  // namespace
}  // namespace rtm::testing
