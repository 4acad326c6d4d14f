// CollectRuntimeGauges (controller/telemetry/runtime_gauges.h): phases as
// the statuses say, Pending without one, the store's health, and store
// errors as errors.
#include "controller/telemetry/runtime_gauges.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test/mocks/mock_desired_state_store.h"
#include "test/mocks/mock_store_health.h"

namespace rtm {
namespace {

using ::testing::NiceMock;
using ::testing::Return;

class RuntimeGaugesTest : public ::testing::Test {
 protected:
  RuntimeGaugesTest() {
    ON_CALL(desired_, List).WillByDefault(Return(std::vector<DesiredRuntime>{
        {.name = "a"}, {.name = "b"}, {.name = "c"}, {.name = "d"}}));
    // "d" has no status yet; "z" has a status but no desired object.
    ON_CALL(statuses_, List)
        .WillByDefault(Return(std::map<std::string, RuntimeStatusView>{
            {"a", {.phase = Phase::kRunning}},
            {"b", {.phase = Phase::kRunning}},
            {"c", {.phase = Phase::kFailed}},
            {"z", {.phase = Phase::kStopped}}}));
    // One read of every status, never one per runtime.
    EXPECT_CALL(statuses_, Get).Times(0);
  }

  NiceMock<MockDesiredStateStore> desired_;
  NiceMock<MockStatusStore> statuses_;
  NiceMock<MockStoreHealth> store_health_;
};

TEST_F(RuntimeGaugesTest, CountsDeclaredRuntimesByTheirStatusPhase) {
  auto gauges = CollectRuntimeGauges(7, desired_, statuses_, store_health_);

  ASSERT_TRUE(gauges.has_value());
  EXPECT_EQ(gauges->workqueue_depth, 7u);
  EXPECT_EQ(gauges->runtimes_by_phase,
            (std::map<std::string, size_t>{{"Running", 2}, {"Failed", 1}, {"Pending", 1}}));
  EXPECT_TRUE(gauges->store_writable);
}

TEST_F(RuntimeGaugesTest, AStoreThatTakesNoWritesIsReportedAndStillCounted) {
  ON_CALL(store_health_, Writable)
      .WillByDefault(Return(Expected<void>(Fail(ErrorCode::kServiceUnavailable, "disk full"))));
  auto gauges = CollectRuntimeGauges(0, desired_, statuses_, store_health_);

  ASSERT_TRUE(gauges.has_value());
  EXPECT_FALSE(gauges->store_writable);
  EXPECT_EQ(gauges->runtimes_by_phase.at("Running"), 2u);
}

TEST_F(RuntimeGaugesTest, StoreErrorsAreErrorsNotFewerRuntimes) {
  ON_CALL(statuses_, List)
      .WillByDefault(Return(Fail(ErrorCode::kServiceUnavailable, "disk gone")));
  auto unreadable_status = CollectRuntimeGauges(0, desired_, statuses_, store_health_);
  ASSERT_FALSE(unreadable_status.has_value());
  EXPECT_EQ(unreadable_status.error().code, ErrorCode::kServiceUnavailable);

  ON_CALL(desired_, List).WillByDefault(Return(Fail(ErrorCode::kInternal, "corrupt")));
  EXPECT_FALSE(CollectRuntimeGauges(0, desired_, statuses_, store_health_).has_value());
}

}  // namespace
}  // namespace rtm
