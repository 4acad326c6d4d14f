#include "controller/cli/http_api_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test/controller/cli/loopback_http_server.h"

namespace rtm {
namespace {

using testing_support::HttpConnection;
using testing_support::LoopbackHttpServer;
using testing_support::ReceivedRequest;
using ::testing::ElementsAre;
using ::testing::StartsWith;

// A loopback port nobody listens on right now.
int UnusedPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

std::unique_ptr<HttpApiClient> ClientOf(const LoopbackHttpServer& server) {
  auto client = HttpApiClient::Create({.server = server.Url()}, std::chrono::seconds(5));
  EXPECT_TRUE(client.has_value());
  return std::move(*client);
}

Deadline In(std::chrono::milliseconds delay) { return std::chrono::steady_clock::now() + delay; }

std::vector<std::string> Targets(LoopbackHttpServer& server) {
  std::vector<std::string> targets;
  for (const ReceivedRequest& request : server.Requests()) {
    targets.push_back(request.method + " " + request.target);
  }
  return targets;
}

TEST(HttpApiClientCreateTest, AcceptsHttpUrlsAndHostPort) {
  EXPECT_EQ((*HttpApiClient::Create({.server = "http://127.0.0.1:8088/"}, std::chrono::seconds(1)))->BaseUrl(),
            "http://127.0.0.1:8088");
  EXPECT_EQ((*HttpApiClient::Create({.server = "127.0.0.1:9"}, std::chrono::seconds(1)))->BaseUrl(),
            "http://127.0.0.1:9");
  EXPECT_EQ((*HttpApiClient::Create({.server = "https://rtm.example"}, std::chrono::seconds(1)))->BaseUrl(),
            "https://rtm.example");
}

TEST(HttpApiClientCreateTest, RejectsOtherSchemesAndGarbage) {
  for (const char* bad : {"ftp://x", "http://", "http://a b", "unix:///var/run/x.sock"}) {
    auto client = HttpApiClient::Create({.server = bad}, std::chrono::seconds(1));
    ASSERT_FALSE(client.has_value()) << bad;
    EXPECT_EQ(client.error().code, ErrorCode::kInvalidRequest) << bad;
  }
}

TEST(HttpApiClientTest, GetReturnsStatusAndBodyForAnyStatus) {
  LoopbackHttpServer server([](const ReceivedRequest& request, HttpConnection& connection) {
    if (request.target == "/v1/runtimes/nope") {
      connection.Respond(404, R"({"error":{"code":"not_found","message":"m"}})");
    } else {
      connection.Respond(200, R"({"ok":true})");
    }
  });
  auto client = ClientOf(server);
  auto reply = client->Get("/v1/runtimes/x/operations?limit=5");
  ASSERT_TRUE(reply.has_value()) << reply.error().message;
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->body, R"({"ok":true})");
  reply = client->Get("/v1/runtimes/nope");
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->status, 404);
  EXPECT_EQ(reply->body, R"({"error":{"code":"not_found","message":"m"}})");
  EXPECT_THAT(Targets(server),
              ElementsAre("GET /v1/runtimes/x/operations?limit=5", "GET /v1/runtimes/nope"));
}

TEST(HttpApiClientTest, PostSendsTheHeaders) {
  LoopbackHttpServer server([](const ReceivedRequest&, HttpConnection& connection) {
    connection.Respond(202, R"({"generation":4})");
  });
  auto reply = ClientOf(server)->Post(
      "/v1/runtimes/x/restart", {{"Authorization", "Bearer t0k"}, {"X-Request-Id", "req-9"}});
  // (A header the caller passes is sent as given.)
  ASSERT_TRUE(reply.has_value()) << reply.error().message;
  EXPECT_EQ(reply->status, 202);
  EXPECT_EQ(reply->body, R"({"generation":4})");
  const std::vector<ReceivedRequest> requests = server.Requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].target, "/v1/runtimes/x/restart");
  EXPECT_EQ(requests[0].headers.at("authorization"), "Bearer t0k");
  EXPECT_EQ(requests[0].headers.at("x-request-id"), "req-9");
}

TEST(HttpApiClientTest, UnreachableServerIsNamed) {
  const std::string url = "http://127.0.0.1:" + std::to_string(UnusedPort());
  auto client = *HttpApiClient::Create({.server = url}, std::chrono::seconds(2));
  auto reply = client->Get("/v1/runtimes");
  ASSERT_FALSE(reply.has_value());
  EXPECT_EQ(reply.error().code, ErrorCode::kServiceUnavailable);
  EXPECT_THAT(reply.error().message, StartsWith("cannot reach rtmanager at " + url + ": "));
  auto streamed = client->Stream("/v1/runtimes?watch=true", In(std::chrono::seconds(2)),
                                 [](std::string_view) { return true; });
  ASSERT_FALSE(streamed.has_value());
  EXPECT_THAT(streamed.error().message, StartsWith("cannot reach rtmanager at " + url + ": "));
}

TEST(HttpApiClientTest, TheBearerTokenGoesWithEveryCall) {
  LoopbackHttpServer server([](const ReceivedRequest& request, HttpConnection& connection) {
    connection.Respond(200, request.target == "/w" ? "" : "{}");
  });
  auto client = HttpApiClient::Create({.server = server.Url(), .bearer_token = "t0k-123"},
                                      std::chrono::seconds(5));
  ASSERT_TRUE(client.has_value());
  ASSERT_TRUE((*client)->Get("/v1/runtimes").has_value());
  ASSERT_TRUE((*client)->Post("/v1/runtimes/x/restart", {{"X-Request-Id", "r"}}).has_value());
  ASSERT_TRUE((*client)
                  ->Stream("/w", In(std::chrono::seconds(5)), [](std::string_view) { return true; })
                  .has_value());
  const std::vector<ReceivedRequest> requests = server.Requests();
  ASSERT_EQ(requests.size(), 3u);
  for (const ReceivedRequest& request : requests) {
    EXPECT_EQ(request.headers.at("authorization"), "Bearer t0k-123") << request.target;
  }
  EXPECT_EQ(requests[1].headers.at("x-request-id"), "r");

  LoopbackHttpServer open([](const ReceivedRequest&, HttpConnection& connection) {
    connection.Respond(200, "{}");
  });
  ASSERT_TRUE(ClientOf(open)->Get("/v1/runtimes").has_value());
  EXPECT_FALSE(open.Requests().at(0).headers.contains("authorization"))
      << "no token: no Authorization header";
}

TEST(HttpApiClientTest, StreamHandsOverLinesAsTheyArriveUntilTheCallerStops) {
  LoopbackHttpServer server([](const ReceivedRequest&, HttpConnection& connection) {
    connection.StartChunked();
    connection.Chunk("{\"n\":1}\n");
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    connection.Chunk("\r\n{\"n\":2}\r\n{\"n\"");
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    connection.Chunk(":3}\n");
    connection.AwaitPeerClose(std::chrono::seconds(10));
  });
  std::vector<std::string> lines;
  const auto started = std::chrono::steady_clock::now();
  auto reply = ClientOf(server)->Stream("/v1/runtimes?watch=true&since=3",
                                        In(std::chrono::seconds(10)), [&](std::string_view line) {
                                          lines.emplace_back(line);
                                          return line != "{\"n\":3}";
                                        });
  ASSERT_TRUE(reply.has_value()) << reply.error().message;
  EXPECT_EQ(reply->status, 200);
  EXPECT_THAT(lines, ElementsAre("{\"n\":1}", "", "{\"n\":2}", "{\"n\":3}"));
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  EXPECT_THAT(Targets(server), ElementsAre("GET /v1/runtimes?watch=true&since=3"));
}

TEST(HttpApiClientTest, StreamStopsCleanlyWhileTheServerKeepsWriting) {
  LoopbackHttpServer server([](const ReceivedRequest&, HttpConnection& connection) {
    connection.StartChunked();
    for (int n = 0; n < 5000; ++n) {
      if (!connection.Chunk("{\"n\":" + std::to_string(n) + "}\n")) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  });
  size_t lines = 0;
  auto reply = ClientOf(server)->Stream("/v1/runtimes?watch=true", In(std::chrono::seconds(10)),
                                        [&](std::string_view) { return ++lines < 3; });
  ASSERT_TRUE(reply.has_value()) << reply.error().message;
  EXPECT_EQ(lines, 3u);
}

TEST(HttpApiClientTest, StreamStopsAtTheDeadlineOfAQuietStream) {
  LoopbackHttpServer server([](const ReceivedRequest&, HttpConnection& connection) {
    connection.StartChunked();
    connection.Chunk("first\n");
    connection.AwaitPeerClose(std::chrono::seconds(10));
  });
  std::vector<std::string> lines;
  const auto started = std::chrono::steady_clock::now();
  auto reply = ClientOf(server)->Stream("/v1/runtimes?watch=true", started + std::chrono::milliseconds(300),
                                        [&](std::string_view line) {
                                          lines.emplace_back(line);
                                          return true;
                                        });
  const auto took = std::chrono::steady_clock::now() - started;
  ASSERT_TRUE(reply.has_value()) << reply.error().message;
  EXPECT_THAT(lines, ElementsAre("first"));
  EXPECT_GE(took, std::chrono::milliseconds(290));
  EXPECT_LT(took, std::chrono::seconds(3));
}

TEST(HttpApiClientTest, StreamEndsWhenTheServerEndsTheBody) {
  LoopbackHttpServer server([](const ReceivedRequest&, HttpConnection& connection) {
    connection.StartChunked();
    connection.Chunk("a\nb");
    connection.EndChunked();
  });
  std::vector<std::string> lines;
  auto reply = ClientOf(server)->Stream("/v1/runtimes?watch=true", In(std::chrono::seconds(10)),
                                        [&](std::string_view line) {
                                          lines.emplace_back(line);
                                          return true;
                                        });
  ASSERT_TRUE(reply.has_value());
  EXPECT_THAT(lines, ElementsAre("a", "b"));
}

TEST(HttpApiClientTest, StreamReturnsOtherStatusesWithTheirBody) {
  LoopbackHttpServer server([](const ReceivedRequest&, HttpConnection& connection) {
    connection.Respond(410, R"({"error":{"code":"expired","message":"too old"}})");
  });
  bool called = false;
  auto reply = ClientOf(server)->Stream("/v1/runtimes?watch=true&since=1",
                                        In(std::chrono::seconds(5)),
                                        [&](std::string_view) { return called = true; });
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->status, 410);
  EXPECT_EQ(reply->body, R"({"error":{"code":"expired","message":"too old"}})");
  EXPECT_FALSE(called);
}

}  // namespace
}  // namespace rtm
