// YAML and JSON are equivalent: one validation path, the same specs and
// problems; JSON's own shapes (object or array) and its exact lines.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <utility>

#include "controller/manifests/manifest_parser.h"
#include "test/controller/manifests/manifest_test_support.h"

namespace rtm {
namespace {

using manifest_test::Problem;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::SizeIs;
using ::testing::StartsWith;

constexpr std::string_view kFullYaml =
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
    "  resources: {memoryMiB: 256, cpus: 0.5}\n"
    "  nodeName: node-a\n"
    "  nodeSelector: {topology.kubernetes.io/zone: eu-west-1a, rack: 7}\n";

constexpr std::string_view kFullJson = R"({
  "apiVersion": "rtmanager.galaxy/v1",
  "kind": "GameRuntime",
  "metadata": {
    "name": "lobby-eu-1",
    "labels": {"tier": "casual", "shard": 7}
  },
  "spec": {
    "image": "galaxy/game:1",
    "command": ["/bin/httpd", "-f", "-p", "8080"],
    "env": {"MAP": "nebula", "PLAYERS": 16, "DEBUG": false, "RATIO": 0.50},
    "state": "Stopped",
    "restartGeneration": 4,
    "ports": [
      {"containerPort": 8080, "hostPort": 18080, "protocol": "tcp"},
      {"containerPort": 9000, "protocol": "udp", "hostIP": "::1"}
    ],
    "healthCheck": {
      "command": ["/bin/wget", "-q", "http://127.0.0.1:8080/"],
      "intervalSeconds": 2,
      "timeoutSeconds": 1,
      "retries": 0
    },
    "stopTimeoutSeconds": 0,
    "resources": {"memoryMiB": 256, "cpus": 0.5},
    "nodeName": "node-a",
    "nodeSelector": {"topology.kubernetes.io/zone": "eu-west-1a", "rack": 7}
  }
}
)";

ParsedManifestFile ParseJson(std::string_view content) {
  return ParseManifest("games/lobby.json", content);
}

ManifestProblem JsonProblem(int line, std::string field, std::string message,
                            int document_index = 0) {
  return Problem(line, std::move(field), std::move(message), document_index,
                 "games/lobby.json");
}

std::vector<std::pair<std::string, std::string>> FieldsAndMessages(
    const ParsedManifestFile& file) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const ManifestProblem& problem : file.problems) {
    out.emplace_back(problem.field, problem.message);
  }
  return out;
}

TEST(ManifestFormatsTest, TheSameManifestInYamlAndJsonGivesTheSameRuntime) {
  ParsedManifestFile yaml = ParseManifest("lobby.yaml", kFullYaml);
  ParsedManifestFile json = ParseManifest("lobby.json", kFullJson);
  ASSERT_THAT(yaml.problems, IsEmpty());
  ASSERT_THAT(json.problems, IsEmpty());
  ASSERT_THAT(yaml.runtimes, SizeIs(1));
  ASSERT_THAT(json.runtimes, SizeIs(1));
  EXPECT_EQ(yaml.runtimes[0].name, json.runtimes[0].name);
  EXPECT_EQ(yaml.runtimes[0].labels, json.runtimes[0].labels);
  EXPECT_EQ(yaml.runtimes[0].spec, json.runtimes[0].spec);
  EXPECT_THAT(json.runtimes[0].spec.env,
              ElementsAre(Pair("DEBUG", "false"), Pair("MAP", "nebula"),
                          Pair("PLAYERS", "16"), Pair("RATIO", "0.50")));
  EXPECT_EQ(json.runtimes[0].spec.node_name, "node-a");
  EXPECT_THAT(json.runtimes[0].spec.node_selector,
              ElementsAre(Pair("rack", "7"),
                          Pair("topology.kubernetes.io/zone", "eu-west-1a")));
  EXPECT_EQ(
      json.runtimes[0].source,
      (ManifestSource{.path = "lobby.json", .document_index = 0, .line = 1}));
}

TEST(ManifestFormatsTest, TheSameMistakesGiveTheSameProblemsInBothFormats) {
  ParsedManifestFile yaml = ParseManifest(
      "bad.yaml",
      "apiVersion: rtmanager.galaxy/v1\n"
      "kind: GameRuntime\n"
      "metadata: {name: Bad, extra: 1}\n"
      "spec:\n"
      "  command: [1, \"x\"]\n"
      "  restartGeneration: \"2\"\n"
      "  ports: [{containerPort: 8080.0, hostPort: true, protocol: sctp}]\n"
      "  resources: {cpus: \"1\", memoryMiB: -1}\n"
      "  nodeName: 7\n"
      "  nodeSelector: {zone: [eu], \"a b\": c, disk: \"\"}\n");
  ParsedManifestFile json = ParseManifest(
      "bad.json",
      R"({"apiVersion": "rtmanager.galaxy/v1", "kind": "GameRuntime",
          "metadata": {"name": "Bad", "extra": 1},
          "spec": {"command": [1, "x"], "restartGeneration": "2",
                   "ports": [{"containerPort": 8080.0, "hostPort": true,
                              "protocol": "sctp"}],
                   "resources": {"cpus": "1", "memoryMiB": -1},
                   "nodeName": 7,
                   "nodeSelector": {"zone": ["eu"], "a b": "c", "disk": ""}}})");
  EXPECT_THAT(FieldsAndMessages(json), SizeIs(14));
  EXPECT_THAT(FieldsAndMessages(json),
              ::testing::IsSupersetOf(
                  {Pair("spec.nodeName", "must be a string"),
                   Pair("spec.nodeSelector[\"zone\"]", "must be a string"),
                   Pair("spec.nodeSelector[\"a b\"]",
                        "key must be 1..253 characters of [A-Za-z0-9._/-]"),
                   Pair("spec.nodeSelector[\"disk\"]",
                        "must be 1..63 characters of [A-Za-z0-9._/-]")}));
  EXPECT_EQ(FieldsAndMessages(yaml), FieldsAndMessages(json));
}

TEST(ManifestFormatsTest, JsonLinesPointAtTheOffendingMember) {
  ParsedManifestFile file = ParseJson(
      "{\n"                                                           // 1
      "  \"apiVersion\": \"rtmanager.galaxy/v1\",\n"                  // 2
      "  \"kind\": \"GameRuntime\",\n"                                // 3
      "  \"metadata\": {\"name\": \"duel-1\"},\n"                     // 4
      "  \"spec\": {\n"                                               // 5
      "    \"image\": \"i\",\n"                                       // 6
      "    \"restartGeneration\":\n"                                  // 7
      "      -1\n"                                                    // 8
      "    ,\n"                                                       // 9
      "    \"stopTimeoutSeconds\": 1e3,\n"                            // 10
      "    \"ports\": [{\"containerPort\": 80, \"hostPort\": 80},\n"  // 11
      "              {\"containerPort\": 81,\n"                       // 12
      "               \"hostPort\": 80}],\n"                          // 13
      "    \"extra\": true\n"                                         // 14
      "  }\n"
      "}\n");
  EXPECT_THAT(
      file.problems,
      ElementsAre(
          JsonProblem(14, "spec.extra", "unknown field"),
          JsonProblem(8, "spec.restartGeneration", "must be >= 0"),
          JsonProblem(12, "spec.ports[1].hostPort",
                      "already published by spec.ports[0]"),
          JsonProblem(10, "spec.stopTimeoutSeconds", "must be an integer")));
}

TEST(ManifestFormatsTest, JsonMissingFieldIsReportedAtItsParentKey) {
  EXPECT_THAT(ParseJson("{\"apiVersion\": \"rtmanager.galaxy/v1\",\n"
                        " \"kind\": \"GameRuntime\",\n"
                        " \"metadata\": {\"name\": \"a\"},\n"
                        " \"spec\":\n"
                        "   {\"command\": [\"x\"]}}\n")
                  .problems,
              ElementsAre(JsonProblem(4, "spec.image", "required")));
}

TEST(ManifestFormatsTest, JsonTypesAreTakenAsWritten) {
  auto with_port = [](std::string_view container_port) {
    return R"({"apiVersion": "rtmanager.galaxy/v1", "kind": "GameRuntime",
               "metadata": {"name": "a"},
               "spec": {"image": "i", "ports": [{"containerPort": )" +
           std::string(container_port) + "}]}}";
  };
  for (std::string_view value : {"\"80\"", "80.0", "8e1", "true", "[80]"}) {
    SCOPED_TRACE(value);
    EXPECT_THAT(ParseJson(with_port(value)).problems,
                ElementsAre(JsonProblem(3, "spec.ports[0].containerPort",
                                        "must be an integer")));
  }
  for (std::string_view value : {"18446744073709551616", "-9223372036854775809",
                                 "99999999999999999999999"}) {
    SCOPED_TRACE(value);
    EXPECT_THAT(ParseJson(with_port(value)).problems,
                ElementsAre(JsonProblem(3, "spec.ports[0].containerPort",
                                        "must be in 1..65535")));
  }
  EXPECT_THAT(
      ParseJson(with_port("null")).problems,
      ElementsAre(JsonProblem(3, "spec.ports[0].containerPort", "required")));
  EXPECT_TRUE(ParseJson(with_port("80")).ok());
}

TEST(ManifestFormatsTest, JsonRepeatedKeyIsAProblem) {
  EXPECT_THAT(ParseJson("{\"apiVersion\": \"rtmanager.galaxy/v1\",\n"
                        " \"kind\": \"GameRuntime\",\n"
                        " \"metadata\": {\"name\": \"a\"},\n"
                        " \"spec\": {\"image\": \"i\",\n"
                        "          \"image\": \"j\"}}\n")
                  .problems,
              ElementsAre(JsonProblem(5, "spec.image",
                                      "duplicate field, first set at line 4")));
}

TEST(ManifestFormatsTest, JsonArrayHoldsOneDocumentPerElement) {
  ParsedManifestFile file = ParseJson(
      "[\n"
      "  {\"apiVersion\": \"rtmanager.galaxy/v1\", \"kind\": \"GameRuntime\",\n"
      "   \"metadata\": {\"name\": \"one\"}, \"spec\": {\"image\": \"i\"}},\n"
      "  \"not an object\",\n"
      "  {\"apiVersion\": \"rtmanager.galaxy/v1\", \"kind\": \"GameRuntime\",\n"
      "   \"metadata\": {\"name\": \"two\"}, \"spec\": {\"image\": \"i\"}},\n"
      "  {\"apiVersion\": \"rtmanager.galaxy/v1\", \"kind\": \"GameRuntime\",\n"
      "   \"metadata\": {\"name\": \"one\"}, \"spec\": {\"image\": \"i\"}}\n"
      "]\n");
  EXPECT_THAT(
      file.problems,
      ElementsAre(JsonProblem(4, "", "must be a map", 1),
                  JsonProblem(8, "metadata.name",
                              "duplicate name \"one\", first declared at "
                              "line 3",
                              3)));
  ASSERT_THAT(file.runtimes, SizeIs(2));
  EXPECT_EQ(file.runtimes[0].name, "one");
  EXPECT_EQ(file.runtimes[0].source,
            (ManifestSource{
                .path = "games/lobby.json", .document_index = 0, .line = 2}));
  EXPECT_EQ(file.runtimes[1].name, "two");
  EXPECT_EQ(file.runtimes[1].source.document_index, 2);
  EXPECT_EQ(file.runtimes[1].source.line, 5);
}

TEST(ManifestFormatsTest, JsonEmptyArrayDeclaresNothing) {
  ParsedManifestFile file = ParseJson("[]\n");
  EXPECT_TRUE(file.ok());
  EXPECT_THAT(file.runtimes, IsEmpty());
}

TEST(ManifestFormatsTest, JsonTopLevelScalarIsAFileProblem) {
  EXPECT_THAT(ParseJson("\n\"GameRuntime\"\n").problems,
              ElementsAre(JsonProblem(
                  2, "", "must be an object or an array of objects", -1)));
}

TEST(ManifestFormatsTest, JsonSyntaxErrorNamesItsLine) {
  ParsedManifestFile file = ParseJson(
      "{\"apiVersion\": \"rtmanager.galaxy/v1\",\n"
      " \"kind\": \"GameRuntime\",\n"
      " \"metadata\": {\"name\": \"a\"},}\n");
  EXPECT_THAT(file.runtimes, IsEmpty());
  EXPECT_THAT(
      file.problems,
      ElementsAre(AllOf(
          Field(&ManifestProblem::document_index, -1),
          Field(&ManifestProblem::line, 3), Field(&ManifestProblem::field, ""),
          Field(&ManifestProblem::message,
                "syntax error while parsing object key - unexpected '}'; "
                "expected string literal"))));
}

TEST(ManifestFormatsTest, EmptyJsonFileIsASyntaxError) {
  EXPECT_THAT(ParseJson("").problems,
              ElementsAre(Field(&ManifestProblem::message,
                                StartsWith("syntax error while parsing value "
                                           "- unexpected end of input"))));
}

}  // namespace
}  // namespace rtm
