#include "reconcile/domain/game_spec.h"

#include <gtest/gtest.h>

namespace rtm {
namespace {

TEST(GameIdTest, AcceptsDnsLabels) {
  for (const std::string& id :
       std::vector<std::string>{"a", "lobby-eu-1", "0", "a1", std::string(63, 'a')}) {
    EXPECT_TRUE(IsValidGameId(id)) << id;
  }
}

TEST(GameIdTest, RejectsEverythingElse) {
  for (const std::string& id : std::vector<std::string>{"", "-a", "a-", "A", "a_b", "a.b", "a b",
                         std::string(64, 'a')}) {
    EXPECT_FALSE(IsValidGameId(id)) << id;
  }
}

TEST(ValidateGameSpecTest, NamesTheOffendingField) {
  struct Case {
    GameSpec spec;
    std::string message;
  };
  GameSpec good{.image = "img"};
  std::vector<Case> cases;
  cases.push_back({GameSpec{}, "spec.image: must not be empty"});
  GameSpec spec = good;
  spec.restart_generation = -1;
  cases.push_back({spec, "spec.restartGeneration: must be >= 0"});
  spec = good;
  spec.stop_timeout_seconds = -1;
  cases.push_back({spec, "spec.stopTimeoutSeconds: must be >= 0"});
  spec = good;
  spec.ports = {PortMapping{8080, 0}, PortMapping{0, 0}};
  cases.push_back({spec, "spec.ports[1].containerPort: must be in 1..65535"});
  spec = good;
  spec.ports = {PortMapping{8080, 0, "sctp"}};
  cases.push_back({spec, "spec.ports[0].protocol: must be tcp or udp"});
  spec = good;
  spec.health_check = HealthCheck{};
  cases.push_back({spec, "spec.healthCheck.command: must not be empty"});
  spec = good;
  spec.health_check = HealthCheck{{"true"}, 0, 1, 1};
  cases.push_back({spec, "spec.healthCheck.intervalSeconds: must be >= 1"});
  spec = good;
  spec.resources.cpus = 0;
  cases.push_back({spec, "spec.resources.cpus: must be > 0"});
  spec = good;
  spec.resources.memory_mib = 1;
  cases.push_back({spec, "spec.resources.memoryMiB: must be >= 4"});

  EXPECT_TRUE(ValidateGameSpec(good).has_value());
  for (const Case& c : cases) {
    auto result = ValidateGameSpec(c.spec);
    ASSERT_FALSE(result.has_value()) << c.message;
    EXPECT_EQ(result.error().code, ErrorCode::kInvalidRequest);
    EXPECT_EQ(result.error().message, c.message);
  }
}

}  // namespace
}  // namespace rtm
