// LogFollows against real cpprestsdk buffers and a scripted engine stream:
// each follow copies the container's output in order and ends when it must.
#include "controller/api/log_follows.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cpprest/containerstream.h>

#include <atomic>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "test/mocks/mock_container_engine.h"

namespace rtm {
namespace {

using ::testing::_;
using ::testing::Return;

// One follower: the body the server writes and the client end reading it.
struct Client {
  LogFollows::Buffer body;
  concurrency::streams::istream reader = body.create_istream();
  pplx::task_completion_event<void> left;

  pplx::task<void> Sent() const { return pplx::create_task(left); }
  // Everything until the server ends the body. (Byte buffers: a char
  // buffer read from this unsigned-char stream trips UBSan in cpprestsdk.)
  std::string ReadToEnd() {
    concurrency::streams::container_buffer<std::vector<uint8_t>> all;
    reader.read_to_end(all).get();
    return std::string(all.collection().begin(), all.collection().end());
  }
  std::string Read(size_t bytes) {
    concurrency::streams::container_buffer<std::vector<uint8_t>> some;
    reader.read(some, bytes).get();
    return std::string(some.collection().begin(), some.collection().end());
  }
};

LogChunk Bytes(std::string bytes) { return LogChunk{std::move(bytes), false}; }
LogChunk Ended() { return LogChunk{.ended = true}; }

TEST(LogFollowsTest, CopiesTheOutputInOrderAndEndsWhenTheContainerStops) {
  auto stream = std::make_unique<MockContainerLogStream>();
  EXPECT_CALL(*stream, Next(_))
      .WillOnce(Return(Bytes("first\n")))
      .WillOnce(Return(Bytes("")))  // quiet for a poll
      .WillOnce(Return(Bytes("second\nthi")))
      .WillOnce(Return(LogChunk{"rd\n", true}));
  LogFollows follows;
  Client client;
  follows.Add(client.body, client.Sent(), std::move(stream));
  EXPECT_EQ(client.ReadToEnd(), "first\nsecond\nthird\n");
  EXPECT_TRUE(client.reader.is_eof());
}

TEST(LogFollowsTest, ABrokenEngineStreamEndsTheResponseWithWhatCameBefore) {
  auto stream = std::make_unique<MockContainerLogStream>();
  EXPECT_CALL(*stream, Next(_))
      .WillOnce(Return(Bytes("before\n")))
      .WillOnce(Return(Fail(ErrorCode::kServiceUnavailable, "engine gone")));
  LogFollows follows;
  Client client;
  follows.Add(client.body, client.Sent(), std::move(stream));
  EXPECT_EQ(client.ReadToEnd(), "before\n");
}

TEST(LogFollowsTest, AClientThatWentAwayEndsItsFollow) {
  auto stream = std::make_unique<MockContainerLogStream>();
  Client client;
  std::atomic<int> reads = 0;
  EXPECT_CALL(*stream, Next(_)).WillRepeatedly([&](Duration) -> Expected<LogChunk> {
    if (++reads == 3) client.left.set();  // the client hangs up meanwhile
    return Bytes("x");
  });
  LogFollows follows;
  follows.Add(client.body, client.Sent(), std::move(stream));
  EXPECT_EQ(client.ReadToEnd(), "xxx");  // not one read after it left
  EXPECT_EQ(reads.load(), 3);
}

TEST(LogFollowsTest, StopEndsQuietFollowsAndLaterOnesAtOnce) {
  LogFollows follows(LogFollows::Options{.poll = std::chrono::milliseconds(5)});
  std::vector<std::unique_ptr<Client>> clients;
  std::promise<void> polled;
  std::atomic<bool> signalled = false;
  for (int i = 0; i < 3; ++i) {
    auto stream = std::make_unique<MockContainerLogStream>();
    EXPECT_CALL(*stream, Next(_)).WillRepeatedly([&](Duration) -> Expected<LogChunk> {
      if (!signalled.exchange(true)) polled.set_value();
      return Bytes("");
    });
    clients.push_back(std::make_unique<Client>());
    follows.Add(clients.back()->body, clients.back()->Sent(), std::move(stream));
  }
  polled.get_future().wait();
  EXPECT_EQ(follows.open_follows(), 3u);
  follows.Stop();
  for (auto& client : clients) EXPECT_EQ(client->ReadToEnd(), "");
  EXPECT_EQ(follows.open_follows(), 0u);

  auto late = std::make_unique<MockContainerLogStream>();
  EXPECT_CALL(*late, Next(_)).Times(0);
  Client late_client;
  follows.Add(late_client.body, late_client.Sent(), std::move(late));
  EXPECT_EQ(late_client.ReadToEnd(), "");
}

TEST(LogFollowsTest, ASlowClientIsNeverFedMoreThanTheLimitAheadAndLosesNothing) {
  constexpr size_t kLimit = 10;
  constexpr int kChunks = 20;
  LogFollows follows(LogFollows::Options{.poll = std::chrono::milliseconds(1),
                                         .max_unread_bytes = kLimit});
  Client client;
  auto stream = std::make_unique<MockContainerLogStream>();
  std::promise<void> second_read;
  int reads = 0;
  EXPECT_CALL(*stream, Next(_)).WillRepeatedly([&](Duration) -> Expected<LogChunk> {
    // The engine is read only while the client is less than the limit behind.
    EXPECT_LT(client.body.in_avail(), kLimit) << "read " << reads;
    if (++reads == 2) second_read.set_value();
    if (reads > kChunks) return Ended();
    return Bytes(std::string(7, static_cast<char>('a' + reads % 26)));
  });
  follows.Add(client.body, client.Sent(), std::move(stream));
  second_read.get_future().wait();  // 14 bytes unread after it: a pause
  std::string received;
  while (received.size() < 7 * kChunks) received += client.Read(7);
  std::string expected;
  for (int i = 1; i <= kChunks; ++i) expected += std::string(7, static_cast<char>('a' + i % 26));
  EXPECT_EQ(received, expected);
  EXPECT_EQ(client.ReadToEnd(), "");
}

}  // namespace
}  // namespace rtm
