// The manifest sync's consistency rules (controller/app/desired_state_writer.h):
// a scan that saw the tree changing stores nothing, and a vanished game's
// removal waits out the grace, so a checkout that moves a game between
// files never removes and re-adds it.
#include "controller/app/desired_state_writer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test/mocks/fake_clock.h"
#include "test/mocks/mock_desired_state_store.h"
#include "test/mocks/mock_logger.h"

namespace rtm {
namespace {

using ::testing::_;
using ::testing::Field;
using ::testing::NiceMock;
using ::testing::Optional;
using ::testing::Return;

using namespace std::chrono_literals;

GameSpec Spec() { return GameSpec{.image = "img:1", .stop_timeout_seconds = 1}; }

ScannedFile File(const std::string& path, const std::vector<std::string>& games) {
  ScannedFile file{path, {}, {}};
  for (const std::string& game : games) {
    file.runtimes.push_back(DeclaredRuntime{
        .name = game, .spec = Spec(), .source = {path, 0, 1}});
  }
  return file;
}

class DesiredStateWriterTest : public ::testing::Test {
 protected:
  DesiredStateWriterTest() {
    ON_CALL(store_, List).WillByDefault([this] {
      std::vector<DesiredRuntime> all;
      for (const auto& [name, runtime] : stored_) all.push_back(runtime);
      return Expected<std::vector<DesiredRuntime>>(all);
    });
    ON_CALL(store_, Put).WillByDefault([this](const DesiredRuntime& runtime) {
      DesiredRuntime& slot = stored_[runtime.name];
      if (runtime.revision != slot.revision) {
        return Expected<uint64_t>(Fail(ErrorCode::kConflict, "moved"));
      }
      slot = runtime;
      slot.revision = ++revision_;
      return Expected<uint64_t>(slot.revision);
    });
  }

  std::optional<Duration> Sync(ManifestScan scan) {
    scan_ = std::move(scan);
    return writer_.SyncManifests();
  }
  bool Removed(const std::string& name) const {
    auto found = stored_.find(name);
    return found != stored_.end() && found->second.deleted;
  }
  int64_t GenerationOf(const std::string& name) const {
    return stored_.at(name).generation;
  }

  FakeClock clock_;
  NiceMock<MockDesiredStateStore> store_;
  NiceMock<MockLogger> logger_;
  std::map<std::string, DesiredRuntime> stored_;
  uint64_t revision_ = 0;
  ManifestScan scan_;
  DesiredStateWriter writer_{store_, logger_, clock_,
                             [this] { return Expected<ManifestScan>(scan_); },
                             DesiredStateWriterOptions{.removal_grace = 1s,
                                                       .unsettled_retry = 100ms}};
};

TEST_F(DesiredStateWriterTest, AVanishedGameIsRemovedOnceTheGraceHasPassed) {
  EXPECT_EQ(Sync({.files = {File("a.yaml", {"one", "two"})}}), std::nullopt);
  ASSERT_EQ(stored_.size(), 2u);

  EXPECT_THAT(Sync({.files = {File("a.yaml", {"one"})}}), Optional(Duration(1s)));
  EXPECT_FALSE(Removed("two")) << "removed before the grace";

  clock_.Advance(400ms);
  EXPECT_THAT(Sync({.files = {File("a.yaml", {"one"})}}), Optional(Duration(600ms)))
      << "the grace counts from the first scan that missed the game";
  EXPECT_FALSE(Removed("two"));

  clock_.Advance(600ms);
  EXPECT_EQ(Sync({.files = {File("a.yaml", {"one"})}}), std::nullopt);
  EXPECT_TRUE(Removed("two"));
  EXPECT_FALSE(Removed("one"));
}

// A checkout removes a.yaml before it writes b.yaml, which now declares
// the same game: the scan in between never removes it.
TEST_F(DesiredStateWriterTest, AGameMovedBetweenFilesIsNeverRemoved) {
  Sync({.files = {File("a.yaml", {"one"}), File("c.yaml", {"other"})}});
  const int64_t generation = GenerationOf("one");
  EXPECT_CALL(store_, Put(_)).Times(::testing::AnyNumber());
  EXPECT_CALL(store_, Put(Field(&DesiredRuntime::deleted, true))).Times(0);

  EXPECT_TRUE(Sync({.files = {File("c.yaml", {"other"})}}).has_value());
  EXPECT_EQ(Sync({.files = {File("b.yaml", {"one"}), File("c.yaml", {"other"})}}),
            std::nullopt);
  clock_.Advance(5s);
  EXPECT_EQ(Sync({.files = {File("b.yaml", {"one"}), File("c.yaml", {"other"})}}),
            std::nullopt);

  EXPECT_EQ(GenerationOf("one"), generation) << "a move is no change of the game";
  EXPECT_EQ(stored_.at("one").source.path, "b.yaml");
}

// A game that vanishes again after it came back waits a whole grace again.
TEST_F(DesiredStateWriterTest, TheGraceStartsAgainWhenAGameVanishesAgain) {
  Sync({.files = {File("a.yaml", {"one", "two"})}});
  Sync({.files = {File("a.yaml", {"one"})}});
  clock_.Advance(900ms);
  Sync({.files = {File("a.yaml", {"one", "two"})}});
  clock_.Advance(200ms);
  EXPECT_THAT(Sync({.files = {File("a.yaml", {"one"})}}), Optional(Duration(1s)));
  EXPECT_FALSE(Removed("two"));
}

TEST_F(DesiredStateWriterTest, ATreeCaughtChangingStoresNothingAndIsReadAgainSoon) {
  Sync({.files = {File("a.yaml", {"one"})}});
  EXPECT_CALL(store_, Put).Times(0);

  EXPECT_THAT(Sync({.files = {File("b.yaml", {"new"})}, .changed_while_read = true}),
              Optional(Duration(100ms)));
  EXPECT_FALSE(stored_.contains("new"));
  EXPECT_FALSE(Removed("one"));
}

TEST_F(DesiredStateWriterTest, NoGraceRemovesAtOnce) {
  DesiredStateWriter eager{store_, logger_, clock_,
                           [this] { return Expected<ManifestScan>(scan_); },
                           DesiredStateWriterOptions{.removal_grace = 0ms}};
  scan_ = {.files = {File("a.yaml", {"one", "two"})}};
  eager.SyncManifests();
  scan_ = {.files = {File("a.yaml", {"one"})}};
  EXPECT_EQ(eager.SyncManifests(), std::nullopt);
  EXPECT_TRUE(Removed("two"));
}

// Other changes of the same scan are stored at once; only the removal waits.
TEST_F(DesiredStateWriterTest, OnlyTheRemovalWaits) {
  Sync({.files = {File("a.yaml", {"one", "two"})}});
  ManifestScan changed{.files = {File("a.yaml", {"one"}), File("b.yaml", {"three"})}};
  changed.files[0].runtimes[0].spec.image = "img:2";

  EXPECT_TRUE(Sync(changed).has_value());

  EXPECT_EQ(stored_.at("one").spec.image, "img:2");
  EXPECT_TRUE(stored_.contains("three"));
  EXPECT_FALSE(Removed("two"));
}

// A full disk or an unreachable store: what could not be stored is tried
// again with backoff, without waiting for the next manifest event or the
// periodic resync, and stored once the store takes writes again.
TEST_F(DesiredStateWriterTest, AWriteTheStoreRefusedIsSyncedAgainWithBackoff) {
  bool full = true;
  ON_CALL(store_, Put).WillByDefault([&](const DesiredRuntime& runtime) {
    if (full) {
      return Expected<uint64_t>(Fail(ErrorCode::kServiceUnavailable, "No space left on device"));
    }
    stored_[runtime.name] = runtime;
    stored_[runtime.name].revision = ++revision_;
    return Expected<uint64_t>(revision_);
  });
  const ManifestScan scan{.files = {File("a.yaml", {"one"})}};

  EXPECT_THAT(Sync(scan), Optional(Duration(1s)));
  EXPECT_THAT(Sync(scan), Optional(Duration(2s)));
  EXPECT_THAT(Sync(scan), Optional(Duration(4s)));
  EXPECT_FALSE(stored_.contains("one"));

  full = false;
  EXPECT_EQ(Sync(scan), std::nullopt);
  EXPECT_TRUE(stored_.contains("one"));
  full = true;  // the backoff starts again from its base
  ManifestScan changed = scan;
  changed.files[0].runtimes[0].spec.image = "img:2";
  EXPECT_THAT(Sync(changed), Optional(Duration(1s)));
}

TEST_F(DesiredStateWriterTest, TheRetryOfAFailedWriteIsCapped) {
  ON_CALL(store_, Put).WillByDefault(
      Return(Expected<uint64_t>(Fail(ErrorCode::kServiceUnavailable, "down"))));
  const ManifestScan scan{.files = {File("a.yaml", {"one"})}};
  std::optional<Duration> last;
  for (int i = 0; i < 10; ++i) last = Sync(scan);
  EXPECT_THAT(last, Optional(Duration(30s)));
}

}  // namespace
}  // namespace rtm
