// GET /readyz's engine check (controller/api/engine_readiness.h): one probe
// at a time on the probe thread, answers reused while fresh, a hung probe
// reported instead of waited for.
#include "controller/api/engine_readiness.h"

#include <future>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test/mocks/fake_clock.h"
#include "test/mocks/mock_container_engine.h"

namespace rtm {
namespace {

using ::testing::HasSubstr;
using ::testing::NiceMock;
using ::testing::Return;
using std::chrono::milliseconds;

Expected<EngineVersion> Answered() { return EngineVersion{}; }

TEST(EngineReadinessTest, AFreshAnswerIsReusedAndAnOldOneRenewed) {
  NiceMock<MockContainerEngine> engine;
  FakeClock clock;
  EngineReadiness readiness(engine, clock, std::chrono::seconds(30));
  EXPECT_CALL(engine, Version)
      .WillOnce(Return(Answered()))
      .WillOnce(Return(Expected<EngineVersion>(Fail(ErrorCode::kServiceUnavailable, "gone"))));

  EXPECT_TRUE(readiness.Check().has_value());
  clock.Advance(milliseconds(999));
  EXPECT_TRUE(readiness.Check().has_value());  // no second call
  clock.Advance(milliseconds(1));
  auto renewed = readiness.Check();
  ASSERT_FALSE(renewed.has_value());
  EXPECT_EQ(renewed.error().code, ErrorCode::kServiceUnavailable);
  EXPECT_THAT(renewed.error().message, HasSubstr("docker: gone"));
}

// A hung engine: Check waits for the probe at most max_wait, then says
// how long the probe has waited; no second probe is started meanwhile.
TEST(EngineReadinessTest, AHungProbeIsReportedNotWaitedFor) {
  NiceMock<MockContainerEngine> engine;
  FakeClock clock;
  EngineReadiness readiness(engine, clock, milliseconds(20));
  std::promise<void> engine_answers;
  std::shared_future<void> released = engine_answers.get_future().share();
  EXPECT_CALL(engine, Version).WillOnce([&]() -> Expected<EngineVersion> {
    released.wait();
    return Fail(ErrorCode::kServiceUnavailable, "timed out");
  });

  auto first = readiness.Check();
  ASSERT_FALSE(first.has_value());
  EXPECT_EQ(first.error().message, "docker: no answer for 0 ms");
  clock.Advance(milliseconds(1500));
  EXPECT_EQ(readiness.Check().error().message, "docker: no answer for 1500 ms");

  engine_answers.set_value();
  Expected<void> answered = readiness.Check();
  for (int i = 0; i < 500 && answered.error().message.find("timed out") == std::string::npos;
       ++i) {
    answered = readiness.Check();  // until the probe's answer is in
  }
  EXPECT_EQ(answered.error().message, "docker: timed out");
}

}  // namespace
}  // namespace rtm
