// An engine that is not there: every call is kServiceUnavailable and says
// which endpoint could not be reached.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "controller/docker/docker_engine.h"
#include "reconcile/domain/container_spec.h"

namespace rtm {
namespace {

using ::testing::HasSubstr;

// A loopback port nobody listens on (bound, read back, released).
uint16_t ClosedLoopbackPort() {
  const int probe = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (probe < 0 ||
      ::bind(probe, reinterpret_cast<sockaddr*>(&address), sizeof address) !=
          0 ||
      ::getsockname(probe, reinterpret_cast<sockaddr*>(&address), &length) !=
          0) {
    ADD_FAILURE() << "cannot find a free loopback port";
  }
  ::close(probe);
  return ntohs(address.sin_port);
}

ContainerSpec SomeSpec() {
  ContainerSpec spec;
  spec.name = "rtm-unreachable";
  spec.image = "rtmanager/demo-game:1";
  spec.command = {"/bin/true"};
  return spec;
}

void ExpectUnreachable(DockerEngine& engine) {
  const std::string endpoint = engine.endpoint().text;
  auto version = engine.Version();
  ASSERT_FALSE(version);
  EXPECT_EQ(version.error().code, ErrorCode::kServiceUnavailable);
  EXPECT_THAT(version.error().message,
              HasSubstr("docker engine at " + endpoint + " unreachable"));

  auto created = engine.CreateContainer(SomeSpec());
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().code, ErrorCode::kServiceUnavailable);
  EXPECT_THAT(created.error().message, HasSubstr(endpoint));

  auto removed = engine.RemoveContainer("rtm-unreachable", true);
  ASSERT_FALSE(removed);
  EXPECT_EQ(removed.error().code, ErrorCode::kServiceUnavailable);

  auto events = engine.WatchEvents({});
  ASSERT_FALSE(events);
  EXPECT_EQ(events.error().code, ErrorCode::kServiceUnavailable);
}

TEST(DockerUnreachableTest, MissingUnixSocket) {
  auto endpoint = ParseDockerEndpoint("unix:///tmp/does-not-exist.sock");
  ASSERT_TRUE(endpoint);
  DockerEngine engine(*endpoint);
  ExpectUnreachable(engine);
}

TEST(DockerUnreachableTest, ClosedLoopbackTcpPort) {
  auto endpoint = ParseDockerEndpoint("tcp://127.0.0.1:" +
                                      std::to_string(ClosedLoopbackPort()));
  ASSERT_TRUE(endpoint);
  DockerEngine engine(*endpoint);
  ExpectUnreachable(engine);
}

}  // namespace
}  // namespace rtm
