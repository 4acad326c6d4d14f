// WatchStreams against real cpprestsdk buffers: one thread serves any number
// of watchers, each gets a gap-free line stream, and streams end when they
// must.
#include "controller/api/watch_streams.h"

#include <gtest/gtest.h>

#include <cpprest/containerstream.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

namespace rtm {
namespace {

using Clock = std::chrono::steady_clock;

// One watcher: the body the server writes and the client end reading it.
struct Watcher {
  WatchStreams::Buffer body;
  concurrency::streams::istream client = body.create_istream();
  pplx::task_completion_event<void> client_left;

  // The next line, as JSON (blocks until the server writes one).
  // (Byte buffers: a char buffer read from this unsigned-char stream trips
  // UBSan inside cpprestsdk.)
  nlohmann::json NextEvent() {
    concurrency::streams::container_buffer<std::vector<uint8_t>> line;
    client.read_line(line).get();
    return nlohmann::json::parse(line.collection());
  }
  // True once the server closed the body and everything was read.
  bool Ended() {
    concurrency::streams::container_buffer<std::vector<uint8_t>> rest;
    client.read_to_end(rest).get();
    return client.is_eof();
  }
};

std::string Object(const std::string& name) {
  return R"({"metadata":{"name":")" + name + R"("}})";
}

TEST(WatchStreamsTest, EveryWatcherCatchesUpThenGetsLiveEventsInOrder) {
  WatchHub hub(0, 100);
  hub.Publish("a", false, Object("a"));  // revision 1
  hub.Publish("b", false, Object("b"));  // revision 2
  WatchStreams streams(hub);
  std::vector<std::unique_ptr<Watcher>> watchers;
  for (int i = 0; i < 50; ++i) {
    auto watcher = std::make_unique<Watcher>();
    streams.Add(watcher->body, pplx::create_task(watcher->client_left), 1,
                Clock::now() + std::chrono::minutes(1));
    watchers.push_back(std::move(watcher));
  }
  EXPECT_EQ(streams.open_streams(), 50u);

  hub.Publish("a", false, Object("a"));  // revision 3, after every Add
  hub.Publish("c", true, Object("c"));   // revision 4

  for (auto& watcher : watchers) {
    nlohmann::json caught_up = watcher->NextEvent();
    EXPECT_EQ(caught_up["revision"], 2);
    EXPECT_EQ(caught_up["type"], "ADDED");
    EXPECT_EQ(caught_up["object"]["metadata"]["name"], "b");
    nlohmann::json live = watcher->NextEvent();
    EXPECT_EQ(live["revision"], 3);
    EXPECT_EQ(live["type"], "MODIFIED");
    nlohmann::json deleted = watcher->NextEvent();
    EXPECT_EQ(deleted["revision"], 4);
    EXPECT_EQ(deleted["type"], "DELETED");
  }
}

TEST(WatchStreamsTest, StreamPastItsDeadlineOrWithoutClientEndsAtTheNextWakeUp) {
  WatchHub hub(0, 100);
  WatchStreams streams(hub);
  Watcher expired;
  Watcher left;
  Watcher staying;
  streams.Add(expired.body, pplx::create_task(expired.client_left), 0, Clock::now());
  streams.Add(left.body, pplx::create_task(left.client_left), 0,
              Clock::now() + std::chrono::minutes(1));
  streams.Add(staying.body, pplx::create_task(staying.client_left), 0,
              Clock::now() + std::chrono::minutes(1));
  left.client_left.set();

  hub.Publish("a", false, Object("a"));  // wakes the serving thread

  EXPECT_TRUE(expired.Ended());
  EXPECT_TRUE(left.Ended());
  EXPECT_EQ(staying.NextEvent()["revision"], 1);
  EXPECT_EQ(streams.open_streams(), 1u);
}

TEST(WatchStreamsTest, SinceOutsideTheRetainedHistoryEndsTheStreamAtOnce) {
  WatchHub hub(0, 2);
  for (int i = 0; i < 5; ++i) hub.Publish("a", false, Object("a"));
  WatchStreams streams(hub);
  Watcher watcher;

  streams.Add(watcher.body, pplx::create_task(watcher.client_left), 1,
              Clock::now() + std::chrono::minutes(1));

  EXPECT_TRUE(watcher.Ended());
  EXPECT_EQ(streams.open_streams(), 0u);
}

TEST(WatchStreamsTest, StopEndsEveryStreamAndLaterOnesAtOnce) {
  WatchHub hub(0, 100);
  WatchStreams streams(hub);
  Watcher open;
  streams.Add(open.body, pplx::create_task(open.client_left), 0,
              Clock::now() + std::chrono::minutes(1));

  streams.Stop();
  Watcher late;
  streams.Add(late.body, pplx::create_task(late.client_left), 0,
              Clock::now() + std::chrono::minutes(1));

  EXPECT_TRUE(open.Ended());
  EXPECT_TRUE(late.Ended());
  EXPECT_EQ(streams.open_streams(), 0u);
}

}  // namespace
}  // namespace rtm
