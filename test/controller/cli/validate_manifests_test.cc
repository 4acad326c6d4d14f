#include "controller/cli/validate_manifests.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace rtm {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

std::string Manifest(const std::string& name, const std::string& extra_spec = "") {
  return "apiVersion: rtmanager.galaxy/v1\n"
         "kind: GameRuntime\n"
         "metadata:\n"
         "  name: " + name + "\n"
         "spec:\n"
         "  image: galaxy/game:1\n" + extra_spec;
}

// A game with metadata.labels, e.g. "{fleet: eu}".
std::string LabelledManifest(const std::string& name, const std::string& labels) {
  return "apiVersion: rtmanager.galaxy/v1\n"
         "kind: GameRuntime\n"
         "metadata:\n"
         "  name: " + name + "\n"
         "  labels: " + labels + "\n"
         "spec:\n"
         "  image: galaxy/game:1\n";
}

// A DisruptionBudget selecting `match_labels`, e.g. "{fleet: eu}".
std::string BudgetManifest(const std::string& name, const std::string& match_labels,
                           const std::string& max_unavailable = "1") {
  return "apiVersion: rtmanager.galaxy/v1\n"
         "kind: DisruptionBudget\n"
         "metadata:\n"
         "  name: " + name + "\n"
         "spec:\n"
         "  selector:\n"
         "    matchLabels: " + match_labels + "\n"
         "  maxUnavailable: " + max_unavailable + "\n";
}

class ValidateManifestsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "rtm_validate_XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  std::string Write(const std::string& relative, const std::string& content) {
    const std::filesystem::path path = root_ / relative;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path) << content;
    return path.string();
  }

  std::vector<std::string> Lines(const ValidationReport& report) {
    std::vector<std::string> lines;
    for (const ManifestProblem& problem : report.problems) lines.push_back(problem.Format());
    return lines;
  }

  std::filesystem::path root_;
};

TEST_F(ValidateManifestsTest, ValidFilesCountManifestsAndRuntimes) {
  const std::string a = Write("a.yaml", Manifest("game-a") + "---\n" + Manifest("game-b"));
  const std::string b = Write(
      "b.json",
      R"({"apiVersion": "rtmanager.galaxy/v1", "kind": "GameRuntime",
          "metadata": {"name": "game-c"}, "spec": {"image": "galaxy/game:1"}})");
  const ValidationReport report = ValidateManifests({a, b});
  EXPECT_TRUE(report.ok());
  EXPECT_EQ(report.files, 2u);
  EXPECT_EQ(report.runtimes, 3u);
  EXPECT_EQ(FormatValidationReport(report), "2 manifests valid (3 runtimes)\n");
}

TEST_F(ValidateManifestsTest, InvalidFileReportsEachProblemWithItsLine) {
  const std::string path =
      Write("bad.yaml", Manifest("game-a", "  restartGeneration: -1\n  colour: red\n"));
  const ValidationReport report = ValidateManifests({path});
  EXPECT_FALSE(report.ok());
  EXPECT_THAT(Lines(report),
              ElementsAre(path + ":7: spec.restartGeneration: must be >= 0",
                          path + ":8: spec.colour: unknown field"));
  EXPECT_EQ(FormatValidationReport(report),
            path + ":7: spec.restartGeneration: must be >= 0\n" + path +
                ":8: spec.colour: unknown field\n");
}

TEST_F(ValidateManifestsTest, DuplicateNameAcrossFilesPointsAtTheFirstDeclaration) {
  const std::string first = Write("a.yaml", Manifest("game-a"));
  const std::string second =
      Write("b.yaml", Manifest("game-b") + "---\n" + Manifest("game-a"));
  const ValidationReport report = ValidateManifests({first, second});
  EXPECT_THAT(Lines(report),
              ElementsAre(second + ":8: metadata.name: duplicate name \"game-a\" "
                                   "(first declared at " + first + ":1)"));
  EXPECT_EQ(report.runtimes, 2u);
}

TEST_F(ValidateManifestsTest, DirectoriesAreWalkedRecursivelyInPathOrder) {
  Write("games/eu/lobby.yaml", Manifest("lobby-eu-1"));
  Write("games/us/arena.yml", Manifest("arena-us-1"));
  Write("games/.hidden.yaml", "not: [valid");
  Write("games/notes.txt", "not a manifest");
  Write("games/eu/lobby.yaml~", "editor backup");
  Write("games/us/copy.json",
        R"({"apiVersion": "rtmanager.galaxy/v1", "kind": "GameRuntime",
            "metadata": {"name": "lobby-eu-1"}, "spec": {"image": "x"}})");
  const std::string dir = (root_ / "games").string();
  const ValidationReport report = ValidateManifests({dir});
  EXPECT_EQ(report.files, 3u);
  EXPECT_EQ(report.runtimes, 2u);
  EXPECT_THAT(Lines(report),
              ElementsAre(dir + "/us/copy.json:1: metadata.name: duplicate name "
                                "\"lobby-eu-1\" (first declared at " +
                          dir + "/eu/lobby.yaml:1)"));
}

TEST_F(ValidateManifestsTest, AFileNamedTwiceIsReadOnce) {
  const std::string path = Write("a.yaml", Manifest("game-a"));
  const ValidationReport report = ValidateManifests({path, root_.string() + "/"});
  EXPECT_TRUE(report.ok()) << ::testing::PrintToString(Lines(report));
  EXPECT_EQ(report.files, 1u);
}

TEST_F(ValidateManifestsTest, ExplicitFileOfAnotherTypeIsAProblem) {
  const std::string path = Write("notes.txt", "hello");
  const ValidationReport report = ValidateManifests({path});
  EXPECT_THAT(Lines(report), ElementsAre(path + ": unsupported file type (want .yaml, .yml "
                                                "or .json)"));
}

TEST_F(ValidateManifestsTest, MissingPathIsUnreadable) {
  const std::string missing = (root_ / "missing.yaml").string();
  const ValidationReport report = ValidateManifests({missing});
  EXPECT_FALSE(report.ok());
  EXPECT_THAT(report.unreadable,
              ElementsAre("cannot read " + missing + ": No such file or directory"));
  EXPECT_EQ(FormatValidationReport(report), "");
}

TEST_F(ValidateManifestsTest, UnreadableFileIsReported) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads every file";
  const std::string path = Write("locked.yaml", Manifest("game-a"));
  ::chmod(path.c_str(), 0);
  const ValidationReport report = ValidateManifests({path});
  EXPECT_THAT(report.unreadable, ElementsAre(HasSubstr("cannot read " + path)));
}

TEST_F(ValidateManifestsTest, EmptyDirectoryIsValid) {
  std::filesystem::create_directories(root_ / "empty");
  const ValidationReport report = ValidateManifests({(root_ / "empty").string()});
  EXPECT_EQ(FormatValidationReport(report), "0 manifests valid (0 runtimes)\n");
}

TEST_F(ValidateManifestsTest, DisruptionBudgetsAreCountedInTheSummary) {
  const std::string games =
      Write("games.yaml", LabelledManifest("eu-1", "{fleet: eu}") + "---\n" +
                              LabelledManifest("us-1", "{fleet: us}"));
  const std::string budgets = Write("budgets.yaml", BudgetManifest("eu", "{fleet: eu}", "10%"));
  const ValidationReport one = ValidateManifests({games, budgets});
  EXPECT_TRUE(one.ok()) << ::testing::PrintToString(Lines(one));
  EXPECT_EQ(one.files, 2u);
  EXPECT_EQ(one.runtimes, 2u);
  EXPECT_EQ(one.budgets, 1u);
  EXPECT_TRUE(one.warnings.empty());
  EXPECT_EQ(FormatValidationReport(one),
            "2 manifests valid (2 runtimes, 1 disruption budget)\n");

  const std::string more = Write("more.yaml", BudgetManifest("us", "{fleet: us}"));
  const ValidationReport two = ValidateManifests({games, budgets, more});
  EXPECT_TRUE(two.ok()) << ::testing::PrintToString(Lines(two));
  EXPECT_EQ(two.budgets, 2u);
  EXPECT_EQ(FormatValidationReport(two),
            "3 manifests valid (2 runtimes, 2 disruption budgets)\n");
}

TEST_F(ValidateManifestsTest, AGameAndABudgetMayShareANameAcrossFiles) {
  const std::string games = Write("a.yaml", LabelledManifest("fleet", "{fleet: eu}"));
  const std::string budgets = Write("b.yaml", BudgetManifest("fleet", "{fleet: eu}"));
  const ValidationReport report = ValidateManifests({games, budgets});
  EXPECT_TRUE(report.ok()) << ::testing::PrintToString(Lines(report));
  EXPECT_EQ(report.runtimes, 1u);
  EXPECT_EQ(report.budgets, 1u);
}

TEST_F(ValidateManifestsTest, OverlappingBudgetsAreAProblemAtTheLaterBudget) {
  const std::string games = Write(
      "games.yaml", LabelledManifest("g-c", "{fleet: eu, tier: gold}") + "---\n" +
                        LabelledManifest("g-a", "{fleet: eu, tier: gold}") + "---\n" +
                        LabelledManifest("g-b", "{fleet: eu, tier: gold}") + "---\n" +
                        LabelledManifest("g-d", "{fleet: eu}"));
  const std::string first = Write("a-budgets.yaml", BudgetManifest("a", "{fleet: eu}"));
  // The later budget is the second document of its file (line 10).
  const std::string later =
      Write("b-budgets.yaml", BudgetManifest("other", "{fleet: mars}") + "---\n" +
                                  BudgetManifest("b", "{tier: gold}"));
  const ValidationReport report = ValidateManifests({games, first, later});
  EXPECT_FALSE(report.ok());
  EXPECT_THAT(Lines(report),
              ElementsAre(later + ":10: spec.selector: overlaps budget \"a\" (" + first +
                          ":1): both select \"g-a\" and 2 more games; a game may have "
                          "one disruption budget"));
  // Not a summary: there is a problem.
  EXPECT_THAT(FormatValidationReport(report), Not(HasSubstr("manifests valid")));
  EXPECT_THAT(FormatValidationReport(report),
              HasSubstr("warning: " + later + ":1: spec.selector: selects no game in "
                        "these manifests\n"));
}

TEST_F(ValidateManifestsTest, AnOverlapOnOneOrTwoGamesIsWorded) {
  const std::string games =
      Write("games.yaml", LabelledManifest("g1", "{fleet: eu, tier: gold}") + "---\n" +
                              LabelledManifest("g2", "{fleet: eu, tier: gold}") + "---\n" +
                              LabelledManifest("g3", "{fleet: eu}") + "---\n" +
                              LabelledManifest("g4", "{tier: gold}"));
  const std::string a = Write("a.yaml", BudgetManifest("a", "{fleet: eu}"));
  const std::string b = Write("b.yaml", BudgetManifest("b", "{tier: gold}"));
  EXPECT_THAT(Lines(ValidateManifests({games, a, b})),
              ElementsAre(b + ":1: spec.selector: overlaps budget \"a\" (" + a +
                          ":1): both select \"g1\" and 1 more game; a game may have "
                          "one disruption budget"));

  const std::string c = Write("c.yaml", BudgetManifest("c", "{fleet: eu, tier: gold}"));
  const std::string one_game = Write("one.yaml", LabelledManifest("solo", "{fleet: eu, tier: gold}"));
  EXPECT_THAT(Lines(ValidateManifests({one_game, a, c})),
              ElementsAre(c + ":1: spec.selector: overlaps budget \"a\" (" + a +
                          ":1): both select \"solo\"; a game may have one disruption "
                          "budget"));
}

TEST_F(ValidateManifestsTest, ABudgetOverlappingTwoEarlierBudgetsIsAProblemForEach) {
  const std::string games =
      Write("games.yaml", LabelledManifest("eu-1", "{fleet: eu, all: yes}") + "---\n" +
                              LabelledManifest("us-1", "{fleet: us, all: yes}"));
  const std::string eu = Write("a.yaml", BudgetManifest("eu", "{fleet: eu}"));
  const std::string us = Write("b.yaml", BudgetManifest("us", "{fleet: us}"));
  const std::string all = Write("c.yaml", BudgetManifest("all", "{all: \"yes\"}"));
  EXPECT_THAT(
      Lines(ValidateManifests({games, eu, us, all})),
      ElementsAre(all + ":1: spec.selector: overlaps budget \"eu\" (" + eu +
                      ":1): both select \"eu-1\"; a game may have one disruption budget",
                  all + ":1: spec.selector: overlaps budget \"us\" (" + us +
                      ":1): both select \"us-1\"; a game may have one disruption budget"));
}

TEST_F(ValidateManifestsTest, DuplicateBudgetNameAcrossFilesPointsAtTheFirstDeclaration) {
  const std::string games = Write("games.yaml", LabelledManifest("eu-1", "{fleet: eu}") +
                                                    "---\n" +
                                                    LabelledManifest("us-1", "{fleet: us}"));
  const std::string first = Write("a.yaml", BudgetManifest("fleet", "{fleet: eu}"));
  const std::string second = Write(
      "b.yaml", LabelledManifest("x-1", "{fleet: x}") + "---\n" +
                    BudgetManifest("fleet", "{fleet: us}"));
  const ValidationReport report = ValidateManifests({games, first, second});
  EXPECT_THAT(Lines(report),
              ElementsAre(second + ":9: metadata.name: duplicate budget name \"fleet\" "
                                   "(first declared at " + first + ":1)"));
  EXPECT_EQ(report.budgets, 1u);
  EXPECT_EQ(report.runtimes, 3u);
}

TEST_F(ValidateManifestsTest, ABudgetSelectingNoGameIsAWarning) {
  const std::string games = Write("games.yaml", LabelledManifest("eu-1", "{fleet: eu}"));
  const std::string budgets = Write("budgets.yaml", BudgetManifest("mars", "{fleet: mars}"));
  const ValidationReport report = ValidateManifests({games, budgets});
  EXPECT_TRUE(report.ok()) << ::testing::PrintToString(Lines(report));
  EXPECT_THAT(report.warnings,
              ElementsAre(budgets + ":1: spec.selector: selects no game in these manifests"));
  EXPECT_EQ(FormatValidationReport(report),
            "warning: " + budgets +
                ":1: spec.selector: selects no game in these manifests\n"
                "2 manifests valid (1 runtimes, 1 disruption budget)\n");
}

TEST_F(ValidateManifestsTest, AValueUnderASecretsNameIsAWarning) {
  const std::string path = Write(
      "game.yaml", Manifest("game-a", "  env: {MAP: nebula, RCON_PASSWORD: hunter2}\n"
                                      "  secretEnv: {ADMIN_TOKEN: {file: admin}}\n"));
  const ValidationReport report = ValidateManifests({path});
  EXPECT_TRUE(report.ok()) << ::testing::PrintToString(Lines(report));
  EXPECT_THAT(report.warnings,
              ElementsAre(path + ":1: spec.env.RCON_PASSWORD: looks like a secret; put it in a "
                                 "file under --secrets-dir and name it in spec.secretEnv"));
}

TEST_F(ValidateManifestsTest, AnInvalidBudgetIsNotCounted) {
  const std::string budgets =
      Write("budgets.yaml", BudgetManifest("fleet", "{fleet: eu}", "150%"));
  const ValidationReport report = ValidateManifests({budgets});
  EXPECT_THAT(Lines(report),
              ElementsAre(budgets + ":8: spec.maxUnavailable: must be an integer >= 0 or a "
                                    "percentage such as \"10%\" (0% to 100%)"));
  EXPECT_EQ(report.budgets, 0u);
  EXPECT_TRUE(report.warnings.empty());
}

}  // namespace
}  // namespace rtm
