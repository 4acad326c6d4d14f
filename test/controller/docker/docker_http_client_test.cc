// The HTTP client and the events stream against a scripted fake engine:
// keep-alive reuse, transparent reconnect, deadlines, incremental streaming.
#include "controller/docker/docker_http_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "controller/docker/docker_engine.h"
#include "test/controller/docker/fake_docker_server.h"

namespace rtm::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using namespace std::chrono_literals;

constexpr std::string_view kVersionJson =
    R"({"Version":"20.10.24","ApiVersion":"1.41"})";

std::string VersionResponse() {
  return FakeDockerServer::Response(200, kVersionJson);
}

// Answers every request on the connection until the client closes it.
void AnswerUntilClosed(FakeDockerServer& server, int connection) {
  while (server.ReadRequest(connection))
    server.Send(connection, VersionResponse());
}

TEST(DockerHttpClientTest, ReusesOneKeepAliveConnection) {
  FakeDockerServer server([](FakeDockerServer& s) {
    const int connection = s.Accept();
    if (connection >= 0) AnswerUntilClosed(s, connection);
  });
  {
    DockerHttpClient client(server.endpoint());
    for (int call = 0; call < 3; ++call) {
      auto response = client.Get("/version");
      ASSERT_TRUE(response) << response.error().message;
      EXPECT_EQ(response->status, 200);
      EXPECT_EQ(response->body, kVersionJson);
    }
  }
  EXPECT_EQ(server.accepted(), 1);
  EXPECT_EQ(server.requests(), 3);
}

TEST(DockerHttpClientTest, SendsTheApiVersionPrefixAndJsonBody) {
  std::string seen;
  FakeDockerServer server([&](FakeDockerServer& s) {
    const int connection = s.Accept();
    if (auto request = s.ReadRequest(connection)) {
      seen = *request;
      s.Send(connection, FakeDockerServer::Response(201, R"({"Id":"x"})"));
    }
  });
  {
    DockerHttpClient client(server.endpoint());
    auto response = client.Call(HttpMethod::kPost, "/containers/create?name=a",
                                R"({"Image":"i"})");
    ASSERT_TRUE(response) << response.error().message;
    EXPECT_EQ(response->status, 201);
  }
  EXPECT_THAT(seen,
              StartsWith("POST /v1.41/containers/create?name=a HTTP/1.1\r\n"));
  EXPECT_THAT(seen, HasSubstr("Content-Type: application/json"));
  EXPECT_THAT(seen, HasSubstr("\r\n\r\n{\"Image\":\"i\"}"));
}

TEST(DockerHttpClientTest, ReplacesAConnectionTheEngineClosedWhileIdle) {
  Notification closed;
  FakeDockerServer server([&](FakeDockerServer& s) {
    const int first = s.Accept();
    if (s.ReadRequest(first)) s.Send(first, VersionResponse());
    s.Close(first);
    closed.Notify();
    const int second = s.Accept();
    if (second >= 0) AnswerUntilClosed(s, second);
  });
  {
    DockerHttpClient client(server.endpoint());
    ASSERT_TRUE(client.Get("/version"));
    ASSERT_TRUE(closed.WaitFor(10s));
    auto response = client.Get("/version");
    ASSERT_TRUE(response) << response.error().message;
    EXPECT_EQ(response->status, 200);
  }
  EXPECT_EQ(server.accepted(), 2);
}

TEST(DockerHttpClientTest, RetriesOnceWhenAReusedConnectionClosesUnanswered) {
  FakeDockerServer server([](FakeDockerServer& s) {
    const int first = s.Accept();
    if (s.ReadRequest(first)) s.Send(first, VersionResponse());
    s.ReadRequest(first);
    s.Close(first);
    const int second = s.Accept();
    if (second >= 0) AnswerUntilClosed(s, second);
  });
  {
    DockerHttpClient client(server.endpoint());
    ASSERT_TRUE(client.Get("/version"));
    auto response = client.Get("/version");
    ASSERT_TRUE(response) << response.error().message;
    EXPECT_EQ(response->status, 200);
  }
  EXPECT_EQ(server.accepted(), 2);
  EXPECT_EQ(server.requests(), 3);
}

TEST(DockerHttpClientTest, DoesNotRetryOnAFreshConnection) {
  FakeDockerServer server([](FakeDockerServer& s) {
    const int connection = s.Accept();
    s.ReadRequest(connection);
    s.Close(connection);
  });
  DockerHttpClient client(server.endpoint());
  auto response = client.Get("/version");
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().code, ErrorCode::kServiceUnavailable);
  EXPECT_THAT(response.error().message,
              HasSubstr("docker engine at " + server.endpoint().text +
                        " unreachable: GET /v1.41/version"));
  EXPECT_EQ(server.accepted(), 1);
}

TEST(DockerHttpClientTest, TimesOutAndDiscardsTheConnection) {
  FakeDockerServer server([](FakeDockerServer& s) {
    const int silent = s.Accept();
    s.ReadRequest(silent);
    s.ReadRequest(silent);  // returns once the client gave up and closed
    s.Close(silent);
    const int second = s.Accept();
    if (second >= 0) AnswerUntilClosed(s, second);
  });
  {
    DockerHttpClient client(server.endpoint());
    auto timed_out = client.Call(HttpMethod::kGet, "/version", std::nullopt,
                                 std::chrono::milliseconds(300));
    ASSERT_FALSE(timed_out);
    EXPECT_EQ(timed_out.error().code, ErrorCode::kServiceUnavailable);
    EXPECT_THAT(timed_out.error().message, HasSubstr("timed out after 300ms"));

    auto response = client.Get("/version");
    ASSERT_TRUE(response) << response.error().message;
  }
  EXPECT_EQ(server.accepted(), 2);
}

TEST(DockerHttpClientTest, EngineErrorStatusesAreAnswersWithTheirMessage) {
  FakeDockerServer server([](FakeDockerServer& s) {
    const int connection = s.Accept();
    while (s.ReadRequest(connection)) {
      s.Send(connection,
             FakeDockerServer::Response(500, R"({"message":"disk on fire"})"));
    }
  });
  DockerEngine engine(server.endpoint());
  auto version = engine.Version();
  ASSERT_FALSE(version);
  EXPECT_EQ(version.error().code, ErrorCode::kServiceUnavailable);
  EXPECT_THAT(version.error().message, HasSubstr("disk on fire"));

  auto started = engine.StartContainer("abc");
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().code, ErrorCode::kStartFailed);
  EXPECT_THAT(started.error().message, HasSubstr("disk on fire"));
}

TEST(DockerEventStreamTest, DeliversEventsSplitAcrossReadsThenReportsTheBreak) {
  const std::string event =
      R"({"Type":"container","Action":"die","id":"abc",)"
      R"("Actor":{"ID":"abc","Attributes":{"exitCode":"137"}},"timeNano":1000000000})";
  const std::string network_event =
      R"({"Type":"network","Action":"connect","Actor":{"ID":"n"}})";
  std::string target;
  Notification may_close;
  {
    FakeDockerServer server([&](FakeDockerServer& s) {
      const int connection = s.Accept();
      if (auto request = s.ReadRequest(connection)) target = *request;
      s.Send(connection, FakeDockerServer::ChunkedHeader(200));
      s.Send(connection, FakeDockerServer::Chunk(event.substr(0, 20)));
      std::this_thread::sleep_for(50ms);
      s.Send(connection, FakeDockerServer::Chunk(event.substr(20) + "\n" +
                                                 network_event + "\n"));
      may_close.WaitFor(10s);
      s.Close(connection);
    });
    DockerEngine engine(server.endpoint());
    auto stream = engine.WatchEvents({{"io.rtmanager.managed", "true"}});
    ASSERT_TRUE(stream) << stream.error().message;

    auto first = (*stream)->Next(10s);
    ASSERT_TRUE(first) << first.error().message;
    ASSERT_TRUE(*first);
    EXPECT_EQ((*first)->action, "die");
    EXPECT_EQ((*first)->container_id, "abc");
    EXPECT_EQ((*first)->attributes.at("exitCode"), "137");

    auto quiet = (*stream)->Next(100ms);
    ASSERT_TRUE(quiet) << quiet.error().message;
    EXPECT_FALSE(*quiet);

    may_close.Notify();
    auto broken = (*stream)->Next(10s);
    ASSERT_FALSE(broken);
    EXPECT_EQ(broken.error().code, ErrorCode::kServiceUnavailable);
    auto still_broken = (*stream)->Next(10ms);
    ASSERT_FALSE(still_broken);
    EXPECT_EQ(still_broken.error().code, ErrorCode::kServiceUnavailable);
  }
  EXPECT_THAT(target,
              StartsWith("GET /v1.41/events?filters=" +
                         std::string("%7B%22label%22%3A%5B%22io.rtmanager."
                                     "managed%3Dtrue%22%5D%2C%22type%22%"
                                     "3A%5B%22container%22%5D%7D")));
}

TEST(DockerEventStreamTest, RefusedWatchCarriesTheEngineMessage) {
  FakeDockerServer server([](FakeDockerServer& s) {
    const int connection = s.Accept();
    if (s.ReadRequest(connection)) {
      s.Send(connection,
             FakeDockerServer::Response(400, R"({"message":"bad filter"})"));
    }
    s.ReadRequest(connection);
  });
  DockerEngine engine(server.endpoint());
  auto stream = engine.WatchEvents({});
  ASSERT_FALSE(stream);
  EXPECT_EQ(stream.error().code, ErrorCode::kServiceUnavailable);
  EXPECT_THAT(stream.error().message, HasSubstr("bad filter"));
}

}  // namespace
}  // namespace rtm::testing
