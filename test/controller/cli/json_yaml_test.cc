#include "controller/cli/json_yaml.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

namespace rtm {
namespace {

using Json = nlohmann::json;

TEST(JsonToYamlTest, RendersNestedObjectsAndListsInBlockStyle) {
  const Json value = Json::parse(R"({
    "metadata": {"name": "lobby-eu-1", "generation": 3},
    "spec": {"command": ["/bin/httpd", "-f"], "env": {}, "ports": [],
             "resources": {"cpus": 0.25}, "healthy": true, "gone": null}})");
  EXPECT_EQ(JsonToYaml(value),
            "metadata:\n"
            "  generation: 3\n"
            "  name: lobby-eu-1\n"
            "spec:\n"
            "  command:\n"
            "    - /bin/httpd\n"
            "    - -f\n"
            "  env: {}\n"
            "  gone: ~\n"
            "  healthy: true\n"
            "  ports: []\n"
            "  resources:\n"
            "    cpus: 0.25\n");
}

TEST(JsonToYamlTest, QuotesStringsYamlWouldReadAsAnotherType) {
  const Json value = Json::parse(R"({"a": "8080", "b": "true", "c": "null", "d": "",
    "e": "1.5", "f": "yes", "g": "2026-11-25T02:58:36.132Z", "h": "plain", "i": "~"})");
  const std::string yaml = JsonToYaml(value);
  EXPECT_NE(yaml.find("a: \"8080\"\n"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("b: \"true\"\n"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("c: \"null\"\n"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("d: \"\"\n"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("e: \"1.5\"\n"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("f: \"yes\"\n"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("g: \"2026-11-25T02:58:36.132Z\"\n"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("h: plain\n"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("i: \"~\"\n"), std::string::npos) << yaml;
}

TEST(JsonToYamlTest, TrickyStringsReadBackUnchanged) {
  const std::vector<std::string> tricky{
      "a: b", "- x", "#x", "x #y", " lead", "trail ", "line\nbreak", "it's",
      "say \"hi\"", "[1]", "{a}", "*ref", "&anchor", "!tag", "%x", "@x", "`x", "|", ">"};
  Json value = Json::object();
  for (size_t i = 0; i < tricky.size(); ++i) value["k" + std::to_string(i)] = tricky[i];
  const YAML::Node loaded = YAML::Load(JsonToYaml(value));
  for (size_t i = 0; i < tricky.size(); ++i) {
    EXPECT_EQ(loaded["k" + std::to_string(i)].as<std::string>(), tricky[i]);
  }
}

TEST(JsonToYamlTest, ScalarsAndEmptyTopLevelValues) {
  EXPECT_EQ(JsonToYaml(Json::object()), "{}\n");
  EXPECT_EQ(JsonToYaml(Json::array()), "[]\n");
  EXPECT_EQ(JsonToYaml(Json(7)), "7\n");
}

}  // namespace
}  // namespace rtm
