// ManifestWatcher against real inotify in temporary directories. The
// io_context runs on its own thread; assertions wait (bounded) for the
// callback count to reach a value. Absence of a callback is proven with a
// fence: after the action that must not trigger, a real manifest is written
// and the one callback that follows must come after that write.
#include "controller/watch/manifest_watcher.h"

// Boost 1.74's Asio uses std::exchange without <utility>.
// clang-format off
#include <utility>
// clang-format on

#include <gtest/gtest.h>
#include <stdlib.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace rtm {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr auto kDebounce = 50ms;
constexpr auto kWaitLimit = 5s;

// A stand-in for IsManifestFileName (controller/manifests), kept local so
// this suite depends on the watcher only.
bool TestManifestFilter(std::string_view name) {
  if (name.empty() || name.front() == '.' || name.front() == '#' ||
      name.back() == '~') {
    return false;
  }
  return name.ends_with(".yaml") || name.ends_with(".yml") ||
         name.ends_with(".json");
}

ManifestWatcher::Options TestOptions(
    ManifestWatcher::Duration debounce = kDebounce) {
  return {.debounce = debounce,
          .is_manifest_file = TestManifestFilter,
          .root_retry = 50ms};
}

void WriteFile(const fs::path& path,
               std::string_view content = "kind: GameRuntime\n") {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  out.close();
  ASSERT_TRUE(out) << "cannot write " << path;
}

size_t OpenFdCount() {
  size_t n = 0;
  for ([[maybe_unused]] const auto& entry :
       fs::directory_iterator("/proc/self/fd"))
    ++n;
  return n;
}

class ManifestWatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "rtm_watch_XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    base_ = pattern;
    root_ = base_ / "manifests";
  }

  void TearDown() override {
    StopIo();
    std::error_code ignored;
    fs::remove_all(base_, ignored);
  }

  // Starts the watcher, then the io_context thread.
  void StartWatcher(ManifestWatcher::Options options = TestOptions()) {
    watcher_ = std::make_unique<ManifestWatcher>(
        io_, root_.string(), std::move(options), [this] { OnChange(); });
    const auto started = watcher_->Start();
    ASSERT_TRUE(started.has_value()) << started.error().message;
    io_thread_ = std::thread([this] { io_.run(); });
  }

  void StopIo() {
    work_.reset();
    io_.stop();
    if (io_thread_.joinable()) io_thread_.join();
    watcher_.reset();
  }

  void OnChange() {
    std::lock_guard lock(mutex_);
    callbacks_.push_back({Clock::now(), std::this_thread::get_id()});
    cv_.notify_all();
  }

  bool WaitForCount(size_t n) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, kWaitLimit,
                        [&] { return callbacks_.size() >= n; });
  }

  size_t Count() {
    std::lock_guard lock(mutex_);
    return callbacks_.size();
  }

  Clock::time_point CallbackAt(size_t i) {
    std::lock_guard lock(mutex_);
    return callbacks_.at(i).at;
  }

  // The fence: `action` must not trigger. After it, more than a debounce
  // passes (only to separate the two, so that a wrong callback would fire on
  // its own instead of merging with the fence's), then a real manifest is
  // written: exactly one more callback, and it comes after that write.
  void ExpectNoCallbackFrom(const std::function<void()>& action) {
    const size_t before = Count();
    action();
    std::this_thread::sleep_for(4 * kDebounce);
    const auto fence_written = Clock::now();
    WriteFile(root_ / "fence.yaml");
    ASSERT_TRUE(WaitForCount(before + 1));
    EXPECT_EQ(Count(), before + 1);
    EXPECT_GT(CallbackAt(before), fence_written)
        << "the action triggered a callback";
  }

  struct Callback {
    Clock::time_point at;
    std::thread::id thread;
  };

  fs::path base_;
  fs::path root_;
  boost::asio::io_context io_;
  std::optional<
      boost::asio::executor_work_guard<boost::asio::io_context::executor_type>>
      work_{boost::asio::make_work_guard(io_)};
  std::unique_ptr<ManifestWatcher> watcher_;
  std::thread io_thread_;

  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<Callback> callbacks_;
};

TEST_F(ManifestWatcherTest, StartRefusesAMissingFilterAndASecondStart) {
  fs::create_directory(root_);
  ManifestWatcher no_filter(io_, root_.string(), {.debounce = kDebounce},
                            [] {});
  const auto refused = no_filter.Start();
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidRequest);

  ManifestWatcher watcher(io_, root_.string(), TestOptions(), [] {});
  ASSERT_TRUE(watcher.Start().has_value());
  const auto again = watcher.Start();
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, ErrorCode::kInvalidRequest);
}

TEST_F(ManifestWatcherTest, WritingAManifestTriggersOneCallbackOnTheIoThread) {
  fs::create_directory(root_);
  StartWatcher();
  const auto written = Clock::now();
  WriteFile(root_ / "lobby.yaml");
  ASSERT_TRUE(WaitForCount(1));
  EXPECT_GE(CallbackAt(0) - written, kDebounce);  // trailing debounce
  {
    std::lock_guard lock(mutex_);
    EXPECT_EQ(callbacks_[0].thread, io_thread_.get_id());
  }
  // The next change is a separate callback: exactly one per quiet burst.
  const auto second = Clock::now();
  WriteFile(root_ / "lobby.json");
  ASSERT_TRUE(WaitForCount(2));
  EXPECT_EQ(Count(), 2u);
  EXPECT_GT(CallbackAt(1), second);
}

TEST_F(ManifestWatcherTest, ABurstOfFiftyWritesTriggersExactlyOneCallback) {
  fs::create_directory(root_);
  StartWatcher(TestOptions(100ms));
  for (int i = 0; i < 50; ++i)
    WriteFile(root_ / ("game-" + std::to_string(i) + ".yaml"));
  const auto burst_done = Clock::now();
  ASSERT_TRUE(WaitForCount(1));
  EXPECT_GT(CallbackAt(0), burst_done);
  // Fence: a later write is the second callback, so the burst made one.
  const auto fence = Clock::now();
  WriteFile(root_ / "fence.yaml");
  ASSERT_TRUE(WaitForCount(2));
  EXPECT_EQ(Count(), 2u);
  EXPECT_GT(CallbackAt(1), fence);
}

TEST_F(ManifestWatcherTest, AnEndlessStreamOfEventsStillTriggers) {
  fs::create_directory(root_);
  StartWatcher();
  // Events every 5 ms never leave a quiet 50 ms: only the cap fires.
  const auto deadline = Clock::now() + kWaitLimit;
  int i = 0;
  while (Count() == 0 && Clock::now() < deadline) {
    WriteFile(root_ / ("stream-" + std::to_string(i++ % 10) + ".yaml"));
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_GE(Count(), 1u) << "no callback while events kept coming";
}

TEST_F(ManifestWatcherTest, AtomicRenameOfAHiddenTempFileTriggers) {
  fs::create_directory(root_);
  StartWatcher();
  WriteFile(root_ / ".lobby.yaml.tmp");
  fs::rename(root_ / ".lobby.yaml.tmp", root_ / "lobby.yaml");
  ASSERT_TRUE(WaitForCount(1));
  EXPECT_TRUE(fs::exists(root_ / "lobby.yaml"));
}

TEST_F(ManifestWatcherTest, HiddenAndEditorTempFilesAloneNeverTrigger) {
  fs::create_directory(root_);
  StartWatcher();
  ExpectNoCallbackFrom([&] {
    WriteFile(root_ / ".hidden.yaml");
    WriteFile(root_ / "lobby.yaml.swp");
    WriteFile(root_ / "lobby.yaml~");
    WriteFile(root_ / "#lobby.yaml#");
    WriteFile(root_ / "4913");
    WriteFile(root_ / "notes.txt");
    fs::remove(root_ / "lobby.yaml.swp");
    fs::rename(root_ / "lobby.yaml~", root_ / ".lobby.yaml.bak");
  });
}

TEST_F(ManifestWatcherTest, HiddenDirectoriesAreNotWatched) {
  fs::create_directories(root_ / ".git" / "objects");
  StartWatcher();
  ExpectNoCallbackFrom([&] {
    WriteFile(root_ / ".git" / "lobby.yaml");
    WriteFile(root_ / ".git" / "objects" / "x.json");
    fs::create_directory(root_ / ".cache");
  });
}

TEST_F(ManifestWatcherTest, ExistingSubdirectoriesAreWatchedFromStart) {
  fs::create_directories(root_ / "eu" / "casual");
  StartWatcher();
  WriteFile(root_ / "eu" / "casual" / "lobby.yaml");
  ASSERT_TRUE(WaitForCount(1));
}

TEST_F(ManifestWatcherTest, ANewSubdirectoryIsWatchedForTheFilesPutInIt) {
  fs::create_directory(root_);
  StartWatcher();
  fs::create_directory(root_ / "eu");
  ASSERT_TRUE(WaitForCount(1));  // a new directory is a change in itself
  const auto written = Clock::now();
  WriteFile(root_ / "eu" / "lobby.yaml");
  ASSERT_TRUE(WaitForCount(2));
  EXPECT_GT(CallbackAt(1), written);
}

TEST_F(ManifestWatcherTest, NestedDirectoriesCreatedAtOnceAreAllWatched) {
  fs::create_directory(root_);
  StartWatcher();
  fs::create_directories(root_ / "a" / "b" / "c");
  ASSERT_TRUE(WaitForCount(1));
  const auto written = Clock::now();
  WriteFile(root_ / "a" / "b" / "c" / "deep.yaml");
  ASSERT_TRUE(WaitForCount(2));
  EXPECT_GT(CallbackAt(1), written);
}

TEST_F(ManifestWatcherTest, ADirectoryMovedInIsWatched) {
  fs::create_directory(root_);
  fs::create_directories(base_ / "outside" / "inner");
  StartWatcher();
  fs::rename(base_ / "outside", root_ / "moved");
  ASSERT_TRUE(WaitForCount(1));
  const auto written = Clock::now();
  WriteFile(root_ / "moved" / "inner" / "lobby.yaml");
  ASSERT_TRUE(WaitForCount(2));
  EXPECT_GT(CallbackAt(1), written);
}

TEST_F(ManifestWatcherTest, ADirectoryMovedOutIsNoLongerWatched) {
  fs::create_directories(root_ / "eu" / "casual");
  StartWatcher();
  fs::rename(root_ / "eu", base_ / "gone");
  ASSERT_TRUE(WaitForCount(1));
  ExpectNoCallbackFrom([&] {
    WriteFile(base_ / "gone" / "lobby.yaml");
    WriteFile(base_ / "gone" / "casual" / "lobby.yaml");
  });
}

TEST_F(ManifestWatcherTest, DeletingAManifestTriggers) {
  fs::create_directory(root_);
  WriteFile(root_ / "lobby.yaml");
  StartWatcher();
  fs::remove(root_ / "lobby.yaml");
  ASSERT_TRUE(WaitForCount(1));
}

TEST_F(ManifestWatcherTest, DeletingTheRootTriggersOnceThenItsReturnIsSeen) {
  fs::create_directories(root_ / "eu");
  WriteFile(root_ / "lobby.yaml");
  WriteFile(root_ / "eu" / "lobby.yaml");
  StartWatcher();
  fs::remove_all(root_);
  ASSERT_TRUE(WaitForCount(1));

  const auto recreated = Clock::now();
  fs::create_directory(root_);
  WriteFile(root_ / "lobby.yaml");
  ASSERT_TRUE(WaitForCount(2));
  EXPECT_GT(CallbackAt(1), recreated) << "deleting the root triggered twice";
  // Watched again: a later write is seen.
  const auto written = Clock::now();
  WriteFile(root_ / "lobby.json");
  ASSERT_TRUE(WaitForCount(3));
  EXPECT_GT(CallbackAt(2), written);
}

TEST_F(ManifestWatcherTest, MovingTheRootAwayTriggersAndItsNewPlaceIsIgnored) {
  fs::create_directory(root_);
  StartWatcher();
  fs::rename(root_, base_ / "old");
  ASSERT_TRUE(WaitForCount(1));
  fs::create_directory(root_);   // so that the fence can be written
  ASSERT_TRUE(WaitForCount(2));  // the root reappeared
  ExpectNoCallbackFrom([&] { WriteFile(base_ / "old" / "lobby.yaml"); });
}

TEST_F(ManifestWatcherTest, AMissingRootIsWatchedOnceCreated) {
  StartWatcher();  // root_ does not exist
  fs::create_directory(root_);
  WriteFile(root_ / "lobby.yaml");
  ASSERT_TRUE(WaitForCount(1));
  const auto written = Clock::now();
  WriteFile(root_ / "lobby.json");
  ASSERT_TRUE(WaitForCount(2));
  EXPECT_GT(CallbackAt(1), written);
}

TEST_F(ManifestWatcherTest, AMissingParentOfTheRootIsNotAProblemEither) {
  root_ = base_ / "srv" / "rtm" / "manifests";
  StartWatcher();
  fs::create_directories(root_);
  WriteFile(root_ / "lobby.yaml");
  ASSERT_TRUE(WaitForCount(1));
}

TEST_F(ManifestWatcherTest, StopAndTheDestructorCloseTheInotifyFd) {
  fs::create_directories(root_ / "eu");
  // A first watcher lets the io_context create its reactor's descriptors.
  {
    ManifestWatcher warm_up(io_, root_.string(), TestOptions(), [] {});
    (void)warm_up.Start();
  }
  const size_t fds_before = OpenFdCount();
  {
    ManifestWatcher watcher(io_, root_.string(), TestOptions(), [] {});
    ASSERT_TRUE(watcher.Start().has_value());
    EXPECT_EQ(watcher.WatchedDirectoryCount(), 2u);
    EXPECT_EQ(OpenFdCount(), fds_before + 1);
    watcher.Stop();
    EXPECT_EQ(OpenFdCount(), fds_before);
    EXPECT_EQ(watcher.WatchedDirectoryCount(), 0u);
    ASSERT_TRUE(watcher.Start().has_value());  // restartable
    EXPECT_EQ(OpenFdCount(), fds_before + 1);
  }
  EXPECT_EQ(OpenFdCount(), fds_before);
}

TEST_F(ManifestWatcherTest, StopDropsAPendingCallbackAndLeavesNoWorkBehind) {
  fs::create_directory(root_);
  int calls = 0;
  ManifestWatcher watcher(io_, root_.string(), TestOptions(10s),
                          [&] { ++calls; });
  ASSERT_TRUE(watcher.Start().has_value());
  // io_ runs on this thread here, until it runs out of work. (Not before
  // Start: dropping the last work stops the io_context.)
  work_.reset();
  WriteFile(root_ / "lobby.yaml");
  io_.run_for(200ms);  // reads the event: a callback is now pending for 10 s
  ASSERT_FALSE(io_.stopped());
  watcher.Stop();
  const auto start = Clock::now();
  io_.restart();
  io_.run();  // returns at once: no read, no timer left
  EXPECT_LT(Clock::now() - start, 1s);
  EXPECT_EQ(calls, 0);
}

TEST_F(ManifestWatcherTest, OnChangeMayStopTheWatcher) {
  fs::create_directory(root_);
  std::unique_ptr<ManifestWatcher> watcher;
  int calls = 0;
  watcher = std::make_unique<ManifestWatcher>(io_, root_.string(),
                                              TestOptions(), [&] {
                                                ++calls;
                                                watcher->Stop();
                                              });
  ASSERT_TRUE(watcher->Start().has_value());
  work_.reset();
  WriteFile(root_ / "lobby.yaml");
  io_.run_for(kWaitLimit);  // returns early once Stop left no work
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(io_.stopped());
}

}  // namespace
}  // namespace rtm

namespace rtm {
namespace {

// Trees delivered the way GitOps tools deliver them (docs/contract.md §2).

// A Kubernetes ConfigMap volume: kubelet writes each version into a new
// hidden timestamped directory, points "..data" at it by renaming a fresh
// symlink over it, and removes the old directory; the visible files are
// symlinks through "..data" and never change themselves.
TEST_F(ManifestWatcherTest, AConfigMapStyleDataSwapTriggers) {
  fs::create_directories(root_ / "..2026_12_02_10_00_00.1");
  WriteFile(root_ / "..2026_12_02_10_00_00.1" / "lobby.yaml", "generation: 1\n");
  fs::create_directory_symlink("..2026_12_02_10_00_00.1", root_ / "..data");
  fs::create_symlink("..data/lobby.yaml", root_ / "lobby.yaml");
  StartWatcher();

  fs::create_directories(root_ / "..2026_12_02_10_05_00.2");
  WriteFile(root_ / "..2026_12_02_10_05_00.2" / "lobby.yaml", "generation: 2\n");
  fs::create_directory_symlink("..2026_12_02_10_05_00.2", root_ / "..data_tmp");
  fs::rename(root_ / "..data_tmp", root_ / "..data");
  fs::remove_all(root_ / "..2026_12_02_10_00_00.1");

  ASSERT_TRUE(WaitForCount(1));
}

// git-sync: each revision is checked out into a new worktree, the link the
// controller reads is flipped to it atomically, the old worktree deleted.
TEST_F(ManifestWatcherTest, ARepointedRootSymlinkIsFollowedToTheNewTree) {
  fs::create_directories(base_ / "worktrees" / "rev1");
  WriteFile(base_ / "worktrees" / "rev1" / "lobby.yaml");
  fs::create_directory_symlink("worktrees/rev1", root_);
  StartWatcher();

  fs::create_directories(base_ / "worktrees" / "rev2");
  WriteFile(base_ / "worktrees" / "rev2" / "lobby.yaml", "generation: 2\n");
  fs::create_directory_symlink("worktrees/rev2", base_ / "manifests.tmp");
  fs::rename(base_ / "manifests.tmp", root_);
  ASSERT_TRUE(WaitForCount(1));
  fs::remove_all(base_ / "worktrees" / "rev1");

  // The new tree is the one watched now (and the old one's removal was not
  // taken for the root's).
  ExpectNoCallbackFrom([] {});
  const size_t before = Count();
  WriteFile(base_ / "worktrees" / "rev2" / "arena.yaml");
  ASSERT_TRUE(WaitForCount(before + 1));
}

TEST_F(ManifestWatcherTest, ARepointedLinkAboveTheRootIsFollowedToo) {
  fs::create_directories(base_ / "rev1" / "games");
  WriteFile(base_ / "rev1" / "games" / "lobby.yaml");
  fs::create_directory_symlink("rev1", base_ / "current");
  root_ = base_ / "current" / "games";
  StartWatcher();

  fs::create_directories(base_ / "rev2" / "games");
  WriteFile(base_ / "rev2" / "games" / "lobby.yaml", "generation: 2\n");
  fs::create_directory_symlink("rev2", base_ / "current.tmp");
  fs::rename(base_ / "current.tmp", base_ / "current");
  ASSERT_TRUE(WaitForCount(1));
  fs::remove_all(base_ / "rev1");

  const size_t before = Count();
  WriteFile(base_ / "rev2" / "games" / "arena.yaml");
  ASSERT_TRUE(WaitForCount(before + 1));
}

}  // namespace
}  // namespace rtm
