#include "reconcile/desired_sync.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace rtm {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

GameSpec Spec(std::string image = "img:1", int64_t restart_generation = 0) {
  GameSpec spec;
  spec.image = std::move(image);
  spec.restart_generation = restart_generation;
  return spec;
}

DeclaredRuntime Declared(std::string name, std::string path, GameSpec spec = Spec(),
                         int line = 1) {
  return DeclaredRuntime{std::move(name), {}, std::move(spec), {std::move(path), 0, line}};
}

ScannedFile File(std::string path, std::vector<DeclaredRuntime> runtimes) {
  return ScannedFile{std::move(path), "", std::move(runtimes)};
}

ScannedFile Invalid(std::string path, std::string problems) {
  return ScannedFile{std::move(path), std::move(problems), {}};
}

DesiredRuntime Stored(std::string name, std::string path, GameSpec spec = Spec(),
                      int64_t generation = 1) {
  return DesiredRuntime{.name = std::move(name),
                        .spec = std::move(spec),
                        .source = {std::move(path), 0, 1},
                        .generation = generation};
}

DesiredSyncResult SyncDesiredState(const std::vector<DesiredRuntime>& stored,
                                   const ManifestScan& scan) {
  DesiredIndex index;
  for (const DesiredRuntime& runtime : stored) index[runtime.name] = runtime;
  return rtm::SyncDesiredState(index, scan);
}

TEST(DesiredSyncTest, NewDocumentsAreStoredAtGenerationOne) {
  auto result = SyncDesiredState(
      {}, {{File("a.yaml", {Declared("lobby", "a.yaml")})}});
  ASSERT_EQ(result.writes.size(), 1u);
  EXPECT_EQ(result.writes[0].name, "lobby");
  EXPECT_EQ(result.writes[0].generation, 1);
  EXPECT_EQ(result.writes[0].source.path, "a.yaml");
  EXPECT_FALSE(result.writes[0].deleted);
}

TEST(DesiredSyncTest, UnchangedDocumentWritesNothing) {
  auto result = SyncDesiredState(
      {Stored("lobby", "a.yaml")}, {{File("a.yaml", {Declared("lobby", "a.yaml")})}});
  EXPECT_THAT(result.writes, IsEmpty());
}

TEST(DesiredSyncTest, SpecOrLabelChangeBumpsTheGeneration) {
  DeclaredRuntime relabelled = Declared("lobby", "a.yaml");
  relabelled.labels = {{"tier", "casual"}};
  auto spec_change = SyncDesiredState(
      {Stored("lobby", "a.yaml", Spec(), 4)},
      {{File("a.yaml", {Declared("lobby", "a.yaml", Spec("img:2"))})}});
  auto label_change = SyncDesiredState({Stored("lobby", "a.yaml", Spec(), 4)},
                                       {{File("a.yaml", {relabelled})}});
  ASSERT_EQ(spec_change.writes.size(), 1u);
  EXPECT_EQ(spec_change.writes[0].generation, 5);
  EXPECT_EQ(spec_change.writes[0].spec.image, "img:2");
  ASSERT_EQ(label_change.writes.size(), 1u);
  EXPECT_EQ(label_change.writes[0].generation, 5);
}

TEST(DesiredSyncTest, PlacementChangeIsStoredWithANewGeneration) {
  // Placement is desired state (the cluster's scheduler reads it) even though
  // it never recreates the container.
  DesiredRuntime stored = Stored("lobby", "a.yaml", Spec(), 4);
  stored.restart_source = OpSource::kRest;
  GameSpec pinned = Spec();
  pinned.node_name = "node-b";
  pinned.node_selector = {{"zone", "eu-west-1a"}};
  auto result = SyncDesiredState(
      {stored}, {{File("a.yaml", {Declared("lobby", "a.yaml", pinned)})}});
  ASSERT_EQ(result.writes.size(), 1u);
  EXPECT_EQ(result.writes[0].generation, 5);
  EXPECT_EQ(result.writes[0].spec, pinned);
  EXPECT_EQ(result.writes[0].restart_source, OpSource::kRest);  // no restart
}

TEST(DesiredSyncTest, MovingADocumentToAnotherFileKeepsTheGeneration) {
  auto result = SyncDesiredState({Stored("lobby", "a.yaml", Spec(), 4)},
                                 {{File("b.yaml", {Declared("lobby", "b.yaml")})}});
  ASSERT_EQ(result.writes.size(), 1u);
  EXPECT_EQ(result.writes[0].generation, 4);
  EXPECT_EQ(result.writes[0].source.path, "b.yaml");
}

TEST(DesiredSyncTest, RestartBumpFromTheManifestResetsTheRestartSource) {
  DesiredRuntime stored = Stored("lobby", "a.yaml", Spec(), 2);
  stored.restart_source = OpSource::kRest;
  stored.restart_source_ref = "req-1";
  stored.restart_requested_by = Requester{"ops", "10.0.0.5"};
  stored.api_restart_count = 1;
  auto result = SyncDesiredState(
      {stored}, {{File("a.yaml", {Declared("lobby", "a.yaml", Spec("img:1", 1))})}});
  ASSERT_EQ(result.writes.size(), 1u);
  EXPECT_EQ(result.writes[0].generation, 3);
  EXPECT_EQ(result.writes[0].restart_source, OpSource::kManifest);
  EXPECT_EQ(result.writes[0].restart_source_ref, "");
  EXPECT_EQ(result.writes[0].restart_requested_by, std::nullopt);
  EXPECT_EQ(result.writes[0].api_restart_count, 1);  // API-owned: survives
  EXPECT_EQ(result.writes[0].EffectiveRestartGeneration(), 2);
}

TEST(DesiredSyncTest, RestartGenerationGoingDownIsRejectedKeepingTheLastSpec) {
  auto result = SyncDesiredState(
      {Stored("lobby", "a.yaml", Spec("img:1", 3), 5)},
      {{File("a.yaml", {Declared("lobby", "a.yaml", Spec("img:2", 2), 7)})}});
  ASSERT_EQ(result.writes.size(), 1u);
  EXPECT_EQ(result.writes[0].spec, Spec("img:1", 3));
  EXPECT_EQ(result.writes[0].generation, 5);
  EXPECT_EQ(result.writes[0].manifest_error,
            "a.yaml:7: spec.restartGeneration: must not decrease (3 -> 2); "
            "the last valid spec stays in force");
}

TEST(DesiredSyncTest, DeletedDocumentBecomesATombstoneWithANewGeneration) {
  auto result = SyncDesiredState({Stored("lobby", "a.yaml", Spec(), 2)},
                                 {{File("a.yaml", {})}});
  ASSERT_EQ(result.writes.size(), 1u);
  EXPECT_TRUE(result.writes[0].deleted);
  EXPECT_EQ(result.writes[0].generation, 3);
}

TEST(DesiredSyncTest, DeletedFileRemovesItsRuntimes) {
  auto result = SyncDesiredState({Stored("lobby", "a.yaml")}, {{}});
  ASSERT_EQ(result.writes.size(), 1u);
  EXPECT_TRUE(result.writes[0].deleted);
}

TEST(DesiredSyncTest, TombstoneDeclaredAgainIsRevivedWithANewGeneration) {
  DesiredRuntime tombstone = Stored("lobby", "a.yaml", Spec(), 3);
  tombstone.deleted = true;
  tombstone.force_restart_generation = 1;  // its removal was forced
  auto result = SyncDesiredState({tombstone},
                                 {{File("a.yaml", {Declared("lobby", "a.yaml")})}});
  ASSERT_EQ(result.writes.size(), 1u);
  EXPECT_FALSE(result.writes[0].deleted);
  EXPECT_EQ(result.writes[0].generation, 4);
  EXPECT_EQ(result.writes[0].force_restart_generation, 0);  // it drains again
}

TEST(DesiredSyncTest, InvalidFileKeepsWhatItDeclaredAndSaysWhy) {
  auto result = SyncDesiredState(
      {Stored("lobby", "a.yaml", Spec(), 2), Stored("arena", "a.yaml", Spec(), 1)},
      {{Invalid("a.yaml", "a.yaml:3: spec.image: must be a string")}});
  ASSERT_EQ(result.writes.size(), 2u);
  for (const DesiredRuntime& written : result.writes) {
    EXPECT_FALSE(written.deleted);
    EXPECT_EQ(written.spec, Spec());
    EXPECT_EQ(written.manifest_error, "a.yaml:3: spec.image: must be a string");
  }
  EXPECT_EQ(result.writes[0].generation + result.writes[1].generation, 3);
}

TEST(DesiredSyncTest, FixingTheFileClearsTheManifestError) {
  DesiredRuntime broken = Stored("lobby", "a.yaml");
  broken.manifest_error = "a.yaml:3: spec.image: must be a string";
  auto result = SyncDesiredState({broken},
                                 {{File("a.yaml", {Declared("lobby", "a.yaml")})}});
  ASSERT_EQ(result.writes.size(), 1u);
  EXPECT_EQ(result.writes[0].manifest_error, "");
  EXPECT_EQ(result.writes[0].generation, 1);
}

TEST(DesiredSyncTest, InvalidFileCreatesNothingNew) {
  auto result = SyncDesiredState({}, {{Invalid("a.yaml", "a.yaml:1: bad")}});
  EXPECT_THAT(result.writes, IsEmpty());
}

TEST(DesiredSyncTest, DuplicateNamesGoToThePathThatSortsFirst) {
  auto result = SyncDesiredState(
      {}, {{File("a.yaml", {Declared("lobby", "a.yaml", Spec("img:a"))}),
            File("b.yaml", {Declared("lobby", "b.yaml", Spec("img:b"), 4)})}});
  ASSERT_EQ(result.writes.size(), 1u);
  EXPECT_EQ(result.writes[0].spec.image, "img:a");
  EXPECT_THAT(result.conflicts,
              ElementsAre("lobby: declared in b.yaml:4 and a.yaml:1; a.yaml wins"));
  EXPECT_THAT(result.writes[0].manifest_error, HasSubstr("conflict: "));
}

TEST(DesiredSyncTest, ObjectOfAnInvalidFileIsNotTakenOverByAnotherFile) {
  auto result = SyncDesiredState(
      {Stored("lobby", "b.yaml", Spec("img:b"), 2)},
      {{File("a.yaml", {Declared("lobby", "a.yaml", Spec("img:a"))}),
        Invalid("b.yaml", "b.yaml:2: oops")}});
  ASSERT_EQ(result.writes.size(), 1u);
  EXPECT_EQ(result.writes[0].spec.image, "img:b");
  EXPECT_EQ(result.writes[0].manifest_error, "b.yaml:2: oops");
}

// Disruption budgets (docs/contract.md §2 "Disruption budgets").

using Labels = std::map<std::string, std::string>;

DeclaredRuntime Labelled(std::string name, std::string path, Labels labels,
                         GameSpec spec = Spec()) {
  DeclaredRuntime declared = Declared(std::move(name), std::move(path), std::move(spec));
  declared.labels = std::move(labels);
  return declared;
}

DesiredRuntime StoredLabelled(std::string name, std::string path, Labels labels,
                              std::optional<BudgetTerms> stamp = std::nullopt,
                              int64_t generation = 1) {
  DesiredRuntime stored = Stored(std::move(name), std::move(path), Spec(), generation);
  stored.labels = std::move(labels);
  stored.disruption_budget = std::move(stamp);
  return stored;
}

DisruptionBudget Budget(std::string name, std::string path, Labels match_labels,
                        MaxUnavailable max = {.value = 1}, int line = 1) {
  return DisruptionBudget{.name = std::move(name),
                          .match_labels = std::move(match_labels),
                          .max_unavailable = max,
                          .min_ready_seconds = 5,
                          .source = {std::move(path), 0, line}};
}

ScannedFile File(std::string path, std::vector<DeclaredRuntime> runtimes,
                 std::vector<DisruptionBudget> budgets) {
  return ScannedFile{std::move(path), "", std::move(runtimes), std::move(budgets)};
}

const DesiredRuntime* Written(const DesiredSyncResult& result, std::string_view name) {
  for (const DesiredRuntime& runtime : result.writes) {
    if (runtime.name == name) return &runtime;
  }
  return nullptr;
}

TEST(DesiredSyncBudgetTest, AGameIsStampedWithTheBudgetThatSelectsIt) {
  const DisruptionBudget fleet =
      Budget("fleet", "budgets.yaml", {{"fleet", "eu"}}, {.value = 10, .percent = true});
  auto result = SyncDesiredState(
      {}, {{File("games.yaml",
                 {Labelled("eu-1", "games.yaml", {{"fleet", "eu"}, {"tier", "gold"}}),
                  Labelled("us-1", "games.yaml", {{"fleet", "us"}}),
                  Declared("plain", "games.yaml")}),
            File("budgets.yaml", {}, {fleet})}});
  ASSERT_EQ(result.writes.size(), 3u);
  ASSERT_NE(Written(result, "eu-1"), nullptr);
  EXPECT_EQ(Written(result, "eu-1")->disruption_budget, TermsOf(fleet));
  EXPECT_EQ(Written(result, "eu-1")->disruption_budget,
            (BudgetTerms{.name = "fleet",
                         .max_unavailable = {.value = 10, .percent = true},
                         .min_ready_seconds = 5,
                         .source_path = "budgets.yaml"}));
  EXPECT_EQ(Written(result, "eu-1")->generation, 1);
  ASSERT_NE(Written(result, "us-1"), nullptr);
  EXPECT_EQ(Written(result, "us-1")->disruption_budget, std::nullopt);
  ASSERT_NE(Written(result, "plain"), nullptr);
  EXPECT_EQ(Written(result, "plain")->disruption_budget, std::nullopt);
  EXPECT_THAT(result.budget_problems, IsEmpty());
}

TEST(DesiredSyncBudgetTest, AStoredGameIsStampedWhenABudgetAppears) {
  const DisruptionBudget fleet = Budget("fleet", "budgets.yaml", {{"fleet", "eu"}});
  auto result = SyncDesiredState(
      {StoredLabelled("eu-1", "games.yaml", {{"fleet", "eu"}}, std::nullopt, 4),
       StoredLabelled("us-1", "games.yaml", {{"fleet", "us"}})},
      {{File("budgets.yaml", {}, {fleet}),
        File("games.yaml", {Labelled("eu-1", "games.yaml", {{"fleet", "eu"}}),
                            Labelled("us-1", "games.yaml", {{"fleet", "us"}})})}});
  // Only the game whose stamp changes is written; its generation stays.
  ASSERT_EQ(result.writes.size(), 1u);
  EXPECT_EQ(result.writes[0].name, "eu-1");
  EXPECT_EQ(result.writes[0].disruption_budget, TermsOf(fleet));
  EXPECT_EQ(result.writes[0].generation, 4);
  EXPECT_EQ(result.writes[0].spec, Spec());
  EXPECT_THAT(result.budget_problems, IsEmpty());
}

TEST(DesiredSyncBudgetTest, AnUnchangedStampWritesNothing) {
  const DisruptionBudget fleet = Budget("fleet", "budgets.yaml", {{"fleet", "eu"}});
  auto result = SyncDesiredState(
      {StoredLabelled("eu-1", "games.yaml", {{"fleet", "eu"}}, TermsOf(fleet))},
      {{File("budgets.yaml", {}, {fleet}),
        File("games.yaml", {Labelled("eu-1", "games.yaml", {{"fleet", "eu"}})})}});
  EXPECT_THAT(result.writes, IsEmpty());
  EXPECT_THAT(result.budget_problems, IsEmpty());
}

TEST(DesiredSyncBudgetTest, TheFirstBudgetByPathWinsAnOverlapAndItIsAProblem) {
  // "z" sorts after "a" by name but its file sorts first: path order decides.
  const DisruptionBudget z = Budget("z", "a-budgets.yaml", {{"fleet", "eu"}}, {.value = 1}, 2);
  const DisruptionBudget a = Budget("a", "b-budgets.yaml", {{"tier", "gold"}}, {.value = 3}, 7);
  auto result = SyncDesiredState(
      {}, {{File("a-budgets.yaml", {}, {z}), File("b-budgets.yaml", {}, {a}),
            File("games.yaml",
                 {Labelled("both", "games.yaml", {{"fleet", "eu"}, {"tier", "gold"}}),
                  Labelled("gold-only", "games.yaml", {{"tier", "gold"}})})}});
  ASSERT_NE(Written(result, "both"), nullptr);
  EXPECT_EQ(Written(result, "both")->disruption_budget, TermsOf(z));
  ASSERT_NE(Written(result, "gold-only"), nullptr);
  EXPECT_EQ(Written(result, "gold-only")->disruption_budget, TermsOf(a));
  EXPECT_THAT(result.budget_problems,
              ElementsAre("both: selected by disruption budgets z (a-budgets.yaml:2) "
                          "and a (b-budgets.yaml:7); z applies"));
}

TEST(DesiredSyncBudgetTest, WithinAFileTheFirstBudgetDeclaredWins) {
  const DisruptionBudget first = Budget("second-name", "budgets.yaml", {{"fleet", "eu"}},
                                        {.value = 1}, 1);
  const DisruptionBudget later = Budget("a-name", "budgets.yaml", {{"fleet", "eu"}},
                                        {.value = 2}, 9);
  auto result = SyncDesiredState(
      {}, {{File("budgets.yaml", {}, {first, later}),
            File("games.yaml", {Labelled("eu-1", "games.yaml", {{"fleet", "eu"}})})}});
  ASSERT_EQ(result.writes.size(), 1u);
  EXPECT_EQ(result.writes[0].disruption_budget, TermsOf(first));
  ASSERT_EQ(result.budget_problems.size(), 1u);
  EXPECT_THAT(result.budget_problems[0], HasSubstr("second-name applies"));
}

TEST(DesiredSyncBudgetTest, ARemovedBudgetClearsItsStampsWithoutANewGeneration) {
  const DisruptionBudget fleet = Budget("fleet", "budgets.yaml", {{"fleet", "eu"}});
  auto result = SyncDesiredState(
      {StoredLabelled("eu-1", "games.yaml", {{"fleet", "eu"}}, TermsOf(fleet), 6)},
      {{File("budgets.yaml", {}, {}),
        File("games.yaml", {Labelled("eu-1", "games.yaml", {{"fleet", "eu"}})})}});
  ASSERT_EQ(result.writes.size(), 1u);
  EXPECT_EQ(result.writes[0].name, "eu-1");
  EXPECT_EQ(result.writes[0].disruption_budget, std::nullopt);
  EXPECT_EQ(result.writes[0].generation, 6);
  EXPECT_FALSE(result.writes[0].deleted);
  EXPECT_THAT(result.budget_problems, IsEmpty());
}

TEST(DesiredSyncBudgetTest, ARelabelledGameLosesItsStampWithOneGenerationBump) {
  const DisruptionBudget fleet = Budget("fleet", "budgets.yaml", {{"fleet", "eu"}});
  auto result = SyncDesiredState(
      {StoredLabelled("eu-1", "games.yaml", {{"fleet", "eu"}}, TermsOf(fleet), 6),
       StoredLabelled("eu-2", "games.yaml", {{"fleet", "eu"}}, TermsOf(fleet))},
      {{File("budgets.yaml", {}, {fleet}),
        File("games.yaml", {Labelled("eu-1", "games.yaml", {{"fleet", "us"}}),
                            Labelled("eu-2", "games.yaml", {{"fleet", "eu"}})})}});
  ASSERT_EQ(result.writes.size(), 1u);
  EXPECT_EQ(result.writes[0].name, "eu-1");
  EXPECT_EQ(result.writes[0].disruption_budget, std::nullopt);
  EXPECT_EQ(result.writes[0].generation, 7);  // the labels, not the stamp
}

TEST(DesiredSyncBudgetTest, AStampChangeAloneBumpsNoGeneration) {
  const DisruptionBudget before = Budget("fleet", "budgets.yaml", {{"fleet", "eu"}});
  const DisruptionBudget after = Budget("fleet", "budgets.yaml", {{"fleet", "eu"}},
                                        {.value = 25, .percent = true});
  auto result = SyncDesiredState(
      {StoredLabelled("eu-1", "games.yaml", {{"fleet", "eu"}}, TermsOf(before), 3)},
      {{File("budgets.yaml", {}, {after}),
        File("games.yaml", {Labelled("eu-1", "games.yaml", {{"fleet", "eu"}})})}});
  ASSERT_EQ(result.writes.size(), 1u);
  EXPECT_EQ(result.writes[0].disruption_budget, TermsOf(after));
  EXPECT_EQ(result.writes[0].disruption_budget->max_unavailable,
            (MaxUnavailable{.value = 25, .percent = true}));
  EXPECT_EQ(result.writes[0].generation, 3);
  EXPECT_EQ(result.writes[0].spec, Spec());
  EXPECT_EQ(result.writes[0].manifest_error, "");

  // A spec change with it: one bump, for the spec.
  auto both = SyncDesiredState(
      {StoredLabelled("eu-1", "games.yaml", {{"fleet", "eu"}}, TermsOf(before), 3)},
      {{File("budgets.yaml", {}, {after}),
        File("games.yaml",
             {Labelled("eu-1", "games.yaml", {{"fleet", "eu"}}, Spec("img:2"))})}});
  ASSERT_EQ(both.writes.size(), 1u);
  EXPECT_EQ(both.writes[0].disruption_budget, TermsOf(after));
  EXPECT_EQ(both.writes[0].generation, 4);
  EXPECT_EQ(both.writes[0].spec.image, "img:2");
}

TEST(DesiredSyncBudgetTest, ABudgetThatSelectsNoGameIsAProblem) {
  const DisruptionBudget idle =
      Budget("idle", "budgets.yaml", {{"fleet", "mars"}}, {.value = 1}, 4);
  auto result = SyncDesiredState(
      {StoredLabelled("eu-1", "games.yaml", {{"fleet", "eu"}})},
      {{File("budgets.yaml", {}, {idle}),
        File("games.yaml", {Labelled("eu-1", "games.yaml", {{"fleet", "eu"}})})}});
  EXPECT_THAT(result.writes, IsEmpty());
  EXPECT_THAT(result.budget_problems,
              ElementsAre("disruption budget idle (budgets.yaml:4) selects no game"));
}

TEST(DesiredSyncBudgetTest, ATombstoneIsNoGameOfABudget) {
  const DisruptionBudget fleet = Budget("fleet", "budgets.yaml", {{"fleet", "eu"}});
  DesiredRuntime tombstone = StoredLabelled("eu-1", "games.yaml", {{"fleet", "eu"}});
  tombstone.deleted = true;
  auto result = SyncDesiredState(
      {tombstone}, {{File("budgets.yaml", {}, {fleet}), File("games.yaml", {})}});
  EXPECT_THAT(result.writes, IsEmpty());
  EXPECT_THAT(result.budget_problems,
              ElementsAre("disruption budget fleet (budgets.yaml:1) selects no game"));
}

TEST(DesiredSyncBudgetTest, AnInvalidBudgetFileKeepsTheStampsItGave) {
  const DisruptionBudget fleet = Budget("fleet", "budgets.yaml", {{"fleet", "eu"}});
  // Unchanged games: nothing written, the stamp stays as stored.
  auto unchanged = SyncDesiredState(
      {StoredLabelled("eu-1", "games.yaml", {{"fleet", "eu"}}, TermsOf(fleet), 2)},
      {{Invalid("budgets.yaml", "budgets.yaml:8: spec.maxUnavailable: bad"),
        File("games.yaml", {Labelled("eu-1", "games.yaml", {{"fleet", "eu"}})})}});
  EXPECT_THAT(unchanged.writes, IsEmpty());
  EXPECT_THAT(unchanged.budget_problems, IsEmpty());

  // A game written for another reason keeps the stamp too.
  auto changed = SyncDesiredState(
      {StoredLabelled("eu-1", "games.yaml", {{"fleet", "eu"}}, TermsOf(fleet), 2)},
      {{Invalid("budgets.yaml", "budgets.yaml:8: spec.maxUnavailable: bad"),
        File("games.yaml",
             {Labelled("eu-1", "games.yaml", {{"fleet", "eu"}}, Spec("img:2"))})}});
  ASSERT_EQ(changed.writes.size(), 1u);
  EXPECT_EQ(changed.writes[0].spec.image, "img:2");
  EXPECT_EQ(changed.writes[0].generation, 3);
  EXPECT_EQ(changed.writes[0].disruption_budget, TermsOf(fleet));
}

TEST(DesiredSyncBudgetTest, AnInvalidBudgetFileStampIsNotReplacedByAnotherBudget) {
  const DisruptionBudget kept = Budget("kept", "b-budgets.yaml", {{"fleet", "eu"}});
  const DisruptionBudget other = Budget("other", "a-budgets.yaml", {{"fleet", "eu"}});
  auto result = SyncDesiredState(
      {StoredLabelled("eu-1", "games.yaml", {{"fleet", "eu"}}, TermsOf(kept))},
      {{File("a-budgets.yaml", {}, {other}), Invalid("b-budgets.yaml", "b-budgets.yaml:1: bad"),
        File("games.yaml", {Labelled("eu-1", "games.yaml", {{"fleet", "eu"}})})}});
  EXPECT_THAT(result.writes, IsEmpty());
  // "other" selects a game (which keeps "kept" for now): no "selects no
  // game", and the overlap is said.
  EXPECT_THAT(result.budget_problems,
              ElementsAre("eu-1: selected by disruption budget other (a-budgets.yaml:1); "
                          "keeps kept of the invalid b-budgets.yaml"));
}

TEST(DesiredSyncBudgetTest, ABudgetNameDeclaredTwiceKeepsItsFirstDeclaration) {
  const DisruptionBudget first =
      Budget("fleet", "a.yaml", {{"fleet", "eu"}}, {.value = 1}, 3);
  const DisruptionBudget second =
      Budget("fleet", "b.yaml", {{"fleet", "us"}}, {.value = 2}, 5);
  auto result = SyncDesiredState(
      {}, {{File("a.yaml", {}, {first}), File("b.yaml", {}, {second}),
            File("games.yaml", {Labelled("eu-1", "games.yaml", {{"fleet", "eu"}}),
                                Labelled("us-1", "games.yaml", {{"fleet", "us"}})})}});
  ASSERT_NE(Written(result, "eu-1"), nullptr);
  EXPECT_EQ(Written(result, "eu-1")->disruption_budget, TermsOf(first));
  ASSERT_NE(Written(result, "us-1"), nullptr);
  EXPECT_EQ(Written(result, "us-1")->disruption_budget, std::nullopt);
  EXPECT_THAT(result.budget_problems,
              ElementsAre("disruption budget fleet: declared in b.yaml:5 and a.yaml:3; "
                          "a.yaml wins"));
}

}  // namespace
}  // namespace rtm
