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
  stored.api_restart_count = 1;
  auto result = SyncDesiredState(
      {stored}, {{File("a.yaml", {Declared("lobby", "a.yaml", Spec("img:1", 1))})}});
  ASSERT_EQ(result.writes.size(), 1u);
  EXPECT_EQ(result.writes[0].generation, 3);
  EXPECT_EQ(result.writes[0].restart_source, OpSource::kManifest);
  EXPECT_EQ(result.writes[0].restart_source_ref, "");
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
  auto result = SyncDesiredState({tombstone},
                                 {{File("a.yaml", {Declared("lobby", "a.yaml")})}});
  ASSERT_EQ(result.writes.size(), 1u);
  EXPECT_FALSE(result.writes[0].deleted);
  EXPECT_EQ(result.writes[0].generation, 4);
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

}  // namespace
}  // namespace rtm
