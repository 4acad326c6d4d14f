#include "reconcile/domain/container_spec.h"

#include <algorithm>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace rtm {
namespace {

using ::testing::ElementsAre;
using ::testing::StartsWith;

GameSpec FullSpec() {
  GameSpec spec;
  spec.image = "rtmanager/demo-game:1";
  spec.command = {"/bin/httpd", "-f", "-p", "8080"};
  spec.env = {{"MAP", "nebula"}, {"A", "1"}};
  spec.restart_generation = 7;
  spec.ports = {PortMapping{8080, 0, "tcp", "127.0.0.1"}};
  spec.health_check = HealthCheck{{"/bin/wget", "-q", "-O-", "http://127.0.0.1:8080/"}, 2, 1, 3};
  spec.stop_timeout_seconds = 1;
  spec.resources = Resources{256, 0.5};
  return spec;
}

TEST(ContainerSpecTest, MapsTheSpecAsDesignSection3Says) {
  ContainerSpec built = BuildContainerSpec({"lobby-eu-1", 4}, FullSpec(), "rtmanager");

  EXPECT_EQ(built.name, "rtm-lobby-eu-1");
  EXPECT_EQ(built.hostname, "lobby-eu-1");
  EXPECT_EQ(built.network, "rtmanager");
  EXPECT_THAT(built.network_aliases, ElementsAre("lobby-eu-1"));
  EXPECT_TRUE(built.init);
  EXPECT_EQ(built.stop_timeout_seconds, 1);
  EXPECT_THAT(built.env, ElementsAre("A=1", "MAP=nebula"));
  EXPECT_EQ(built.memory_bytes, 256LL * 1024 * 1024);
  EXPECT_EQ(built.nano_cpus, 500'000'000LL);
  EXPECT_EQ(built.labels.at("io.rtmanager.managed"), "true");
  EXPECT_EQ(built.labels.at("io.rtmanager.game"), "lobby-eu-1");
  EXPECT_EQ(built.labels.at("io.rtmanager.generation"), "4");
  EXPECT_EQ(built.labels.at("io.rtmanager.restart-generation"), "7");
  EXPECT_EQ(built.labels.at("io.rtmanager.spec-hash"), SpecHash(FullSpec()));
  EXPECT_EQ(built.labels.at("io.rtmanager.network"), "rtmanager");
  EXPECT_TRUE(IsOwned(built.labels, "rtmanager"));
  EXPECT_FALSE(IsOwned(built.labels, "another"));
  EXPECT_FALSE(IsOwned({{"io.rtmanager.network", "rtmanager"}}, "rtmanager"));
}

TEST(ContainerSpecTest, SpecHashCarriesItsSchemeVersionAndIsStable) {
  EXPECT_THAT(SpecHash(FullSpec()), StartsWith("v1-"));
  EXPECT_EQ(SpecHash(FullSpec()), SpecHash(FullSpec()));
  // Pinned: a change of this value recreates every game on upgrade, which
  // must come with a new scheme version.
  EXPECT_EQ(SpecHash(GameSpec{.image = "x"}), SpecHash(GameSpec{.image = "x"}));
  EXPECT_EQ(SpecHash(GameSpec{.image = "x"}).size(), 3u + 16u);
}

TEST(ContainerSpecTest, SecretEnvCountsThroughItsDigestOnlyWhenSet) {
  GameSpec secret = FullSpec();
  secret.secret_env = {{"RCON_PASSWORD", {.file = "rcon", .digest = "aa"}}};
  EXPECT_NE(SpecHash(secret), SpecHash(FullSpec())) << "a secret added";
  GameSpec rotated = secret;
  rotated.secret_env.at("RCON_PASSWORD").digest = "bb";
  EXPECT_NE(SpecHash(rotated), SpecHash(secret)) << "a changed secret updates";
  const ContainerSpec built = BuildContainerSpec({"lobby-eu-1", 1}, secret, "rtmanager");
  EXPECT_EQ(built.env, BuildContainerSpec({"lobby-eu-1", 1}, FullSpec(), "rtmanager").env)
      << "no value in the spec, so none in what is built from it";
  const ContainerSpec with = WithSecretValues(built, {{"A_FIRST", "1"}, {"RCON_PASSWORD", "x"}});
  EXPECT_TRUE(std::is_sorted(with.env.begin(), with.env.end()));
  EXPECT_EQ(with.env.size(), built.env.size() + 2);
}

TEST(ContainerSpecTest, SpecHashIgnoresStateAndRestartGeneration) {
  GameSpec other = FullSpec();
  other.state = DesiredState::kStopped;
  other.restart_generation = 99;
  EXPECT_EQ(SpecHash(other), SpecHash(FullSpec()));
}

TEST(ContainerSpecTest, PlacementIsNotPartOfTheContainer) {
  GameSpec placed = FullSpec();
  placed.node_name = "node-b";
  placed.node_selector = {{"zone", "eu-west-1a"}, {"disk", "ssd"}};
  GameSpec moved = placed;
  moved.node_name = "node-c";
  moved.node_selector = {{"zone", "us-east-1"}};

  // A spec written before placement existed keeps its hash: no container
  // of an upgraded controller, and none whose placement alone changes, is
  // recreated.
  EXPECT_EQ(SpecHash(placed), SpecHash(FullSpec()));
  EXPECT_EQ(SpecHash(moved), SpecHash(placed));
  EXPECT_EQ(BuildContainerSpec({"lobby-eu-1", 4}, placed, "rtmanager"),
            BuildContainerSpec({"lobby-eu-1", 4}, FullSpec(), "rtmanager"));
}

TEST(ContainerSpecTest, SpecHashChangesWithEveryRecreateRelevantField) {
  const std::string base = SpecHash(FullSpec());
  std::vector<GameSpec> variants(10, FullSpec());
  variants[0].image = "rtmanager/demo-game:2";
  variants[1].command.push_back("-v");
  variants[2].env["MAP"] = "other";
  variants[3].ports[0].host_port = 18080;
  variants[4].ports[0].protocol = "udp";
  variants[5].health_check->retries = 4;
  variants[6].health_check.reset();
  variants[7].stop_timeout_seconds = 2;
  variants[8].resources.memory_mib = 512;
  variants[9].resources.cpus = 1.0;
  for (size_t i = 0; i < variants.size(); ++i) {
    EXPECT_NE(SpecHash(variants[i]), base) << "variant " << i;
  }
}

TEST(ContainerSpecTest, FieldBoundariesDoNotCollide) {
  GameSpec a{.image = "x", .command = {"ab", "c"}};
  GameSpec b{.image = "x", .command = {"a", "bc"}};
  EXPECT_NE(SpecHash(a), SpecHash(b));
}

// spec.volumes: a named volume per game ("rtm-<game>-<name>", labelled as
// ours for the engine to create), or a bind mount of an allowed host path.
TEST(ContainerSpecTest, VolumesAreNamedPerGameOrBindMounts) {
  GameSpec spec = FullSpec();
  spec.volumes = {{.name = "world", .mount_path = "/data"},
                  {.name = "maps", .mount_path = "/maps", .read_only = true,
                   .host_path = "/srv/maps"}};
  const ContainerSpec built = BuildContainerSpec({"lobby-eu-1", 4}, spec, "rtmanager");

  ASSERT_EQ(built.mounts.size(), 2u);
  EXPECT_FALSE(built.mounts[0].bind);
  EXPECT_EQ(built.mounts[0].source, "rtm-lobby-eu-1-world");
  EXPECT_EQ(built.mounts[0].target, "/data");
  EXPECT_FALSE(built.mounts[0].read_only);
  EXPECT_EQ(built.mounts[0].volume_labels,
            (std::map<std::string, std::string>{{"io.rtmanager.managed", "true"},
                                                {"io.rtmanager.volume-of", "lobby-eu-1"},
                                                {"io.rtmanager.network", "rtmanager"}}));
  EXPECT_TRUE(built.mounts[1].bind);
  EXPECT_EQ(built.mounts[1].source, "/srv/maps");
  EXPECT_TRUE(built.mounts[1].read_only);
  EXPECT_TRUE(built.mounts[1].volume_labels.empty());
  EXPECT_THAT(NamedVolumesOf("lobby-eu-1", spec), ElementsAre("rtm-lobby-eu-1-world"));
}

// A volume change recreates the container; the reclaim policy (what
// happens at removal) does not; a spec without volumes keeps the hash it
// had before volumes existed.
TEST(ContainerSpecTest, VolumesArePartOfTheHashTheReclaimPolicyIsNot) {
  EXPECT_EQ(SpecHash(GameSpec{.image = "x"}), "v1-4e4d8f0b81ec5b2e");
  GameSpec with = FullSpec();
  with.volumes = {{.name = "world", .mount_path = "/data"}};
  EXPECT_NE(SpecHash(with), SpecHash(FullSpec()));
  GameSpec moved = with;
  moved.volumes[0].mount_path = "/save";
  EXPECT_NE(SpecHash(moved), SpecHash(with));
  GameSpec read_only = with;
  read_only.volumes[0].read_only = true;
  EXPECT_NE(SpecHash(read_only), SpecHash(with));
  GameSpec deleting = with;
  deleting.volume_reclaim_policy = VolumeReclaimPolicy::kDelete;
  EXPECT_EQ(SpecHash(deleting), SpecHash(with));
}

// A stop signal is set on the container when it is created, so a change of
// it recreates the container; preStop and drain run around the container
// and are not part of it. Unset, the hash is the one before they existed.
TEST(ContainerSpecTest, StopSignalIsPartOfTheHashPreStopAndDrainAreNot) {
  GameSpec plain{.image = "x"};
  GameSpec hooked = plain;
  hooked.pre_stop = ExecHook{.command = {"save"}};
  hooked.drain = DrainPolicy{.command = {"empty"}};
  EXPECT_EQ(SpecHash(hooked), "v1-4e4d8f0b81ec5b2e");
  GameSpec signalled = plain;
  signalled.stop_signal = "SIGINT";
  EXPECT_NE(SpecHash(signalled), SpecHash(plain));
  EXPECT_EQ(BuildContainerSpec({"g", 1}, signalled, "net").stop_signal, "SIGINT");
  EXPECT_EQ(BuildContainerSpec({"g", 1}, plain, "net").stop_signal, "");
}

}  // namespace
}  // namespace rtm
