#include "controller/telemetry/prometheus_telemetry.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace rtm {
namespace {

using ::testing::HasSubstr;

TEST(PrometheusTelemetryTest, CountsOperationsByKindOutcomeAndCode) {
  PrometheusTelemetry telemetry;
  telemetry.RecordOperation(OpKind::kRestart, Outcome::kSuccess, std::nullopt,
                            std::chrono::milliseconds(400));
  telemetry.RecordOperation(OpKind::kRestart, Outcome::kSuccess, std::nullopt,
                            std::chrono::milliseconds(600));
  telemetry.RecordOperation(OpKind::kStart, Outcome::kFailure,
                            ErrorCode::kImageNotFound,
                            std::chrono::milliseconds(3));

  const std::string text = telemetry.RenderPrometheus({});

  EXPECT_THAT(text, HasSubstr("rtmanager_operations_total{op_kind=\"restart\","
                              "outcome=\"success\",error_code=\"\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("rtmanager_operations_total{op_kind=\"start\","
                              "outcome=\"failure\",error_code=\"image_not_"
                              "found\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("rtmanager_operation_duration_seconds_bucket{"
                              "op_kind=\"restart\",le=\"0.5\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("rtmanager_operation_duration_seconds_bucket{"
                              "op_kind=\"restart\",le=\"+Inf\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("rtmanager_operation_duration_seconds_sum{"
                              "op_kind=\"restart\"} 1\n"));
}

TEST(PrometheusTelemetryTest, LeaseHistogramIsCumulative) {
  PrometheusTelemetry telemetry;
  telemetry.RecordLeaseAcquireLatency(std::chrono::milliseconds(0));
  telemetry.RecordLeaseAcquireLatency(std::chrono::milliseconds(20));

  const std::string text = telemetry.RenderPrometheus({});

  EXPECT_THAT(text, HasSubstr("rtmanager_lease_acquire_duration_seconds_bucket{"
                              "le=\"0.001\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("rtmanager_lease_acquire_duration_seconds_bucket{"
                              "le=\"0.025\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("rtmanager_lease_acquire_duration_seconds_count 2\n"));
}

TEST(PrometheusTelemetryTest, StoreWritableIsAGaugeOfOneOrZero) {
  PrometheusTelemetry telemetry;
  EXPECT_THAT(telemetry.RenderPrometheus({}),
              HasSubstr("# TYPE rtmanager_store_writable gauge\nrtmanager_store_writable 1\n"));
  EXPECT_THAT(telemetry.RenderPrometheus({.store_writable = false}),
              HasSubstr("rtmanager_store_writable 0\n"));
}

}  // namespace
}  // namespace rtm
