// The controller's two informers, each alone: EngineEventsInformer (engine
// events, reconnect, relist) and ChangeFeedInformer (desired-state changes
// of any writer, relist after lost history).
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/app/change_feed_informer.h"
#include "controller/app/engine_events_informer.h"
#include "reconcile/domain/container_spec.h"
#include "test/mocks/fake_change_feed.h"
#include "test/mocks/fake_clock.h"
#include "test/mocks/mock_container_engine.h"
#include "test/mocks/mock_logger.h"

namespace rtm {
namespace {

using ::testing::_;
using ::testing::ElementsAre;
using ::testing::NiceMock;
using ::testing::Return;

// What the informers reported, in order: "event g@<ms>", "relist",
// "desired g#<revision>".
class Reports {
 public:
  void Add(std::string report) {
    std::lock_guard lock(mutex_);
    reports_.push_back(std::move(report));
    changed_.notify_all();
  }
  // The first `count` reports, once there are that many (empty after 30 s).
  std::vector<std::string> First(size_t count) {
    std::unique_lock lock(mutex_);
    if (!changed_.wait_for(lock, std::chrono::seconds(30),
                           [&] { return reports_.size() >= count; })) {
      return {};
    }
    return {reports_.begin(), reports_.begin() + static_cast<long>(count)};
  }
  std::vector<std::string> All() {
    std::lock_guard lock(mutex_);
    return reports_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> reports_;
};

// A stream that delivers its events, then breaks (when `breaks`) or idles.
class ScriptedStream : public ContainerEventStream {
 public:
  ScriptedStream(std::deque<ContainerEvent> events, bool breaks)
      : events_(std::move(events)), breaks_(breaks) {}
  Expected<std::optional<ContainerEvent>> Next(Duration wait) override {
    if (!events_.empty()) {
      ContainerEvent event = std::move(events_.front());
      events_.pop_front();
      return std::optional<ContainerEvent>(std::move(event));
    }
    if (breaks_) return Fail(ErrorCode::kServiceUnavailable, "engine restarted");
    std::this_thread::sleep_for(std::min(wait, Duration(std::chrono::milliseconds(20))));
    return std::optional<ContainerEvent>();
  }

 private:
  std::deque<ContainerEvent> events_;
  bool breaks_;
};

ContainerEvent Event(const std::string& game, std::string action, int64_t ms) {
  return ContainerEvent{.action = std::move(action),
                        .container_id = "c-" + game,
                        .attributes = {{std::string(kLabelGame), game}},
                        .time = Timestamp(std::chrono::milliseconds(ms))};
}

TEST(EngineEventsInformerTest, ReportsRelevantEventsAndRelistsAfterAReconnect) {
  NiceMock<MockContainerEngine> engine;
  NiceMock<MockLogger> logger;
  int connects = 0;
  EXPECT_CALL(engine, WatchEvents(_))
      .WillRepeatedly([&](const auto&) -> Expected<std::unique_ptr<ContainerEventStream>> {
        ++connects;
        if (connects == 1) {
          return std::make_unique<ScriptedStream>(
              std::deque<ContainerEvent>{Event("a", "die", 5),
                                         Event("a", "exec_start: sh", 6),
                                         Event("b", "health_status: unhealthy", 7)},
              /*breaks=*/true);
        }
        if (connects == 2) return Fail(ErrorCode::kServiceUnavailable, "down");
        return std::make_unique<ScriptedStream>(
            std::deque<ContainerEvent>{Event("c", "start", 9)}, /*breaks=*/false);
      });
  EXPECT_CALL(engine, EnsureNetwork(std::string_view("net")))
      .Times(2)
      .WillRepeatedly(Return(Expected<void>()));
  Reports reports;
  // The engine stamps its events 5, 7 and 9 ms after the epoch; what the
  // informer reports is when they arrived, on the controller's clock.
  FakeClock clock(Timestamp(std::chrono::milliseconds(100)));
  EngineEventsInformer informer(
      engine, logger, clock,
      EngineEventsOptions{.network = "net",
                          .reconnect_base = std::chrono::milliseconds(1),
                          .reconnect_cap = std::chrono::milliseconds(2)},
      EngineEventsInformer::Handlers{
          .on_event =
              [&](const std::string& game, Timestamp at) {
                reports.Add("event " + game + "@" +
                            std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                               at.time_since_epoch())
                                               .count()));
              },
          .on_relist = [&] { reports.Add("relist"); }});

  informer.Start();

  EXPECT_THAT(reports.First(4),
              ElementsAre("event a@100", "event b@100", "relist", "event c@100"));
  informer.Stop();
  EXPECT_EQ(reports.All().size(), 4u);  // no relist at the first connect
}

RuntimeChange DesiredChange(const std::string& name, RuntimePart part) {
  return RuntimeChange{.part = part,
                       .name = name,
                       .desired = std::make_shared<DesiredRuntime>(DesiredRuntime{.name = name}),
                       .status = std::make_shared<RuntimeStatusView>()};
}

// Reports "desired <name>" and "relist".
ChangeFeedInformer::Handlers ReportingTo(Reports& reports) {
  return ChangeFeedInformer::Handlers{
      .on_desired =
          [&reports](const DesiredRuntime& desired) {
            reports.Add("desired " + desired.name);
          },
      .on_relist = [&reports] { reports.Add("relist"); }};
}

TEST(ChangeFeedInformerTest, ReportsDesiredChangesAfterItsRevisionInOrder) {
  FakeChangeFeed feed;
  NiceMock<MockLogger> logger;
  feed.Push(DesiredChange("before", RuntimePart::kDesired));  // 1: not reported
  Reports reports;
  ChangeFeedInformer informer(feed, logger, ReportingTo(reports));
  informer.Start(1);

  feed.Push(DesiredChange("a", RuntimePart::kDesired));
  feed.Push(DesiredChange("a", RuntimePart::kStatus));  // status: not reported
  feed.Push(DesiredChange("b", RuntimePart::kDesired));

  EXPECT_THAT(reports.First(2), ElementsAre("desired a", "desired b"));
  informer.Stop();
  EXPECT_EQ(reports.All().size(), 2u);
}

TEST(ChangeFeedInformerTest, LostHistoryIsARelistThenItGoesOn) {
  FakeChangeFeed feed;
  NiceMock<MockLogger> logger;
  for (int i = 0; i < 5; ++i) feed.Push(DesiredChange("old", RuntimePart::kDesired));
  feed.LoseHistoryUpTo(4);  // a reader after 2 has lost 3 and 4
  Reports reports;
  ChangeFeedInformer informer(feed, logger, ReportingTo(reports));
  informer.Start(2);
  ASSERT_THAT(reports.First(1), ElementsAre("relist"));

  feed.Push(DesiredChange("new", RuntimePart::kDesired));

  EXPECT_THAT(reports.First(2), ElementsAre("relist", "desired new"));
  informer.Stop();
  EXPECT_EQ(reports.All().size(), 2u);  // 5 was covered by the relist
}

}  // namespace
}  // namespace rtm
