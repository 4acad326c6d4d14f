// ManifestPoller (controller/watch/manifest_poller.h): ticks on its
// io_context until stopped; and which filesystems inotify is blind to.
#include "controller/watch/manifest_poller.h"

#include <atomic>
#include <chrono>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <gtest/gtest.h>

namespace rtm {
namespace {

using namespace std::chrono_literals;

TEST(ManifestPollerTest, TicksEveryIntervalUntilStopped) {
  boost::asio::io_context io;
  auto work = boost::asio::make_work_guard(io);
  std::atomic<int> ticks{0};
  ManifestPoller poller(io, 20ms, [&] { ++ticks; });
  poller.Start();
  std::thread runner([&] { io.run(); });

  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (ticks < 3 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_GE(ticks.load(), 3);
  boost::asio::post(io, [&] { poller.Stop(); });
  std::this_thread::sleep_for(50ms);  // let a tick already queued pass
  const int stopped_at = ticks.load();
  std::this_thread::sleep_for(100ms);  // five intervals

  EXPECT_EQ(ticks.load(), stopped_at);
  work.reset();
  io.stop();
  runner.join();
}

TEST(ManifestPollerTest, LocalFilesystemsAreNotBlindAndMissingPathsAreNot) {
  EXPECT_EQ(InotifyBlindFilesystem(::testing::TempDir()), std::nullopt);
  EXPECT_EQ(InotifyBlindFilesystem("/nonexistent/rtm/manifests"), std::nullopt);
}

}  // namespace
}  // namespace rtm
