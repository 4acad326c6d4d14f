// The validation rules of docs/contract.md §2, one by one: each problem's field path,
// message and line.
#include "controller/manifests/manifest_parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test/controller/manifests/manifest_test_support.h"

namespace rtm {
namespace {

using manifest_test::kMinimalYaml;
using manifest_test::kPath;
using manifest_test::Parse;
using manifest_test::Problem;
using manifest_test::WithSpec;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::SizeIs;

std::vector<ManifestProblem> ProblemsOf(std::string_view content) {
  ParsedManifestFile file = Parse(content);
  if (!file.ok()) {
    EXPECT_THAT(file.runtimes, IsEmpty());
  }
  return file.problems;
}

GameSpec SpecOf(std::string_view content) {
  ParsedManifestFile file = Parse(content);
  EXPECT_THAT(file.problems, IsEmpty());
  EXPECT_THAT(file.runtimes, SizeIs(1));
  return file.runtimes.empty() ? GameSpec{} : file.runtimes[0].spec;
}

TEST(ManifestParserTest, MinimalManifestGetsEveryDefault) {
  ParsedManifestFile file = Parse(kMinimalYaml);
  ASSERT_TRUE(file.ok());
  ASSERT_THAT(file.runtimes, SizeIs(1));
  const ParsedRuntime& runtime = file.runtimes[0];
  EXPECT_EQ(runtime.name, "lobby-eu-1");
  EXPECT_THAT(runtime.labels, IsEmpty());
  EXPECT_EQ(runtime.source,
            (ManifestSource{
                .path = "games/lobby.yaml", .document_index = 0, .line = 1}));
  GameSpec expected;
  expected.image = "galaxy/game:1";
  EXPECT_EQ(runtime.spec, expected);
  EXPECT_EQ(runtime.spec.state, DesiredState::kRunning);
  EXPECT_EQ(runtime.spec.restart_generation, 0);
  EXPECT_EQ(runtime.spec.stop_timeout_seconds, 10);
  EXPECT_FALSE(runtime.spec.health_check.has_value());
  EXPECT_FALSE(runtime.spec.resources.memory_mib.has_value());
  EXPECT_FALSE(runtime.spec.resources.cpus.has_value());
}

TEST(ManifestParserTest, FullManifestIsDecodedFieldByField) {
  ParsedManifestFile file = Parse(
      "apiVersion: rtmanager.galaxy/v1\n"
      "kind: GameRuntime\n"
      "metadata:\n"
      "  name: lobby-eu-1\n"
      "  labels: {tier: casual, shard: 7}\n"
      "spec:\n"
      "  image: galaxy/game:1\n"
      "  command: [\"/bin/httpd\", \"-f\", \"-p\", \"8080\"]\n"
      "  env: {MAP: nebula, PLAYERS: 16, DEBUG: false, RATIO: 0.50}\n"
      "  state: Stopped\n"
      "  restartGeneration: 4\n"
      "  ports:\n"
      "    - {containerPort: 8080, hostPort: 18080, protocol: tcp}\n"
      "    - {containerPort: 9000, protocol: udp, hostIP: \"::1\"}\n"
      "  healthCheck:\n"
      "    command: [\"/bin/wget\", \"-q\", \"http://127.0.0.1:8080/\"]\n"
      "    intervalSeconds: 2\n"
      "    timeoutSeconds: 1\n"
      "    retries: 0\n"
      "  stopTimeoutSeconds: 0\n"
      "  resources: {memoryMiB: 256, cpus: 0.5}\n");
  ASSERT_THAT(file.problems, IsEmpty());
  ASSERT_THAT(file.runtimes, SizeIs(1));
  EXPECT_THAT(file.runtimes[0].labels,
              ElementsAre(Pair("shard", "7"), Pair("tier", "casual")));
  GameSpec expected;
  expected.image = "galaxy/game:1";
  expected.command = {"/bin/httpd", "-f", "-p", "8080"};
  expected.env = {{"MAP", "nebula"},
                  {"PLAYERS", "16"},
                  {"DEBUG", "false"},
                  {"RATIO", "0.50"}};
  expected.state = DesiredState::kStopped;
  expected.restart_generation = 4;
  expected.ports = {
      PortMapping{.container_port = 8080, .host_port = 18080},
      PortMapping{.container_port = 9000, .protocol = "udp", .host_ip = "::1"}};
  expected.health_check =
      HealthCheck{.command = {"/bin/wget", "-q", "http://127.0.0.1:8080/"},
                  .interval_seconds = 2,
                  .timeout_seconds = 1,
                  .retries = 0};
  expected.stop_timeout_seconds = 0;
  expected.resources = Resources{.memory_mib = 256, .cpus = 0.5};
  EXPECT_EQ(file.runtimes[0].spec, expected);
}

TEST(ManifestParserTest, PortAndHealthCheckDefaults) {
  GameSpec spec =
      SpecOf(WithSpec("  ports:\n"
                      "    - containerPort: 8080\n"
                      "  healthCheck:\n"
                      "    command: [/bin/true]\n"));
  EXPECT_THAT(spec.ports, ElementsAre(PortMapping{.container_port = 8080,
                                                  .host_port = 0,
                                                  .protocol = "tcp",
                                                  .host_ip = "127.0.0.1"}));
  EXPECT_EQ(spec.health_check, (HealthCheck{.command = {"/bin/true"},
                                            .interval_seconds = 30,
                                            .timeout_seconds = 30,
                                            .retries = 3}));
}

TEST(ManifestParserTest, ExplicitNullIsTheSameAsAbsent) {
  GameSpec spec =
      SpecOf(WithSpec("  stopTimeoutSeconds:\n"
                      "  env: ~\n"
                      "  state: null\n"));
  EXPECT_EQ(spec.stop_timeout_seconds, 10);
  EXPECT_EQ(spec.state, DesiredState::kRunning);
  EXPECT_THAT(spec.env, IsEmpty());
}

TEST(ManifestParserTest, UnknownFieldsAreReportedAtEveryLevel) {
  EXPECT_THAT(
      ProblemsOf("apiVersion: rtmanager.galaxy/v1\n"
                 "kind: GameRuntime\n"
                 "status: {}\n"
                 "metadata:\n"
                 "  name: lobby-eu-1\n"
                 "  namespace: games\n"
                 "spec:\n"
                 "  image: galaxy/game:1\n"
                 "  replicas: 2\n"
                 "  ports:\n"
                 "    - {containerPort: 80, hostport: 80}\n"
                 "  healthCheck:\n"
                 "    command: [/bin/true]\n"
                 "    interval: 5\n"
                 "  resources: {memory: 64}\n"),
      ElementsAre(Problem(3, "status", "unknown field"),
                  Problem(6, "metadata.namespace", "unknown field"),
                  Problem(9, "spec.replicas", "unknown field"),
                  Problem(11, "spec.ports[0].hostport", "unknown field"),
                  Problem(14, "spec.healthCheck.interval", "unknown field"),
                  Problem(15, "spec.resources.memory", "unknown field")));
}

TEST(ManifestParserTest, RepeatedFieldIsAProblem) {
  EXPECT_THAT(ProblemsOf(WithSpec("  image: galaxy/game:2\n")),
              ElementsAre(Problem(7, "spec.image",
                                  "duplicate field, first set at line 6")));
}

TEST(ManifestParserTest, ApiVersionAndKindAreRequiredConstants) {
  EXPECT_THAT(
      ProblemsOf("apiVersion: rtmanager.galaxy/v2\n"
                 "kind: Deployment\n"
                 "metadata: {name: a}\n"
                 "spec: {image: i}\n"),
      ElementsAre(Problem(1, "apiVersion", "must be rtmanager.galaxy/v1"),
                  Problem(2, "kind", "must be GameRuntime or DisruptionBudget")));
  EXPECT_THAT(ProblemsOf("metadata: {name: a}\n"
                         "spec: {image: i}\n"),
              ElementsAre(Problem(1, "apiVersion", "required"),
                          Problem(1, "kind", "required")));
  EXPECT_THAT(ProblemsOf("apiVersion: 1\n"
                         "kind: [GameRuntime]\n"
                         "metadata: {name: a}\n"
                         "spec: {image: i}\n"),
              ElementsAre(Problem(1, "apiVersion", "must be a string"),
                          Problem(2, "kind", "must be a string")));
}

TEST(ManifestParserTest, MetadataAndSpecAreRequiredMaps) {
  EXPECT_THAT(ProblemsOf("apiVersion: rtmanager.galaxy/v1\n"
                         "kind: GameRuntime\n"),
              ElementsAre(Problem(1, "metadata", "required"),
                          Problem(1, "spec", "required")));
  EXPECT_THAT(ProblemsOf("apiVersion: rtmanager.galaxy/v1\n"
                         "kind: GameRuntime\n"
                         "metadata: lobby\n"
                         "spec: [image]\n"),
              ElementsAre(Problem(3, "metadata", "must be a map"),
                          Problem(4, "spec", "must be a map")));
}

TEST(ManifestParserTest, NameIsRequiredAndADnsLabel) {
  const std::string rule =
      "must be a DNS label (^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$)";
  auto with_name = [](std::string_view name) {
    return "apiVersion: rtmanager.galaxy/v1\n"
           "kind: GameRuntime\n"
           "metadata:\n"
           "  name: " +
           std::string(name) +
           "\n"
           "spec: {image: i}\n";
  };
  EXPECT_THAT(ProblemsOf(with_name("Lobby")),
              ElementsAre(Problem(4, "metadata.name", rule)));
  EXPECT_THAT(ProblemsOf(with_name("-lobby")),
              ElementsAre(Problem(4, "metadata.name", rule)));
  EXPECT_THAT(ProblemsOf(with_name("lobby_1")),
              ElementsAre(Problem(4, "metadata.name", rule)));
  EXPECT_THAT(ProblemsOf(with_name(std::string(64, 'a'))),
              ElementsAre(Problem(4, "metadata.name", rule)));
  EXPECT_THAT(ProblemsOf(with_name("\"\"")),
              ElementsAre(Problem(4, "metadata.name", rule)));
  EXPECT_THAT(ProblemsOf(with_name("123")),
              ElementsAre(Problem(4, "metadata.name", "must be a string")));
  EXPECT_THAT(ProblemsOf(with_name("\"123\"")), IsEmpty());
  EXPECT_THAT(ProblemsOf(with_name(std::string(63, 'a'))), IsEmpty());
  EXPECT_THAT(ProblemsOf("apiVersion: rtmanager.galaxy/v1\n"
                         "kind: GameRuntime\n"
                         "metadata:\n"
                         "  labels: {a: b}\n"
                         "spec: {image: i}\n"),
              ElementsAre(Problem(3, "metadata.name", "required")));
}

TEST(ManifestParserTest, LabelsAreAStringToStringMap) {
  auto with_labels = [](std::string_view labels) {
    return "apiVersion: rtmanager.galaxy/v1\n"
           "kind: GameRuntime\n"
           "metadata:\n"
           "  name: a\n"
           "  labels: " +
           std::string(labels) +
           "\n"
           "spec: {image: i}\n";
  };
  EXPECT_THAT(ProblemsOf(with_labels("[tier]")),
              ElementsAre(Problem(5, "metadata.labels", "must be a map")));
  EXPECT_THAT(
      ProblemsOf(with_labels("{tier: [a]}")),
      ElementsAre(Problem(5, "metadata.labels.tier", "must be a string")));
  EXPECT_THAT(
      ProblemsOf(with_labels("{tier: {a: b}}")),
      ElementsAre(Problem(5, "metadata.labels.tier", "must be a string")));
  EXPECT_THAT(
      ProblemsOf(with_labels("{tier: }")),
      ElementsAre(Problem(5, "metadata.labels.tier", "must be a string")));
  EXPECT_THAT(
      ProblemsOf(with_labels("{\"\": x}")),
      ElementsAre(Problem(5, "metadata.labels", "keys must not be empty")));
  EXPECT_THAT(ProblemsOf(with_labels("{a: x, a: y}")),
              ElementsAre(Problem(5, "metadata.labels.a",
                                  "duplicate key, first set at line 5")));
}

TEST(ManifestParserTest, ImageIsARequiredNonEmptyString) {
  EXPECT_THAT(ProblemsOf("apiVersion: rtmanager.galaxy/v1\n"
                         "kind: GameRuntime\n"
                         "metadata: {name: a}\n"
                         "spec:\n"
                         "  command: [x]\n"),
              ElementsAre(Problem(4, "spec.image", "required")));
  EXPECT_THAT(ProblemsOf("apiVersion: rtmanager.galaxy/v1\n"
                         "kind: GameRuntime\n"
                         "metadata: {name: a}\n"
                         "spec:\n"
                         "  image: \"\"\n"),
              ElementsAre(Problem(5, "spec.image", "must not be empty")));
  EXPECT_THAT(ProblemsOf("apiVersion: rtmanager.galaxy/v1\n"
                         "kind: GameRuntime\n"
                         "metadata: {name: a}\n"
                         "spec:\n"
                         "  image: 1.5\n"),
              ElementsAre(Problem(5, "spec.image", "must be a string")));
}

TEST(ManifestParserTest, CommandIsAListOfStrings) {
  EXPECT_THAT(ProblemsOf(WithSpec("  command: /bin/httpd -f\n")),
              ElementsAre(Problem(7, "spec.command", "must be a list")));
  EXPECT_THAT(ProblemsOf(WithSpec("  command:\n"
                                  "    - /bin/sleep\n"
                                  "    - 10\n"
                                  "    - [x]\n")),
              ElementsAre(Problem(9, "spec.command[1]", "must be a string"),
                          Problem(10, "spec.command[2]", "must be a string")));
  EXPECT_THAT(
      SpecOf(WithSpec("  command: [/bin/sleep, \"10\", !!str 20]\n")).command,
      ElementsAre("/bin/sleep", "10", "20"));
  EXPECT_THAT(SpecOf(WithSpec("  command: []\n")).command, IsEmpty());
}

TEST(ManifestParserTest, EnvValuesAreScalarsKeptAsText) {
  EXPECT_THAT(
      SpecOf(WithSpec("  env: {A: 1, B: true, C: 1e3, D: \"x\"}\n")).env,
      ElementsAre(Pair("A", "1"), Pair("B", "true"), Pair("C", "1e3"),
                  Pair("D", "x")));
  EXPECT_THAT(ProblemsOf(WithSpec("  env:\n"
                                  "    A: [1]\n"
                                  "    B=C: x\n")),
              ElementsAre(Problem(8, "spec.env.A", "must be a string"),
                          Problem(9, "spec.env.B=C", "must not contain '='")));
  EXPECT_THAT(ProblemsOf(WithSpec("  env: [A=1]\n")),
              ElementsAre(Problem(7, "spec.env", "must be a map")));
}

TEST(ManifestParserTest, SecretEnvNamesFilesUnderTheSecretsDirectory) {
  const GameSpec spec = SpecOf(WithSpec("  env: {MAP: nebula}\n"
                                        "  secretEnv:\n"
                                        "    RCON_PASSWORD: {file: rcon}\n"
                                        "    ADMIN_TOKEN: {file: admin/token}\n"));
  EXPECT_EQ(spec.secret_env.size(), 2u);
  EXPECT_EQ(spec.secret_env.at("RCON_PASSWORD"), (SecretEnvSource{.file = "rcon"}));
  EXPECT_EQ(spec.secret_env.at("ADMIN_TOKEN").file, "admin/token");
  EXPECT_EQ(spec.secret_env.at("ADMIN_TOKEN").digest, "") << "stamped by the sync, not read";
  EXPECT_THAT(ProblemsOf(WithSpec("  env: {RCON: x}\n"
                                  "  secretEnv:\n"
                                  "    A: {file: /etc/shadow}\n"
                                  "    B: {file: ../up}\n"
                                  "    C: {path: x}\n"
                                  "    RCON: {file: rcon}\n"
                                  "    D: hunter2\n")),
              ElementsAre(Problem(9, "spec.secretEnv.A.file",
                                  "must be a relative path under --secrets-dir (no '..', not "
                                  "absolute)"),
                          Problem(10, "spec.secretEnv.B.file",
                                  "must be a relative path under --secrets-dir (no '..', not "
                                  "absolute)"),
                          Problem(11, "spec.secretEnv.C.path", "unknown field"),
                          Problem(11, "spec.secretEnv.C.file", "required"),
                          Problem(12, "spec.secretEnv.RCON",
                                  "is also in spec.env; a variable comes from one of them"),
                          Problem(13, "spec.secretEnv.D", "must be a map")));
}

TEST(ManifestParserTest, PlacementFieldsAreDecoded) {
  const GameSpec spec =
      SpecOf(WithSpec("  nodeName: node-a\n"
                      "  nodeSelector:\n"
                      "    topology.kubernetes.io/zone: eu-west-1a\n"
                      "    gpu: true\n"
                      "    rack: 7\n"));
  EXPECT_EQ(spec.node_name, "node-a");
  EXPECT_THAT(spec.node_selector,
              ElementsAre(Pair("gpu", "true"), Pair("rack", "7"),
                          Pair("topology.kubernetes.io/zone", "eu-west-1a")));
  const GameSpec bare = SpecOf(WithSpec("  nodeName: ~\n"
                                        "  nodeSelector: {}\n"));
  EXPECT_EQ(bare.node_name, "");
  EXPECT_THAT(bare.node_selector, IsEmpty());
  EXPECT_THAT(SpecOf(kMinimalYaml).node_selector, IsEmpty());
}

TEST(ManifestParserTest, NodeNameIsADnsLabelString) {
  const std::string rule =
      "must be a DNS label (^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$)";
  EXPECT_THAT(ProblemsOf(WithSpec("  nodeName: Node_A\n")),
              ElementsAre(Problem(7, "spec.nodeName", rule)));
  EXPECT_THAT(ProblemsOf(WithSpec("  nodeName: \"\"\n")),
              ElementsAre(Problem(7, "spec.nodeName", rule)));
  EXPECT_THAT(ProblemsOf(WithSpec("  nodeName: " + std::string(64, 'n') + "\n")),
              ElementsAre(Problem(7, "spec.nodeName", rule)));
  EXPECT_THAT(ProblemsOf(WithSpec("  nodeName: 7\n")),
              ElementsAre(Problem(7, "spec.nodeName", "must be a string")));
  EXPECT_THAT(ProblemsOf(WithSpec("  nodeName: [node-a]\n")),
              ElementsAre(Problem(7, "spec.nodeName", "must be a string")));
  EXPECT_EQ(SpecOf(WithSpec("  nodeName: \"7\"\n")).node_name, "7");
}

TEST(ManifestParserTest, NodeSelectorIsAMapOfLabelLikeText) {
  const std::string key_rule =
      "key must be 1..253 characters of [A-Za-z0-9._/-]";
  const std::string value_rule = "must be 1..63 characters of [A-Za-z0-9._/-]";
  EXPECT_THAT(ProblemsOf(WithSpec("  nodeSelector: [zone=eu]\n")),
              ElementsAre(Problem(7, "spec.nodeSelector", "must be a map")));
  EXPECT_THAT(ProblemsOf(WithSpec("  nodeSelector: zone\n")),
              ElementsAre(Problem(7, "spec.nodeSelector", "must be a map")));
  EXPECT_THAT(ProblemsOf(WithSpec("  nodeSelector:\n"
                                  "    zone: [eu]\n"
                                  "    tier: ~\n"
                                  "    disk: \"\"\n"
                                  "    region: eu west\n"
                                  "    \"my key\": x\n"
                                  "    \"\": x\n"
                                  "    " + std::string(254, 'k') + ": x\n"
                                  "    size: " + std::string(64, 'v') + "\n"
                                  "    zone: eu\n")),
              ElementsAre(
                  Problem(8, "spec.nodeSelector[\"zone\"]", "must be a string"),
                  Problem(9, "spec.nodeSelector[\"tier\"]", "must be a string"),
                  Problem(10, "spec.nodeSelector[\"disk\"]", value_rule),
                  Problem(11, "spec.nodeSelector[\"region\"]", value_rule),
                  Problem(12, "spec.nodeSelector[\"my key\"]", key_rule),
                  Problem(13, "spec.nodeSelector", "keys must not be empty"),
                  Problem(14,
                          "spec.nodeSelector[\"" + std::string(254, 'k') +
                              "\"]",
                          key_rule),
                  Problem(15, "spec.nodeSelector[\"size\"]", value_rule),
                  Problem(16, "spec.nodeSelector[\"zone\"]",
                          "duplicate key, first set at line 8")));
  EXPECT_THAT(
      SpecOf(WithSpec("  nodeSelector: {" + std::string(253, 'k') + ": " +
                      std::string(63, 'v') + "}\n"))
          .node_selector,
      ElementsAre(Pair(std::string(253, 'k'), std::string(63, 'v'))));
}

TEST(ManifestParserTest, StateIsRunningOrStopped) {
  EXPECT_EQ(SpecOf(WithSpec("  state: Stopped\n")).state,
            DesiredState::kStopped);
  EXPECT_EQ(SpecOf(WithSpec("  state: Running\n")).state,
            DesiredState::kRunning);
  EXPECT_THAT(
      ProblemsOf(WithSpec("  state: running\n")),
      ElementsAre(Problem(7, "spec.state", "must be Running or Stopped")));
  EXPECT_THAT(ProblemsOf(WithSpec("  state: true\n")),
              ElementsAre(Problem(7, "spec.state", "must be a string")));
}

TEST(ManifestParserTest, IntegersMustBeWrittenAsIntegers) {
  for (std::string_view value : {"\"3\"", "'3'", "true", "false", "3.0", "1e3",
                                 "3x", "0x10", "[3]", "{n: 3}", ".inf"}) {
    SCOPED_TRACE(value);
    EXPECT_THAT(ProblemsOf(WithSpec(
                    "  restartGeneration: " + std::string(value) + "\n")),
                ElementsAre(Problem(7, "spec.restartGeneration",
                                    "must be an integer")));
  }
  EXPECT_EQ(SpecOf(WithSpec("  restartGeneration: +7\n")).restart_generation,
            7);
  EXPECT_EQ(SpecOf(WithSpec("  restartGeneration: 007\n")).restart_generation,
            7);
}

TEST(ManifestParserTest, RestartGenerationIsANonNegativeSafeInteger) {
  EXPECT_THAT(
      ProblemsOf(WithSpec("  restartGeneration: -1\n")),
      ElementsAre(Problem(7, "spec.restartGeneration", "must be >= 0")));
  EXPECT_THAT(ProblemsOf(WithSpec("  restartGeneration: 9007199254740992\n")),
              ElementsAre(Problem(7, "spec.restartGeneration",
                                  "must be <= 9007199254740991")));
  EXPECT_THAT(
      ProblemsOf(WithSpec("  restartGeneration: 99999999999999999999999\n")),
      ElementsAre(
          Problem(7, "spec.restartGeneration", "must be <= 9007199254740991")));
  EXPECT_THAT(
      ProblemsOf(WithSpec("  restartGeneration: -99999999999999999999999\n")),
      ElementsAre(Problem(7, "spec.restartGeneration", "must be >= 0")));
  EXPECT_EQ(SpecOf(WithSpec("  restartGeneration: 9007199254740991\n"))
                .restart_generation,
            9007199254740991);
}

TEST(ManifestParserTest, StopTimeoutIsANonNegativeInt) {
  EXPECT_THAT(
      ProblemsOf(WithSpec("  stopTimeoutSeconds: -1\n")),
      ElementsAre(Problem(7, "spec.stopTimeoutSeconds", "must be >= 0")));
  EXPECT_THAT(ProblemsOf(WithSpec("  stopTimeoutSeconds: 2147483648\n")),
              ElementsAre(Problem(7, "spec.stopTimeoutSeconds",
                                  "must be <= 2147483647")));
  EXPECT_EQ(SpecOf(WithSpec("  stopTimeoutSeconds: 2147483647\n"))
                .stop_timeout_seconds,
            2147483647);
}

TEST(ManifestParserTest, PortsAreAListOfMaps) {
  EXPECT_THAT(ProblemsOf(WithSpec("  ports: {containerPort: 80}\n")),
              ElementsAre(Problem(7, "spec.ports", "must be a list")));
  EXPECT_THAT(ProblemsOf(WithSpec("  ports:\n"
                                  "    - 8080\n")),
              ElementsAre(Problem(8, "spec.ports[0]", "must be a map")));
  EXPECT_THAT(
      ProblemsOf(WithSpec("  ports:\n"
                          "    - hostPort: 80\n")),
      ElementsAre(Problem(8, "spec.ports[0].containerPort", "required")));
}

TEST(ManifestParserTest, PortNumbersAreRangeChecked) {
  EXPECT_THAT(
      ProblemsOf(WithSpec("  ports:\n"
                          "    - {containerPort: 80}\n"
                          "    - {containerPort: 0, hostPort: -1}\n"
                          "    - {containerPort: 65536, hostPort: 65536}\n"
                          "    - containerPort: 81\n"
                          "      hostPort: true\n")),
      ElementsAre(
          Problem(9, "spec.ports[1].containerPort", "must be in 1..65535"),
          Problem(9, "spec.ports[1].hostPort", "must be in 0..65535"),
          Problem(10, "spec.ports[2].containerPort", "must be in 1..65535"),
          Problem(10, "spec.ports[2].hostPort", "must be in 0..65535"),
          Problem(12, "spec.ports[3].hostPort", "must be an integer")));
  EXPECT_THAT(
      SpecOf(WithSpec("  ports: [{containerPort: 65535, hostPort: 65535}]\n"))
          .ports,
      ElementsAre(PortMapping{.container_port = 65535, .host_port = 65535}));
}

TEST(ManifestParserTest, ProtocolAndHostIpAreChecked) {
  EXPECT_THAT(
      ProblemsOf(WithSpec("  ports:\n"
                          "    - {containerPort: 80, protocol: sctp}\n"
                          "    - {containerPort: 80, protocol: TCP}\n"
                          "    - {containerPort: 80, hostIP: \"\"}\n"
                          "    - {containerPort: 80, hostIP: localhost}\n"
                          "    - {containerPort: 80, hostIP: 1}\n")),
      ElementsAre(Problem(8, "spec.ports[0].protocol", "must be tcp or udp"),
                  Problem(9, "spec.ports[1].protocol", "must be tcp or udp"),
                  Problem(10, "spec.ports[2].hostIP", "must not be empty"),
                  Problem(11, "spec.ports[3].hostIP",
                          "must be an IPv4 or IPv6 address"),
                  Problem(12, "spec.ports[4].hostIP", "must be a string")));
  EXPECT_THAT(
      SpecOf(WithSpec("  ports:\n"
                      "    - {containerPort: 80, hostIP: 0.0.0.0}\n"
                      "    - {containerPort: 81, hostIP: \"::\"}\n"))
          .ports,
      ElementsAre(PortMapping{.container_port = 80, .host_ip = "0.0.0.0"},
                  PortMapping{.container_port = 81, .host_ip = "::"}));
}

TEST(ManifestParserTest, AFixedHostPortIsPublishedOnce) {
  EXPECT_THAT(
      ProblemsOf(WithSpec("  ports:\n"
                          "    - {containerPort: 80, hostPort: 8080}\n"
                          "    - {containerPort: 81, hostPort: 8080}\n")),
      ElementsAre(Problem(9, "spec.ports[1].hostPort",
                          "already published by spec.ports[0]")));
  EXPECT_THAT(
      SpecOf(
          WithSpec("  ports:\n"
                   "    - {containerPort: 80}\n"
                   "    - {containerPort: 81}\n"
                   "    - {containerPort: 82, hostPort: 8080}\n"
                   "    - {containerPort: 82, hostPort: 8080, protocol: udp}\n"
                   "    - {containerPort: 83, hostPort: 8080, hostIP: ::1}\n"))
          .ports,
      SizeIs(5));
}

TEST(ManifestParserTest, HealthCheckRules) {
  EXPECT_THAT(ProblemsOf(WithSpec("  healthCheck: [/bin/true]\n")),
              ElementsAre(Problem(7, "spec.healthCheck", "must be a map")));
  EXPECT_THAT(ProblemsOf(WithSpec("  healthCheck:\n"
                                  "    retries: 1\n")),
              ElementsAre(Problem(7, "spec.healthCheck.command", "required")));
  EXPECT_THAT(
      ProblemsOf(WithSpec("  healthCheck:\n"
                          "    command: []\n"
                          "    intervalSeconds: 0\n"
                          "    timeoutSeconds: -5\n"
                          "    retries: -1\n")),
      ElementsAre(
          Problem(8, "spec.healthCheck.command", "must not be empty"),
          Problem(9, "spec.healthCheck.intervalSeconds", "must be >= 1"),
          Problem(10, "spec.healthCheck.timeoutSeconds", "must be >= 1"),
          Problem(11, "spec.healthCheck.retries", "must be >= 0")));
  EXPECT_THAT(
      ProblemsOf(WithSpec("  healthCheck:\n"
                          "    command: [/bin/check, 1]\n"
                          "    retries: 2147483648\n")),
      ElementsAre(
          Problem(8, "spec.healthCheck.command[1]", "must be a string"),
          Problem(9, "spec.healthCheck.retries", "must be <= 2147483647")));
}

TEST(ManifestParserTest, ResourceLimitsAreRangeChecked) {
  EXPECT_THAT(
      ProblemsOf(WithSpec("  resources:\n"
                          "    memoryMiB: 3\n"
                          "    cpus: 0\n")),
      ElementsAre(Problem(8, "spec.resources.memoryMiB", "must be >= 4"),
                  Problem(9, "spec.resources.cpus", "must be > 0")));
  EXPECT_THAT(ProblemsOf(WithSpec("  resources:\n"
                                  "    memoryMiB: 8796093022208\n"
                                  "    cpus: -0.5\n")),
              ElementsAre(Problem(8, "spec.resources.memoryMiB",
                                  "must be <= 8796093022207"),
                          Problem(9, "spec.resources.cpus", "must be > 0")));
  EXPECT_THAT(
      ProblemsOf(WithSpec("  resources:\n"
                          "    memoryMiB: 64.5\n"
                          "    cpus: \"1\"\n")),
      ElementsAre(Problem(8, "spec.resources.memoryMiB", "must be an integer"),
                  Problem(9, "spec.resources.cpus", "must be a number")));
  EXPECT_THAT(ProblemsOf(WithSpec("  resources: {cpus: .inf}\n")),
              ElementsAre(Problem(7, "spec.resources.cpus",
                                  "must be a finite number")));
  EXPECT_THAT(
      ProblemsOf(WithSpec("  resources: {cpus: 1000001}\n")),
      ElementsAre(Problem(7, "spec.resources.cpus", "must be <= 1000000")));
  EXPECT_THAT(
      ProblemsOf(WithSpec("  resources: {cpus: true}\n")),
      ElementsAre(Problem(7, "spec.resources.cpus", "must be a number")));
  EXPECT_EQ(
      SpecOf(WithSpec("  resources: {memoryMiB: 4, cpus: 2}\n")).resources,
      (Resources{.memory_mib = 4, .cpus = 2.0}));
  EXPECT_EQ(SpecOf(WithSpec("  resources: {cpus: .25}\n")).resources.cpus,
            0.25);
}

TEST(ManifestParserTest, EveryProblemOfADocumentIsCollected) {
  EXPECT_THAT(
      ProblemsOf("apiVersion: rtmanager.galaxy/v1\n"
                 "kind: GameRuntime\n"
                 "metadata:\n"
                 "  name: Bad_Name\n"
                 "spec:\n"
                 "  command: sh\n"
                 "  state: Paused\n"
                 "  restartGeneration: -2\n"
                 "  ports: [{containerPort: 0}]\n"
                 "  stopTimeoutSeconds: yes\n"),
      ElementsAre(
          Problem(4, "metadata.name",
                  "must be a DNS label (^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$)"),
          Problem(5, "spec.image", "required"),
          Problem(6, "spec.command", "must be a list"),
          Problem(7, "spec.state", "must be Running or Stopped"),
          Problem(8, "spec.restartGeneration", "must be >= 0"),
          Problem(9, "spec.ports[0].containerPort", "must be in 1..65535"),
          Problem(10, "spec.stopTimeoutSeconds", "must be an integer")));
}

TEST(ManifestParserTest, ADocumentMustBeAMap) {
  EXPECT_THAT(ProblemsOf("just text\n"),
              ElementsAre(Problem(1, "", "must be a map")));
  EXPECT_THAT(ProblemsOf("- a\n- b\n"),
              ElementsAre(Problem(1, "", "must be a map")));
}

TEST(ManifestParserTest, OneBadDocumentDoesNotHideTheGoodOnes) {
  ParsedManifestFile file = Parse(
      "# two games\n"
      "apiVersion: rtmanager.galaxy/v1\n"
      "kind: GameRuntime\n"
      "metadata: {name: good-1}\n"
      "spec: {image: i}\n"
      "---\n"
      "apiVersion: rtmanager.galaxy/v1\n"
      "kind: GameRuntime\n"
      "metadata: {name: bad}\n"
      "spec:\n"
      "  image: i\n"
      "  restartGeneration: -1\n"
      "---\n"
      "apiVersion: rtmanager.galaxy/v1\n"
      "kind: GameRuntime\n"
      "metadata: {name: good-2}\n"
      "spec: {image: i}\n");
  EXPECT_THAT(file.problems, ElementsAre(Problem(12, "spec.restartGeneration",
                                                 "must be >= 0", 1)));
  ASSERT_THAT(file.runtimes, SizeIs(2));
  EXPECT_EQ(file.runtimes[0].name, "good-1");
  EXPECT_EQ(file.runtimes[0].source,
            (ManifestSource{
                .path = std::string(kPath), .document_index = 0, .line = 2}));
  EXPECT_EQ(file.runtimes[1].name, "good-2");
  EXPECT_EQ(file.runtimes[1].source,
            (ManifestSource{
                .path = std::string(kPath), .document_index = 2, .line = 14}));
}

TEST(ManifestParserTest, ALaterDocumentReusingANameIsAProblem) {
  ParsedManifestFile file =
      Parse(std::string(kMinimalYaml) + "---\n" + std::string(kMinimalYaml));
  EXPECT_THAT(file.problems,
              ElementsAre(Problem(11, "metadata.name",
                                  "duplicate name \"lobby-eu-1\", first "
                                  "declared at line 4",
                                  1)));
  ASSERT_THAT(file.runtimes, SizeIs(1));
  EXPECT_EQ(file.runtimes[0].source.document_index, 0);
}

TEST(ManifestParserTest, EmptyDocumentsAreSkippedButKeepTheirIndex) {
  ParsedManifestFile file =
      Parse("---\n# nothing here\n---\n" + std::string(kMinimalYaml) + "---\n");
  ASSERT_TRUE(file.ok());
  ASSERT_THAT(file.runtimes, SizeIs(1));
  EXPECT_EQ(file.runtimes[0].source.document_index, 1);
  EXPECT_EQ(file.runtimes[0].source.line, 4);
}

TEST(ManifestParserTest, AFileWithoutDocumentsIsValidAndDeclaresNothing) {
  for (std::string_view content :
       {"", "# all commented out\n", "---\n", "---\n...\n---\n"}) {
    SCOPED_TRACE(content);
    ParsedManifestFile file = Parse(content);
    EXPECT_TRUE(file.ok());
    EXPECT_THAT(file.runtimes, IsEmpty());
  }
}

TEST(ManifestParserTest, ProblemFormatIsPathLineFieldMessage) {
  EXPECT_EQ(
      Problem(12, "spec.ports[1].hostPort", "must be in 0..65535").Format(),
      "games/lobby.yaml:12: spec.ports[1].hostPort: must be in 0..65535");
  EXPECT_EQ(Problem(3, "", "must be a map").Format(),
            "games/lobby.yaml:3: must be a map");
  EXPECT_EQ(Problem(0, "", "file is too large", -1).Format(),
            "games/lobby.yaml: file is too large");
}

TEST(ManifestParserTest, ValidateOutputOfABadFile) {
  std::vector<std::string> lines;
  for (const ManifestProblem& problem :
       Parse(WithSpec("  ports: [{containerPort: 80, hostPort: 70000}]\n"))
           .problems) {
    lines.push_back(problem.Format());
  }
  EXPECT_THAT(lines, ElementsAre("games/lobby.yaml:7: spec.ports[0].hostPort: "
                                 "must be in 0..65535"));
}

TEST(ManifestParserTest, UnsupportedExtensionIsAFileProblem) {
  EXPECT_THAT(Parse(kMinimalYaml, "games/lobby.txt").problems,
              ElementsAre(Problem(
                  0, "", "unsupported file type (want .yaml, .yml or .json)",
                  -1, "games/lobby.txt")));
  EXPECT_TRUE(Parse(kMinimalYaml, "games/lobby.yml").ok());
}

TEST(ManifestParserTest, VolumesAreDecodedWithTheirReclaimPolicy) {
  const GameSpec spec = SpecOf(WithSpec(
      "  volumes:\n"
      "    - {name: world, mountPath: /data}\n"
      "    - {name: mods, mountPath: /mods, readOnly: true}\n"
      "  volumeReclaimPolicy: Delete\n"));
  ASSERT_EQ(spec.volumes.size(), 2u);
  EXPECT_EQ(spec.volumes[0], (VolumeMount{.name = "world", .mount_path = "/data"}));
  EXPECT_EQ(spec.volumes[1],
            (VolumeMount{.name = "mods", .mount_path = "/mods", .read_only = true}));
  EXPECT_EQ(spec.volume_reclaim_policy, VolumeReclaimPolicy::kDelete);
  EXPECT_EQ(SpecOf(kMinimalYaml).volume_reclaim_policy, VolumeReclaimPolicy::kRetain);
}

TEST(ManifestParserTest, VolumeProblemsNameTheField) {
  EXPECT_THAT(ProblemsOf(WithSpec("  volumes:\n"
                                  "    - {name: world}\n"
                                  "    - {name: x, mountPath: /x, readOnly: yes please}\n"
                                  "  volumeReclaimPolicy: Recycle\n")),
              ElementsAre(Problem(8, "spec.volumes[0].mountPath", "required"),
                          Problem(9, "spec.volumes[1].readOnly", "must be true or false"),
                          Problem(10, "spec.volumeReclaimPolicy", "must be Retain or Delete")));
  EXPECT_THAT(ProblemsOf(WithSpec("  volumes:\n"
                                  "    - {name: a, mountPath: /data}\n"
                                  "    - {name: b, mountPath: /data}\n")),
              ElementsAre(Problem(1, "spec.volumes[1].mountPath",
                                  "\"/data\" is already mounted by spec.volumes[0]")));
}

// A host path is mounted only under a prefix the operator allows
// (--allow-host-path); without any, none.
TEST(ManifestParserTest, AHostPathMustBeUnderAnAllowedPrefix) {
  const std::string content = WithSpec(
      "  volumes:\n"
      "    - {name: maps, mountPath: /maps, hostPath: /srv/games/maps, readOnly: true}\n");
  EXPECT_THAT(Parse(content).problems,
              ElementsAre(Problem(8, "spec.volumes[0].hostPath",
                                  "\"/srv/games/maps\" is not under a prefix the operator "
                                  "allows (none: start rtmanager with --allow-host-path PREFIX)")));
  const ParsedManifestFile allowed =
      ParseManifest(kPath, content, ManifestLimits{.allowed_host_paths = {"/srv/games"}});
  ASSERT_TRUE(allowed.ok()) << allowed.problems.front().Format();
  EXPECT_EQ(allowed.runtimes[0].spec.volumes[0].host_path, "/srv/games/maps");
  const ParsedManifestFile elsewhere =
      ParseManifest(kPath, content, ManifestLimits{.allowed_host_paths = {"/srv/gam"}});
  ASSERT_EQ(elsewhere.problems.size(), 1u);
  EXPECT_EQ(elsewhere.problems[0].message,
            "\"/srv/games/maps\" is not under a prefix the operator allows (--allow-host-path)");
}

TEST(ManifestParserTest, MaxConsecutiveFailuresIsAPositiveInteger) {
  EXPECT_EQ(SpecOf(WithSpec("  maxConsecutiveFailures: 5\n")).max_consecutive_failures, 5);
  EXPECT_EQ(SpecOf(kMinimalYaml).max_consecutive_failures, std::nullopt);
  EXPECT_THAT(ProblemsOf(WithSpec("  maxConsecutiveFailures: 0\n")),
              ElementsAre(Problem(7, "spec.maxConsecutiveFailures", "must be >= 1")));
  EXPECT_THAT(ProblemsOf(WithSpec("  maxConsecutiveFailures: many\n")),
              ElementsAre(Problem(7, "spec.maxConsecutiveFailures", "must be an integer")));
}

TEST(ManifestParserTest, StopSignalPreStopAndDrainAreRead) {
  const GameSpec spec = SpecOf(WithSpec(
      "  stopSignal: SIGINT\n"
      "  preStop:\n"
      "    command: [rcon, save-all]\n"
      "    timeoutSeconds: 20\n"
      "  drain:\n"
      "    command: [players, --empty]\n"
      "    periodSeconds: 15\n"
      "    maxWaitSeconds: 900\n"
      "    timeoutSeconds: 4\n"));
  EXPECT_EQ(spec.stop_signal, "SIGINT");
  EXPECT_EQ(spec.pre_stop,
            (ExecHook{.command = {"rcon", "save-all"}, .timeout_seconds = 20}));
  EXPECT_EQ(spec.drain, (DrainPolicy{.command = {"players", "--empty"},
                                     .period_seconds = 15,
                                     .max_wait_seconds = 900,
                                     .timeout_seconds = 4}));
}

TEST(ManifestParserTest, HooksTakeTheirDefaultsAndAreAbsentWhenUnset) {
  const GameSpec spec = SpecOf(WithSpec("  preStop: {command: [save]}\n"
                                        "  drain: {command: [empty]}\n"));
  EXPECT_EQ(spec.pre_stop, (ExecHook{.command = {"save"}, .timeout_seconds = 30}));
  EXPECT_EQ(spec.drain, (DrainPolicy{.command = {"empty"},
                                     .period_seconds = 10,
                                     .max_wait_seconds = 600,
                                     .timeout_seconds = 5}));
  const GameSpec plain = SpecOf(kMinimalYaml);
  EXPECT_EQ(plain.stop_signal, "");
  EXPECT_EQ(plain.pre_stop, std::nullopt);
  EXPECT_EQ(plain.drain, std::nullopt);
}

TEST(ManifestParserTest, BadStopSignalAndHooksNameLineAndField) {
  EXPECT_THAT(ProblemsOf(WithSpec("  stopSignal: TERM\n")),
              ElementsAre(Problem(7, "spec.stopSignal", std::string(kStopSignalRule))));
  EXPECT_THAT(ProblemsOf(WithSpec("  preStop:\n"
                                  "    timeoutSeconds: 0\n"
                                  "    shell: bash\n")),
              ElementsAre(Problem(9, "spec.preStop.shell", "unknown field"),
                          Problem(7, "spec.preStop.command", "required"),
                          Problem(8, "spec.preStop.timeoutSeconds", "must be >= 1")));
  EXPECT_THAT(ProblemsOf(WithSpec("  drain:\n"
                                  "    command: []\n"
                                  "    periodSeconds: 0\n"
                                  "    maxWaitSeconds: -1\n")),
              ElementsAre(Problem(8, "spec.drain.command", "must not be empty"),
                          Problem(9, "spec.drain.periodSeconds", "must be >= 1"),
                          Problem(10, "spec.drain.maxWaitSeconds", "must be >= 0")));
}

// Lines 1-5 of a DisruptionBudget; a test appends spec fields from line 6 on.
constexpr std::string_view kBudgetHead =
    "apiVersion: rtmanager.galaxy/v1\n"
    "kind: DisruptionBudget\n"
    "metadata:\n"
    "  name: fleet\n"
    "spec:\n";

std::string BudgetWithSpec(std::string_view spec_lines) {
  return std::string(kBudgetHead) + std::string(spec_lines);
}

// A valid budget: lines 1-9.
const std::string kBudgetYaml = BudgetWithSpec(
    "  selector:\n"
    "    matchLabels: {fleet: eu, tier: gold}\n"
    "  maxUnavailable: 10%\n"
    "  minReadySeconds: 5\n");

constexpr std::string_view kMaxUnavailableRule =
    "must be an integer >= 0 or a percentage such as \"10%\" (0% to 100%)";

std::vector<ManifestProblem> BudgetProblemsOf(std::string_view content) {
  ParsedManifestFile file = Parse(content);
  if (!file.ok()) {
    EXPECT_THAT(file.budgets, IsEmpty());
    EXPECT_THAT(file.runtimes, IsEmpty());
  }
  return file.problems;
}

DisruptionBudget BudgetOf(std::string_view content) {
  ParsedManifestFile file = Parse(content);
  EXPECT_THAT(file.problems, IsEmpty());
  EXPECT_THAT(file.runtimes, IsEmpty());
  EXPECT_THAT(file.budgets, SizeIs(1));
  return file.budgets.empty() ? DisruptionBudget{} : file.budgets[0];
}

TEST(ManifestParserTest, ABudgetIsDecodedFieldByFieldInYamlAndJson) {
  const DisruptionBudget expected{
      .name = "fleet",
      .match_labels = {{"fleet", "eu"}, {"tier", "gold"}},
      .max_unavailable = {.value = 10, .percent = true},
      .min_ready_seconds = 5,
      .source = {.path = std::string(kPath), .document_index = 0, .line = 1}};
  EXPECT_EQ(BudgetOf(kBudgetYaml), expected);

  ParsedManifestFile json = ParseManifest("games/budgets.json", R"({
  "apiVersion": "rtmanager.galaxy/v1",
  "kind": "DisruptionBudget",
  "metadata": {"name": "fleet"},
  "spec": {
    "selector": {"matchLabels": {"tier": "gold", "fleet": "eu"}},
    "maxUnavailable": "10%",
    "minReadySeconds": 5
  }
}
)");
  ASSERT_THAT(json.problems, IsEmpty());
  EXPECT_THAT(json.runtimes, IsEmpty());
  ASSERT_THAT(json.budgets, SizeIs(1));
  DisruptionBudget from_json_expected = expected;
  from_json_expected.source.path = "games/budgets.json";
  EXPECT_EQ(json.budgets[0], from_json_expected);
}

TEST(ManifestParserTest, ABudgetMaxUnavailableIsACountOrAPercentage) {
  const auto max_of = [](std::string_view value) {
    return BudgetOf(BudgetWithSpec("  selector: {matchLabels: {fleet: eu}}\n"
                                   "  maxUnavailable: " +
                                   std::string(value) + "\n"))
        .max_unavailable;
  };
  EXPECT_EQ(max_of("3"), (MaxUnavailable{.value = 3}));
  EXPECT_EQ(max_of("0"), (MaxUnavailable{.value = 0}));
  EXPECT_EQ(max_of("250"), (MaxUnavailable{.value = 250}));
  EXPECT_EQ(max_of("0%"), (MaxUnavailable{.value = 0, .percent = true}));
  EXPECT_EQ(max_of("\"25%\""), (MaxUnavailable{.value = 25, .percent = true}));
  EXPECT_EQ(max_of("100%"), (MaxUnavailable{.value = 100, .percent = true}));

  // The JSON integer form.
  ParsedManifestFile json = ParseManifest(
      "b.json",
      R"({"apiVersion": "rtmanager.galaxy/v1", "kind": "DisruptionBudget",)"
      R"( "metadata": {"name": "b"},)"
      R"( "spec": {"selector": {"matchLabels": {"a": "b"}}, "maxUnavailable": 2}})");
  ASSERT_THAT(json.problems, IsEmpty());
  ASSERT_THAT(json.budgets, SizeIs(1));
  EXPECT_EQ(json.budgets[0].max_unavailable, (MaxUnavailable{.value = 2}));
}

TEST(ManifestParserTest, ABudgetMinReadySecondsDefaultsToZero) {
  const DisruptionBudget budget =
      BudgetOf(BudgetWithSpec("  selector: {matchLabels: {fleet: eu}}\n"
                              "  maxUnavailable: 1\n"));
  EXPECT_EQ(budget.min_ready_seconds, 0);
  EXPECT_THAT(budget.match_labels, ElementsAre(Pair("fleet", "eu")));
}

TEST(ManifestParserTest, ABadMaxUnavailableNamesLineAndField) {
  for (std::string_view value :
       {"abc", "150%", "101%", "1.5", "-10%", "\"3\"", "10%%", "\"%\"", "[1]",
        "true"}) {
    SCOPED_TRACE(value);
    EXPECT_THAT(
        BudgetProblemsOf(BudgetWithSpec("  selector: {matchLabels: {fleet: eu}}\n"
                                        "  maxUnavailable: " +
                                        std::string(value) + "\n")),
        ElementsAre(Problem(7, "spec.maxUnavailable",
                            std::string(kMaxUnavailableRule))));
  }
  EXPECT_THAT(
      BudgetProblemsOf(BudgetWithSpec("  selector: {matchLabels: {fleet: eu}}\n"
                                      "  maxUnavailable: -1\n")),
      ElementsAre(Problem(7, "spec.maxUnavailable", "must be >= 0")));
  EXPECT_THAT(
      BudgetProblemsOf(BudgetWithSpec("  selector: {matchLabels: {fleet: eu}}\n"
                                      "  maxUnavailable: 1\n"
                                      "  minReadySeconds: -1\n")),
      ElementsAre(Problem(8, "spec.minReadySeconds", "must be >= 0")));
  EXPECT_THAT(
      Parse(BudgetWithSpec("  selector: {matchLabels: {fleet: eu}}\n"
                           "  maxUnavailable: 1.5\n"))
          .budgets,
      IsEmpty());
}

TEST(ManifestParserTest, ABudgetNeedsASelectorWithMatchLabelsAndMaxUnavailable) {
  EXPECT_THAT(BudgetProblemsOf(BudgetWithSpec("  maxUnavailable: 1\n")),
              ElementsAre(Problem(5, "spec.selector", "required")));
  EXPECT_THAT(BudgetProblemsOf(BudgetWithSpec("  selector: {}\n"
                                              "  maxUnavailable: 1\n")),
              ElementsAre(Problem(6, "spec.selector.matchLabels", "required")));
  EXPECT_THAT(
      BudgetProblemsOf(BudgetWithSpec("  selector:\n"
                                      "    matchLabels: {}\n"
                                      "  maxUnavailable: 1\n")),
      ElementsAre(Problem(7, "spec.selector.matchLabels",
                          "must name at least one label (a budget over every "
                          "game: label them all)")));
  EXPECT_THAT(
      BudgetProblemsOf(BudgetWithSpec("  selector: {matchLabels: {fleet: eu}}\n")),
      ElementsAre(Problem(5, "spec.maxUnavailable", "required")));
  EXPECT_THAT(BudgetProblemsOf(std::string(kBudgetHead.substr(
                  0, kBudgetHead.size() - std::string_view("spec:\n").size()))),
              ElementsAre(Problem(1, "spec", "required")));
}

TEST(ManifestParserTest, UnknownFieldsOfABudgetAreReported) {
  EXPECT_THAT(
      BudgetProblemsOf(BudgetWithSpec("  selector:\n"
                                      "    matchLabels: {fleet: eu}\n"
                                      "    matchExpressions: []\n"
                                      "  maxUnavailable: 1\n"
                                      "  image: galaxy/game:1\n")),
      ElementsAre(Problem(10, "spec.image", "unknown field"),
                  Problem(8, "spec.selector.matchExpressions", "unknown field")));
}

TEST(ManifestParserTest, AGameAndABudgetMayShareAName) {
  ParsedManifestFile file = Parse(std::string(kMinimalYaml) + "---\n" +
                                  BudgetWithSpec("  selector: {matchLabels: {a: b}}\n"
                                                 "  maxUnavailable: 1\n") +
                                  "---\n" +
                                  "apiVersion: rtmanager.galaxy/v1\n"
                                  "kind: DisruptionBudget\n"
                                  "metadata: {name: lobby-eu-1}\n"
                                  "spec:\n"
                                  "  selector: {matchLabels: {c: d}}\n"
                                  "  maxUnavailable: 2\n");
  EXPECT_THAT(file.problems, IsEmpty());
  ASSERT_THAT(file.runtimes, SizeIs(1));
  EXPECT_EQ(file.runtimes[0].name, "lobby-eu-1");
  ASSERT_THAT(file.budgets, SizeIs(2));
  EXPECT_EQ(file.budgets[0].name, "fleet");
  EXPECT_EQ(file.budgets[0].source,
            (ManifestSource{
                .path = std::string(kPath), .document_index = 1, .line = 8}));
  EXPECT_EQ(file.budgets[1].name, "lobby-eu-1");
  EXPECT_EQ(file.budgets[1].source.document_index, 2);
  EXPECT_EQ(file.budgets[1].max_unavailable, (MaxUnavailable{.value = 2}));
}

TEST(ManifestParserTest, ALaterBudgetReusingABudgetNameIsAProblem) {
  ParsedManifestFile file = Parse(kBudgetYaml + "---\n" + kBudgetYaml);
  EXPECT_THAT(file.problems,
              ElementsAre(Problem(14, "metadata.name",
                                  "duplicate budget name \"fleet\", first "
                                  "declared at line 4",
                                  1)));
  ASSERT_THAT(file.budgets, SizeIs(1));
  EXPECT_EQ(file.budgets[0].source.document_index, 0);
}

TEST(ManifestParserTest, ADisruptionBudgetKindDoesNotReadAGameSpec) {
  EXPECT_THAT(
      BudgetProblemsOf("apiVersion: rtmanager.galaxy/v1\n"
                       "kind: DisruptionBudget\n"
                       "metadata: {name: a}\n"
                       "spec: {image: i}\n"),
      ElementsAre(Problem(4, "spec.image", "unknown field"),
                  Problem(4, "spec.selector", "required"),
                  Problem(4, "spec.maxUnavailable", "required")));
}

}  // namespace
}  // namespace rtm

namespace rtm {
namespace {

using manifest_test::Problem;
using manifest_test::WithSpec;
using ::testing::ElementsAre;

TEST(ManifestRestartScheduleTest, AScheduleIsReadWithItsWarnings) {
  ParsedManifestFile file = manifest_test::Parse(WithSpec(
      "  restartSchedule:\n"
      "    cron: \"0 4 * * *\"\n"
      "    timeZone: Europe/Berlin\n"
      "    startingDeadlineSeconds: 600\n"
      "    warnings:\n"
      "      - {before: 15m, command: [rcon, say, restart in 15 minutes]}\n"
      "      - {before: 1m30s, command: [rcon, say, soon], timeoutSeconds: 3}\n"));
  ASSERT_TRUE(file.ok()) << file.problems.front().Format();
  EXPECT_EQ(file.runtimes.at(0).spec.restart_schedule,
            (RestartSchedule{
                .cron = "0 4 * * *",
                .time_zone = "Europe/Berlin",
                .starting_deadline_seconds = 600,
                .warnings = {{.before_seconds = 900,
                              .command = {"rcon", "say", "restart in 15 minutes"}},
                             {.before_seconds = 90, .command = {"rcon", "say", "soon"},
                              .timeout_seconds = 3}}}));
}

TEST(ManifestRestartScheduleTest, DefaultsAreUtcNoDeadlineAndNoWarnings) {
  ParsedManifestFile file =
      manifest_test::Parse(WithSpec("  restartSchedule: {cron: \"@daily\"}\n"));
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(file.runtimes.at(0).spec.restart_schedule,
            (RestartSchedule{.cron = "@daily", .time_zone = "UTC"}));
}

TEST(ManifestRestartScheduleTest, BadFieldsAreNamedWithTheirLines) {
  EXPECT_THAT(manifest_test::Parse(WithSpec("  restartSchedule:\n"
                                            "    cron: \"0 25 * * *\"\n"
                                            "    startingDeadlineSeconds: -1\n"
                                            "    warnings:\n"
                                            "      - {before: 15, command: [say]}\n"
                                            "      - {before: 0s, command: []}\n"
                                            "      - {before: 1.5m, command: [say], x: 1}\n"))
                  .problems,
              ElementsAre(Problem(8, "spec.restartSchedule.cron", "hour: 25 is out of range 0-23"),
                          Problem(9, "spec.restartSchedule.startingDeadlineSeconds",
                                  "must be >= 0"),
                          Problem(11, "spec.restartSchedule.warnings[0].before",
                                  "must be whole seconds from 1s to a year, such as \"15m\", "
                                  "\"30s\" or \"1h30m\""),
                          Problem(12, "spec.restartSchedule.warnings[1].before",
                                  "must be whole seconds from 1s to a year, such as \"15m\", "
                                  "\"30s\" or \"1h30m\""),
                          Problem(12, "spec.restartSchedule.warnings[1].command",
                                  "must not be empty"),
                          Problem(13, "spec.restartSchedule.warnings[2].x", "unknown field"),
                          Problem(13, "spec.restartSchedule.warnings[2].before",
                                  "must be whole seconds from 1s to a year, such as \"15m\", "
                                  "\"30s\" or \"1h30m\"")));
  EXPECT_THAT(manifest_test::Parse(WithSpec("  restartSchedule: {timeZone: UTC}\n")).problems,
              ElementsAre(Problem(7, "spec.restartSchedule.cron", "required")));
}

class UnknownZones : public TimeZoneDatabase {
 public:
  Expected<std::shared_ptr<const TimeZone>> Locate(std::string_view name) override {
    return Fail(ErrorCode::kInvalidRequest,
                "unknown time zone \"" + std::string(name) + "\" (not in the tz database)");
  }
};

TEST(ManifestRestartScheduleTest, TheTimeZoneIsCheckedAgainstTheDatabaseWhenThereIsOne) {
  UnknownZones zones;
  ParsedManifestFile file = ParseManifest(
      "games/lobby.yaml",
      WithSpec("  restartSchedule: {cron: \"@daily\", timeZone: Europe/Berln}\n"),
      ManifestLimits{.time_zones = &zones});
  EXPECT_THAT(file.problems,
              ElementsAre(Problem(7, "spec.restartSchedule.timeZone",
                                  "unknown time zone \"Europe/Berln\" (not in the tz database)")));
}

}  // namespace
}  // namespace rtm
