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

std::string Manifest(const std::string& name, const std::string& extra_spec = "") {
  return "apiVersion: rtmanager.galaxy/v1\n"
         "kind: GameRuntime\n"
         "metadata:\n"
         "  name: " + name + "\n"
         "spec:\n"
         "  image: galaxy/game:1\n" + extra_spec;
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

}  // namespace
}  // namespace rtm
