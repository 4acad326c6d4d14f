#include "reconcile/domain/game_spec.h"

#include <gmock/gmock.h>
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

TEST(NodeNameTest, FollowsTheGameIdRule) {
  for (const std::string& name :
       std::vector<std::string>{"node-a", "n1", "0", std::string(63, 'n')}) {
    EXPECT_TRUE(IsValidNodeName(name)) << name;
  }
  for (const std::string& name : std::vector<std::string>{
           "", "Node-A", "node_a", "node.a", "-node", "node-",
           std::string(64, 'n')}) {
    EXPECT_FALSE(IsValidNodeName(name)) << name;
  }
}

TEST(NodeSelectorTest, KeysAndValuesAreLabelLikeText) {
  for (const std::string& key : std::vector<std::string>{
           "zone", "Zone_1", "topology.kubernetes.io/zone", "a-b", "-",
           std::string(253, 'k')}) {
    EXPECT_TRUE(IsValidNodeSelectorKey(key)) << key;
  }
  for (const std::string& key : std::vector<std::string>{
           "", "a b", "a=b", "a:b", "zone\n", "\xc3\xa9t\xc3\xa9",
           std::string(254, 'k')}) {
    EXPECT_FALSE(IsValidNodeSelectorKey(key)) << key;
  }
  EXPECT_TRUE(IsValidNodeSelectorValue("eu-west-1a"));
  EXPECT_TRUE(IsValidNodeSelectorValue(std::string(63, 'v')));
  EXPECT_FALSE(IsValidNodeSelectorValue(std::string(64, 'v')));
  EXPECT_FALSE(IsValidNodeSelectorValue(""));
  EXPECT_FALSE(IsValidNodeSelectorValue("eu west"));
  EXPECT_EQ(NodeSelectorEntryPath("topology.kubernetes.io/zone"),
            "spec.nodeSelector[\"topology.kubernetes.io/zone\"]");
}

TEST(ValidateGameSpecTest, PlacementIsOptionalAndValidWhenSet) {
  GameSpec spec{.image = "img"};
  EXPECT_TRUE(ValidateGameSpec(spec).has_value());
  spec.node_name = "node-a";
  spec.node_selector = {{"zone", "eu-west-1a"}, {"disk/type", "SSD"}};
  EXPECT_TRUE(ValidateGameSpec(spec).has_value());
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
  spec = good;
  spec.node_name = "Node_A";
  cases.push_back({spec,
                   "spec.nodeName: must be a DNS label "
                   "(^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$)"});
  spec = good;
  spec.node_selector = {{"zone", "eu"}, {"tier", ""}};
  cases.push_back({spec,
                   "spec.nodeSelector[\"tier\"]: must be 1..63 characters of "
                   "[A-Za-z0-9._/-]"});
  spec = good;
  spec.node_selector = {{"zone", std::string(64, 'v')}};
  cases.push_back({spec,
                   "spec.nodeSelector[\"zone\"]: must be 1..63 characters of "
                   "[A-Za-z0-9._/-]"});
  spec = good;
  spec.node_selector = {{"my zone", "eu"}};
  cases.push_back({spec,
                   "spec.nodeSelector[\"my zone\"]: key must be 1..253 "
                   "characters of [A-Za-z0-9._/-]"});

  EXPECT_TRUE(ValidateGameSpec(good).has_value());
  for (const Case& c : cases) {
    auto result = ValidateGameSpec(c.spec);
    ASSERT_FALSE(result.has_value()) << c.message;
    EXPECT_EQ(result.error().code, ErrorCode::kInvalidRequest);
    EXPECT_EQ(result.error().message, c.message);
  }
}

TEST(ValidateGameSpecTest, VolumesNeedUniqueNamesAndCleanPaths) {
  GameSpec spec{.image = "x"};
  spec.volumes = {{.name = "world", .mount_path = "/data"},
                  {.name = "maps", .mount_path = "/maps", .host_path = "/srv/maps"}};
  EXPECT_TRUE(ValidateGameSpec(spec).has_value());

  const auto error_of = [](GameSpec bad) { return ValidateGameSpec(bad).error().message; };
  GameSpec bad = spec;
  bad.volumes[1].name = "world";
  EXPECT_EQ(error_of(bad), "spec.volumes[1].name: \"world\" is already spec.volumes[0].name");
  bad = spec;
  bad.volumes[1].mount_path = "/data";
  EXPECT_EQ(error_of(bad),
            "spec.volumes[1].mountPath: \"/data\" is already mounted by spec.volumes[0]");
  bad = spec;
  bad.volumes[0].name = "World_1";
  EXPECT_THAT(error_of(bad), ::testing::StartsWith("spec.volumes[0].name: must be a DNS label"));
  for (const std::string path : {"data", "/data/", "/a/../b", "/", "/a//b", "/a/./b"}) {
    bad = spec;
    bad.volumes[0].mount_path = path;
    EXPECT_THAT(error_of(bad), ::testing::StartsWith("spec.volumes[0].mountPath:")) << path;
  }
  bad = spec;
  bad.volumes[1].host_path = "/srv/../etc";
  EXPECT_THAT(error_of(bad), ::testing::StartsWith("spec.volumes[1].hostPath:"));
}

TEST(HostPathTest, PrefixesMatchWholeComponents) {
  EXPECT_TRUE(IsCleanAbsolutePath("/"));
  EXPECT_TRUE(IsCleanAbsolutePath("/srv/games"));
  EXPECT_FALSE(IsCleanAbsolutePath("srv"));
  EXPECT_FALSE(IsCleanAbsolutePath("/srv/"));
  EXPECT_FALSE(IsCleanAbsolutePath("/srv/../etc"));
  EXPECT_TRUE(IsUnderPrefix("/srv/games/eu", "/srv/games"));
  EXPECT_TRUE(IsUnderPrefix("/srv/games", "/srv/games"));
  EXPECT_FALSE(IsUnderPrefix("/srv/gamesx", "/srv/games"));
  EXPECT_FALSE(IsUnderPrefix("/srv/gam", "/srv/games"));
  EXPECT_TRUE(IsUnderPrefix("/anything", "/"));
}

TEST(ValidateGameSpecTest, MaxConsecutiveFailuresIsAtLeastOne) {
  GameSpec spec{.image = "x"};
  spec.max_consecutive_failures = 1;
  EXPECT_TRUE(ValidateGameSpec(spec).has_value());
  spec.max_consecutive_failures = 0;
  EXPECT_EQ(ValidateGameSpec(spec).error().message, "spec.maxConsecutiveFailures: must be >= 1");
}

TEST(ValidateGameSpecTest, StopSignalPreStopAndDrainNameTheirField) {
  GameSpec spec{.image = "x"};
  spec.stop_signal = "SIGINT";
  spec.pre_stop = ExecHook{.command = {"save"}, .timeout_seconds = 1};
  spec.drain = DrainPolicy{.command = {"empty"}, .period_seconds = 1,
                           .max_wait_seconds = 0, .timeout_seconds = 1};
  EXPECT_TRUE(ValidateGameSpec(spec).has_value());

  auto message = [](GameSpec changed) { return ValidateGameSpec(changed).error().message; };
  GameSpec bad = spec;
  bad.stop_signal = "TERM";
  EXPECT_EQ(message(bad), "spec.stopSignal: " + std::string(kStopSignalRule));
  bad = spec;
  bad.pre_stop->command.clear();
  EXPECT_EQ(message(bad), "spec.preStop.command: must not be empty");
  bad = spec;
  bad.pre_stop->timeout_seconds = 0;
  EXPECT_EQ(message(bad), "spec.preStop.timeoutSeconds: must be >= 1");
  bad = spec;
  bad.drain->command.clear();
  EXPECT_EQ(message(bad), "spec.drain.command: must not be empty");
  bad = spec;
  bad.drain->period_seconds = 0;
  EXPECT_EQ(message(bad), "spec.drain.periodSeconds: must be >= 1");
  bad = spec;
  bad.drain->max_wait_seconds = -1;
  EXPECT_EQ(message(bad), "spec.drain.maxWaitSeconds: must be >= 0");
  bad = spec;
  bad.drain->timeout_seconds = 0;
  EXPECT_EQ(message(bad), "spec.drain.timeoutSeconds: must be >= 1");
}

TEST(StopSignalTest, KnowsTheSignalsGameServersStopOn) {
  for (const char* name : {"SIGTERM", "SIGINT", "SIGQUIT", "SIGHUP", "SIGUSR1",
                           "SIGUSR2", "SIGWINCH", "SIGPWR", "SIGKILL"}) {
    EXPECT_TRUE(IsKnownStopSignal(name)) << name;
  }
  EXPECT_FALSE(IsKnownStopSignal("sigterm"));
  EXPECT_FALSE(IsKnownStopSignal("15"));
  EXPECT_FALSE(IsKnownStopSignal(""));
}

}  // namespace
}  // namespace rtm
