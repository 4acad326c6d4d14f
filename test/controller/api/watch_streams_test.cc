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

#include "test/mocks/fake_change_feed.h"
#include "test/mocks/fake_clock.h"

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

RuntimeChange Change(const std::string& name, ChangeType type) {
  return RuntimeChange{.type = type,
                       .name = name,
                       .desired = std::make_shared<DesiredRuntime>(
                           DesiredRuntime{.name = name, .generation = 1})};
}

TEST(WatchStreamsTest, EveryWatcherCatchesUpThenGetsLiveEventsInOrder) {
  FakeChangeFeed feed;
  feed.Push(Change("a", ChangeType::kAdded));  // revision 1
  feed.Push(Change("b", ChangeType::kAdded));  // revision 2
  FakeClock fake_clock;
  WatchStreams streams(feed, fake_clock);
  std::vector<std::unique_ptr<Watcher>> watchers;
  for (int i = 0; i < 50; ++i) {
    auto watcher = std::make_unique<Watcher>();
    streams.Add(watcher->body, pplx::create_task(watcher->client_left), WatchRequest{.since = 1},
                Clock::now() + std::chrono::minutes(1));
    watchers.push_back(std::move(watcher));
  }
  EXPECT_EQ(streams.open_streams(), 50u);

  feed.Push(Change("a", ChangeType::kModified));  // revision 3, after every Add
  // A status without a desired object is no API object: skipped.
  feed.Push(RuntimeChange{.type = ChangeType::kAdded, .name = "x"});  // 4
  feed.Push(Change("c", ChangeType::kDeleted));  // revision 5

  for (auto& watcher : watchers) {
    nlohmann::json caught_up = watcher->NextEvent();
    EXPECT_EQ(caught_up["revision"], 2);
    EXPECT_EQ(caught_up["type"], "ADDED");
    EXPECT_EQ(caught_up["object"]["metadata"]["name"], "b");
    nlohmann::json live = watcher->NextEvent();
    EXPECT_EQ(live["revision"], 3);
    EXPECT_EQ(live["type"], "MODIFIED");
    nlohmann::json deleted = watcher->NextEvent();
    EXPECT_EQ(deleted["revision"], 5);
    EXPECT_EQ(deleted["type"], "DELETED");
    EXPECT_EQ(deleted["object"]["metadata"]["name"], "c");
  }
}

TEST(WatchStreamsTest, StreamPastItsDeadlineOrWithoutClientEndsAtTheNextWakeUp) {
  FakeChangeFeed feed;
  FakeClock fake_clock;
  WatchStreams streams(feed, fake_clock);
  Watcher expired;
  Watcher left;
  Watcher staying;
  streams.Add(expired.body, pplx::create_task(expired.client_left), WatchRequest{.since = 0}, Clock::now());
  streams.Add(left.body, pplx::create_task(left.client_left), WatchRequest{.since = 0},
              Clock::now() + std::chrono::minutes(1));
  streams.Add(staying.body, pplx::create_task(staying.client_left), WatchRequest{.since = 0},
              Clock::now() + std::chrono::minutes(1));
  left.client_left.set();

  feed.Push(Change("a", ChangeType::kAdded));  // wakes the serving thread

  EXPECT_TRUE(expired.Ended());
  EXPECT_TRUE(left.Ended());
  EXPECT_EQ(staying.NextEvent()["revision"], 1);
  EXPECT_EQ(streams.open_streams(), 1u);
}

// A client that reads nothing while changes pile up: its stream ends once
// more than max_unread_bytes wait in its buffer, instead of growing without
// bound; a reading client on the same feed goes on.
TEST(WatchStreamsTest, AStreamWhoseClientDoesNotReadEndsAtTheUnreadBound) {
  FakeChangeFeed feed;
  FakeClock fake_clock;
  WatchStreams streams(feed, fake_clock, std::chrono::seconds(10), /*max_unread_bytes=*/4096);
  Watcher stalled;
  Watcher reading;
  streams.Add(stalled.body, pplx::create_task(stalled.client_left), WatchRequest{.since = 0},
              Clock::now() + std::chrono::minutes(1));
  streams.Add(reading.body, pplx::create_task(reading.client_left), WatchRequest{.since = 0},
              Clock::now() + std::chrono::minutes(1));

  for (int revision = 1; revision <= 100; ++revision) {
    feed.Push(Change("game-" + std::to_string(revision), ChangeType::kAdded));
    EXPECT_EQ(reading.NextEvent()["revision"], revision);
  }

  EXPECT_LE(stalled.body.in_avail(), 4096u + 1024u);  // the bound and one chunk
  EXPECT_TRUE(stalled.Ended());
  EXPECT_EQ(streams.open_streams(), 1u);
}

TEST(WatchStreamsTest, SinceOutsideTheRetainedHistoryEndsTheStreamAtOnce) {
  FakeChangeFeed feed;
  for (int i = 0; i < 5; ++i) feed.Push(Change("a", ChangeType::kModified));
  feed.LoseHistoryUpTo(3);
  FakeClock fake_clock;
  WatchStreams streams(feed, fake_clock);
  Watcher watcher;

  streams.Add(watcher.body, pplx::create_task(watcher.client_left), WatchRequest{.since = 1},
              Clock::now() + std::chrono::minutes(1));

  EXPECT_TRUE(watcher.Ended());
  EXPECT_EQ(streams.open_streams(), 0u);
}

TEST(WatchStreamsTest, StopEndsEveryStreamAndLaterOnesAtOnce) {
  FakeChangeFeed feed;
  FakeClock fake_clock;
  WatchStreams streams(feed, fake_clock);
  Watcher open;
  streams.Add(open.body, pplx::create_task(open.client_left), WatchRequest{.since = 0},
              Clock::now() + std::chrono::minutes(1));

  streams.Stop();
  Watcher late;
  streams.Add(late.body, pplx::create_task(late.client_left), WatchRequest{.since = 0},
              Clock::now() + std::chrono::minutes(1));

  EXPECT_TRUE(open.Ended());
  EXPECT_TRUE(late.Ended());
  EXPECT_EQ(streams.open_streams(), 0u);
}

// A Kubernetes stream (controller/api/kube/kube_api.h): its initial ADDED
// lines first, then {"type","object"} events of the selected objects only.
TEST(WatchStreamsTest, AKubernetesStreamSendsItsInitialLinesThenSelectedChanges) {
  FakeChangeFeed feed;
  feed.Push(Change("a", ChangeType::kAdded));  // revision 1
  FakeClock fake_clock;
  WatchStreams streams(feed, fake_clock);
  Watcher watcher;
  streams.Add(watcher.body, pplx::create_task(watcher.client_left),
              WatchRequest{.since = 1,
                           .format = WatchFormat::kKube,
                           .initial_lines = "{\"type\":\"ADDED\",\"object\":{\"n\":1}}\n",
                           .accepts = [](const DesiredRuntime& d) { return d.name != "b"; }},
              Clock::now() + std::chrono::minutes(1));

  feed.Push(Change("b", ChangeType::kModified));  // 2: not selected
  feed.Push(Change("a", ChangeType::kModified));  // 3

  EXPECT_EQ(watcher.NextEvent()["object"]["n"], 1);
  const nlohmann::json event = watcher.NextEvent();
  EXPECT_EQ(event["type"], "MODIFIED");
  EXPECT_FALSE(event.contains("revision"));
  EXPECT_EQ(event["object"]["kind"], "GameRuntime");
  EXPECT_EQ(event["object"]["metadata"]["name"], "a");
}

// Only the first event of a Table stream carries the column definitions.
TEST(WatchStreamsTest, ATableStreamSendsTheColumnsOnceAndRows) {
  FakeChangeFeed feed;
  FakeClock fake_clock;
  WatchStreams streams(feed, fake_clock);
  Watcher watcher;
  streams.Add(watcher.body, pplx::create_task(watcher.client_left),
              WatchRequest{.since = 0, .format = WatchFormat::kKubeTable},
              Clock::now() + std::chrono::minutes(1));
  feed.Push(Change("a", ChangeType::kAdded));
  feed.Push(Change("a", ChangeType::kModified));

  const nlohmann::json first = watcher.NextEvent();
  EXPECT_EQ(first["type"], "ADDED");
  EXPECT_EQ(first["object"]["kind"], "Table");
  EXPECT_FALSE(first["object"]["columnDefinitions"].empty());
  EXPECT_EQ(first["object"]["rows"][0]["cells"][0], "a");
  const nlohmann::json second = watcher.NextEvent();
  EXPECT_TRUE(second["object"]["columnDefinitions"].empty());
  EXPECT_EQ(second["object"]["rows"][0]["cells"][0], "a");
}

// A Kubernetes watcher from a lost revision learns it: ERROR with a 410
// Expired Status, then the end of the stream (informers list again).
TEST(WatchStreamsTest, AKubernetesStreamOutsideTheHistoryGetsExpiredThenEnds) {
  FakeChangeFeed feed;
  for (int i = 0; i < 5; ++i) feed.Push(Change("a", ChangeType::kModified));
  feed.LoseHistoryUpTo(3);
  FakeClock fake_clock;
  WatchStreams streams(feed, fake_clock);
  Watcher watcher;
  streams.Add(watcher.body, pplx::create_task(watcher.client_left),
              WatchRequest{.since = 1, .format = WatchFormat::kKube},
              Clock::now() + std::chrono::minutes(1));

  const nlohmann::json error = watcher.NextEvent();
  EXPECT_EQ(error["type"], "ERROR");
  EXPECT_EQ(error["object"]["kind"], "Status");
  EXPECT_EQ(error["object"]["code"], 410);
  EXPECT_EQ(error["object"]["reason"], "Expired");
  EXPECT_TRUE(watcher.Ended());
}

TEST(WatchStreamsTest, AnIdleStreamThatAskedForBookmarksGetsThem) {
  FakeChangeFeed feed;
  feed.Push(Change("a", ChangeType::kAdded));  // revision 1
  FakeClock fake_clock;
  WatchStreams streams(feed, fake_clock, std::chrono::milliseconds(1));
  Watcher watcher;
  streams.Add(watcher.body, pplx::create_task(watcher.client_left),
              WatchRequest{.since = 1, .format = WatchFormat::kKube, .bookmarks = true},
              Clock::now() + std::chrono::minutes(1));

  const nlohmann::json bookmark = watcher.NextEvent();
  EXPECT_EQ(bookmark["type"], "BOOKMARK");
  EXPECT_EQ(bookmark["object"]["kind"], "GameRuntime");
  EXPECT_EQ(bookmark["object"]["metadata"]["resourceVersion"], "1");
}

}  // namespace
}  // namespace rtm
