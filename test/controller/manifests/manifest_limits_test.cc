// Bounded input: file size, document count, node and text budgets (YAML
// alias bombs), nesting depth, syntax errors; nothing ever throws.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "controller/manifests/manifest_parser.h"
#include "test/controller/manifests/manifest_test_support.h"

namespace rtm {
namespace {

using manifest_test::kMinimalYaml;
using manifest_test::kPath;
using manifest_test::Parse;
using manifest_test::Problem;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// "a0: &a0 [x, x, ...]" then each level a list of `fan_out` aliases of the
// previous one: fan_out^levels leaves once expanded.
std::string AliasBomb(int levels, int fan_out) {
  std::string text = "a0: &a0 [";
  for (int i = 0; i < fan_out; ++i) text += i ? ", lol" : "lol";
  text += "]\n";
  for (int level = 1; level <= levels; ++level) {
    const std::string previous = "*a" + std::to_string(level - 1);
    text += "a" + std::to_string(level) + ": &a" + std::to_string(level) + " [";
    for (int i = 0; i < fan_out; ++i) text += (i ? ", " : "") + previous;
    text += "]\n";
  }
  return text;
}

TEST(ManifestLimitsTest, BillionLaughsStopsAtTheNodeLimit) {
  const std::string bomb = AliasBomb(9, 9);
  ASSERT_LT(bomb.size(), 1000u);
  ParsedManifestFile file = Parse(bomb);
  EXPECT_THAT(file.runtimes, IsEmpty());
  EXPECT_THAT(file.problems,
              ElementsAre(AllOf(
                  Field(&ManifestProblem::document_index, 0),
                  Field(&ManifestProblem::field, ""),
                  Field(&ManifestProblem::message,
                        "more than 200000 nodes (a YAML alias counts once "
                        "per use)"))));
}

TEST(ManifestLimitsTest, AnAliasBombInsideAValidManifestIsStoppedToo) {
  std::string content(kMinimalYaml);
  content += "  env: {A: x}\n";
  content += "  x-anchors:\n";
  std::string bomb = AliasBomb(9, 9);
  for (size_t at = 0; at < bomb.size(); at = bomb.find('\n', at) + 1) {
    bomb.insert(at, "    ");
    at += 4;
  }
  ParsedManifestFile file = Parse(content + bomb);
  EXPECT_THAT(file.runtimes, IsEmpty());
  EXPECT_THAT(file.problems,
              ElementsAre(Field(&ManifestProblem::message,
                                HasSubstr("more than 200000 nodes"))));
}

TEST(ManifestLimitsTest, RepeatedLongStringsStopAtTheTextLimit) {
  std::string content = "big: &big " + std::string(100000, 'x') + "\nrefs: [";
  for (int i = 0; i < 200; ++i) content += i ? ", *big" : "*big";
  content += "]\n";
  EXPECT_THAT(Parse(content).problems,
              ElementsAre(Field(&ManifestProblem::message,
                                "more than 8388608 bytes of text (a YAML "
                                "alias counts once per use)")));
}

TEST(ManifestLimitsTest, ASelfReferencingAliasStopsAtTheDepthLimit) {
  EXPECT_THAT(Parse("&loop [*loop]\n").problems,
              ElementsAre(Problem(1, "", "nesting deeper than 64 levels")));
}

TEST(ManifestLimitsTest, DeepNestingIsRefusedInBothFormats) {
  const std::string deep_yaml =
      "a: " + std::string(10000, '[') + std::string(10000, ']') + "\n";
  ParsedManifestFile yaml = Parse(deep_yaml);
  EXPECT_THAT(yaml.runtimes, IsEmpty());
  EXPECT_THAT(yaml.problems,
              ElementsAre(Field(&ManifestProblem::document_index, -1)));
  const std::string deep_json =
      std::string(200000, '[') + std::string(200000, ']');
  EXPECT_THAT(ParseManifest("deep.json", deep_json).problems,
              ElementsAre(Problem(1, "", "nesting deeper than 64 levels", -1,
                                  "deep.json")));
}

TEST(ManifestLimitsTest, NodeLimitAppliesToJson) {
  std::string content = "[";
  for (int i = 0; i < 20; ++i) content += i ? ",1" : "1";
  content += "]";
  ManifestLimits limits;
  limits.max_nodes = 10;
  EXPECT_THAT(ParseManifest("many.json", content, limits).problems,
              ElementsAre(Field(&ManifestProblem::message,
                                "more than 10 nodes (a YAML alias counts "
                                "once per use)")));
}

TEST(ManifestLimitsTest, AnOversizeFileIsNotParsed) {
  ManifestLimits limits;
  limits.max_file_bytes = kMinimalYaml.size();
  EXPECT_TRUE(ParseManifest(kPath, kMinimalYaml, limits).ok());
  const std::string content = std::string(kMinimalYaml) + "#";
  ParsedManifestFile file = ParseManifest(kPath, content, limits);
  EXPECT_THAT(file.runtimes, IsEmpty());
  EXPECT_THAT(file.problems,
              ElementsAre(Problem(0, "",
                                  "file is " + std::to_string(content.size()) +
                                      " bytes, more than the limit of " +
                                      std::to_string(kMinimalYaml.size()),
                                  -1)));
}

TEST(ManifestLimitsTest, DefaultSizeLimitIsOneMebibyte) {
  const std::string content(size_t{1} << 20 | 1, '#');
  EXPECT_THAT(Parse(content).problems,
              ElementsAre(Problem(0, "",
                                  "file is 1048577 bytes, more than the limit "
                                  "of 1048576",
                                  -1)));
}

TEST(ManifestLimitsTest, TooManyDocumentsIsAFileProblem) {
  ManifestLimits limits;
  limits.max_documents = 2;
  const std::string content = "a: 1\n---\nb: 2\n---\nc: 3\n";
  ParsedManifestFile file = ParseManifest(kPath, content, limits);
  EXPECT_THAT(file.runtimes, IsEmpty());
  EXPECT_THAT(file.problems,
              ElementsAre(Problem(5, "", "more than 2 documents", -1)));
  EXPECT_THAT(
      ParseManifest("many.json", "[{}, {}, {}]", limits).problems,
      ElementsAre(Problem(1, "", "more than 2 documents", -1, "many.json")));
}

TEST(ManifestLimitsTest, YamlSyntaxErrorCarriesYamlCppLineAndMessage) {
  ParsedManifestFile file = Parse(
      "apiVersion: rtmanager.galaxy/v1\n"
      "kind: GameRuntime\n"
      "metadata:\n"
      "  name: a\n"
      " spec: {}\n");
  EXPECT_THAT(file.runtimes, IsEmpty());
  EXPECT_THAT(file.problems,
              ElementsAre(Problem(5, "", "end of map not found", -1)));
  EXPECT_THAT(Parse("a: b: c\n").problems,
              ElementsAre(Problem(1, "", "illegal map value", -1)));
  EXPECT_THAT(Parse("spec:\n  ports: [1,\n    2}\n").problems,
              ElementsAre(Problem(3, "", "illegal flow end", -1)));
  EXPECT_THAT(
      Parse("a: *nowhere\n").problems,
      ElementsAre(Problem(1, "", "the referenced anchor is not defined", -1)));
}

// yaml-cpp 0.7's LoadAll never returns on these (it repeats an empty
// document forever); found by test/fuzz/manifest_fuzzer.cc.
TEST(ManifestLimitsTest, StreamsThatStallYamlCppAreSyntaxErrors) {
  EXPECT_THAT(Parse(",\n").problems,
              ElementsAre(Problem(1, "", "unexpected character", -1)));
  EXPECT_THAT(Parse("{\ntmay/v1\",\n  {\"fleu\"}},\"spec\":{\"imag}\n").problems,
              ElementsAre(Problem(3, "", "unexpected character", -1)));
  EXPECT_THAT(Parse(std::string(kMinimalYaml) + "---\n,\n").problems,
              ElementsAre(Problem(8, "", "unexpected character", -1)));
}

TEST(ManifestLimitsTest, ASyntaxErrorInALaterDocumentRejectsTheWholeFile) {
  ParsedManifestFile file =
      Parse(std::string(kMinimalYaml) + "---\nkey: [a, b}\n");
  EXPECT_THAT(file.runtimes, IsEmpty());
  EXPECT_THAT(file.problems,
              ElementsAre(Problem(8, "", "illegal flow end", -1)));
}

TEST(ManifestLimitsTest, EmptyDocumentsDoNotCountAgainstTheDocumentLimit) {
  ManifestLimits limits;
  limits.max_documents = 1;
  ParsedManifestFile file = ParseManifest(
      kPath, "---\n---\n" + std::string(kMinimalYaml) + "---\n", limits);
  EXPECT_TRUE(file.ok());
  EXPECT_EQ(file.runtimes.size(), 1u);
}

TEST(ManifestLimitsTest, NeverThrowsOnAnyPrefixOfAManifest) {
  const std::string yaml = std::string(kMinimalYaml) +
                           "  ports: [{containerPort: 80, hostIP: \"::1\"}]\n"
                           "  env: &e {A: 'b'}\n"
                           "---\n"
                           "x: *e\n";
  const std::string json =
      R"([{"apiVersion": "rtmanager.galaxy/v1", "kind": "GameRuntime",
          "metadata": {"name": "a"}, "spec": {"image": "i\u00e9",
          "ports": [{"containerPort": 80}], "resources": {"cpus": 1.5e0}}}])";
  for (size_t size = 0; size <= yaml.size(); ++size) {
    EXPECT_NO_THROW(Parse(yaml.substr(0, size)));
  }
  for (size_t size = 0; size <= json.size(); ++size) {
    EXPECT_NO_THROW(ParseManifest("x.json", json.substr(0, size)));
  }
}

TEST(ManifestLimitsTest, NeverThrowsOnBinaryGarbage) {
  std::string garbage;
  unsigned state = 12345;
  for (int i = 0; i < 4096; ++i) {
    state = state * 1103515245 + 12345;
    garbage.push_back(static_cast<char>(state >> 16));
  }
  for (size_t offset = 0; offset < garbage.size(); offset += 97) {
    const std::string chunk = garbage.substr(offset, 300);
    EXPECT_NO_THROW(Parse(chunk));
    EXPECT_NO_THROW(ParseManifest("x.json", chunk));
  }
  EXPECT_FALSE(Parse(std::string("a: \0\xff\xfe", 6)).ok());
}

}  // namespace
}  // namespace rtm
