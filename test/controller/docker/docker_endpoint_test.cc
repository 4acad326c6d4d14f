#include "controller/docker/docker_endpoint.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace rtm {
namespace {

using ::testing::HasSubstr;

TEST(DockerEndpointTest, EmptyTextIsTheDefaultSocket) {
  auto endpoint = ParseDockerEndpoint("");
  ASSERT_TRUE(endpoint) << endpoint.error().message;
  EXPECT_EQ(endpoint->transport, HttpEndpoint::Transport::kUnix);
  EXPECT_EQ(endpoint->socket_path, "/var/run/docker.sock");
  EXPECT_EQ(endpoint->text, "unix:///var/run/docker.sock");
}

TEST(DockerEndpointTest, ParsesUnixSocket) {
  auto endpoint = ParseDockerEndpoint("unix:///run/user/1000/docker.sock");
  ASSERT_TRUE(endpoint) << endpoint.error().message;
  EXPECT_EQ(endpoint->transport, HttpEndpoint::Transport::kUnix);
  EXPECT_EQ(endpoint->socket_path, "/run/user/1000/docker.sock");
}

TEST(DockerEndpointTest, ParsesTcpAndHttp) {
  auto tcp = ParseDockerEndpoint("tcp://127.0.0.1:2376");
  ASSERT_TRUE(tcp) << tcp.error().message;
  EXPECT_EQ(tcp->transport, HttpEndpoint::Transport::kTcp);
  EXPECT_EQ(tcp->host, "127.0.0.1");
  EXPECT_EQ(tcp->port, 2376);

  auto http = ParseDockerEndpoint("http://docker.internal:8000/");
  ASSERT_TRUE(http) << http.error().message;
  EXPECT_EQ(http->host, "docker.internal");
  EXPECT_EQ(http->port, 8000);
}

TEST(DockerEndpointTest, TcpPortDefaultsTo2375AndIpv6NeedsBrackets) {
  auto no_port = ParseDockerEndpoint("tcp://localhost");
  ASSERT_TRUE(no_port) << no_port.error().message;
  EXPECT_EQ(no_port->port, 2375);

  auto ipv6 = ParseDockerEndpoint("tcp://[::1]:2380");
  ASSERT_TRUE(ipv6) << ipv6.error().message;
  EXPECT_EQ(ipv6->host, "::1");
  EXPECT_EQ(ipv6->port, 2380);

  EXPECT_FALSE(ParseDockerEndpoint("tcp://::1:2380"));
}

TEST(DockerEndpointTest, BadValuesAreInvalidRequestsNamingTheValue) {
  for (const char* text :
       {"ftp://host:21", "/var/run/docker.sock", "unix://", "unix://relative",
        "tcp://", "tcp://:2375", "tcp://host:0", "tcp://host:70000",
        "tcp://host:12ab", "tcp://host:2375/path", "https://host:2376",
        "npipe:////./pipe/docker_engine"}) {
    auto endpoint = ParseDockerEndpoint(text);
    ASSERT_FALSE(endpoint) << text;
    EXPECT_EQ(endpoint.error().code, ErrorCode::kInvalidRequest) << text;
    EXPECT_THAT(endpoint.error().message, HasSubstr(text));
  }
}

TEST(DockerEndpointTest, FlagBeatsEnvironmentBeatsDefault) {
  EXPECT_EQ(ChooseDockerHost("tcp://a:1", "tcp://b:2"), "tcp://a:1");
  EXPECT_EQ(ChooseDockerHost("", "tcp://b:2"), "tcp://b:2");
  EXPECT_EQ(ChooseDockerHost("", ""), kDefaultDockerHost);
  EXPECT_EQ(ChooseDockerHost("", nullptr), kDefaultDockerHost);
}

}  // namespace
}  // namespace rtm
