#include "store/codec/record_codec.h"

#include <set>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "test/store/store_test_data.h"

namespace rtm {
namespace {

using ::testing::HasSubstr;
using nlohmann::json;

std::set<std::string> KeysOf(const json& object) {
  std::set<std::string> keys;
  for (const auto& [key, value] : object.items()) keys.insert(key);
  return keys;
}

TEST(RecordCodecTest, OperationEntryUsesTheDesignFieldNames) {
  OperationEntry entry = FullEntry("lobby-eu-1");
  entry.sequence = 42;

  const json encoded = json::parse(EncodeOperationEntry(entry));

  EXPECT_EQ(KeysOf(encoded),
            (std::set<std::string>{"sequence", "gameId", "opKind", "opSource",
                                   "sourceRef", "imageRef", "containerId",
                                   "outcome", "errorCode", "errorMessage",
                                   "startedAt", "finishedAt", "preStop", "drain",
                                   "requestedBy"}));
  EXPECT_EQ(encoded["requestedBy"], (json{{"name", "ops"}, {"address", "10.0.0.5"}}));
  EXPECT_EQ(encoded["sequence"], 42);
  EXPECT_EQ(encoded["gameId"], "lobby-eu-1");
  EXPECT_EQ(encoded["opKind"], "restart");
  EXPECT_EQ(encoded["opSource"], "rest");
  EXPECT_EQ(encoded["sourceRef"], "req-5f1e");
  EXPECT_EQ(encoded["imageRef"], "galaxy/game:1");
  EXPECT_EQ(encoded["containerId"], "c0ffee");
  EXPECT_EQ(encoded["outcome"], "failure");
  EXPECT_EQ(encoded["errorCode"], "service_unavailable");
  EXPECT_EQ(encoded["errorMessage"], "docker rm: engine unreachable");
  EXPECT_EQ(encoded["startedAt"], "2026-11-25T02:04:34.123Z");
  EXPECT_EQ(encoded["finishedAt"], "2026-11-25T02:04:35.456Z");
}

TEST(RecordCodecTest, OperationEntryRoundTrips) {
  OperationEntry entry = FullEntry("lobby-eu-1");
  entry.sequence = 18446744073709551615ULL;

  auto decoded = DecodeOperationEntry(EncodeOperationEntry(entry));

  ASSERT_TRUE(decoded.has_value()) << decoded.error().message;
  EXPECT_EQ(*decoded, entry);
}

TEST(RecordCodecTest, SuccessEntryHasEmptyErrorCodeAndRoundTrips) {
  const OperationEntry entry = SuccessEntry("lobby-eu-1", OpKind::kStart);

  const std::string text = EncodeOperationEntry(entry);
  auto decoded = DecodeOperationEntry(text);

  EXPECT_EQ(json::parse(text)["errorCode"], "");
  ASSERT_TRUE(decoded.has_value()) << decoded.error().message;
  EXPECT_EQ(decoded->error_code, std::nullopt);
  EXPECT_EQ(*decoded, entry);
}

TEST(RecordCodecTest, RuntimeRecordRoundTripsEveryField) {
  const RuntimeRecord record = FullRecord("lobby-eu-1");

  auto decoded = DecodeRuntimeRecord(EncodeRuntimeRecord(record));

  ASSERT_TRUE(decoded.has_value()) << decoded.error().message;
  EXPECT_EQ(*decoded, record);
}

TEST(RecordCodecTest, RuntimeRecordWithoutOptionalsRoundTrips) {
  RuntimeRecord record;
  record.game_id = "bare";
  record.spec.image = "galaxy/game:1";

  const std::string text = EncodeRuntimeRecord(record);
  auto decoded = DecodeRuntimeRecord(text);

  ASSERT_TRUE(decoded.has_value()) << decoded.error().message;
  EXPECT_EQ(*decoded, record);
  EXPECT_FALSE(json::parse(text)["spec"].contains("healthCheck"));
  EXPECT_EQ(json::parse(text)["spec"]["resources"], json::object());
}

TEST(RecordCodecTest, RuntimeRecordUsesManifestFieldNames) {
  const json encoded =
      json::parse(EncodeRuntimeRecord(FullRecord("lobby-eu-1")));

  EXPECT_EQ(encoded["status"], "running");
  EXPECT_EQ(encoded["createdAt"], "2026-11-25T02:04:34.123Z");
  const json& spec = encoded["spec"];
  EXPECT_EQ(spec["state"], "Stopped");
  EXPECT_EQ(spec["restartGeneration"], 7);
  EXPECT_EQ(spec["ports"][0]["containerPort"], 8080);
  EXPECT_EQ(spec["ports"][1]["hostIP"], "0.0.0.0");
  EXPECT_EQ(spec["healthCheck"]["intervalSeconds"], 2);
  EXPECT_EQ(spec["stopTimeoutSeconds"], 25);
  EXPECT_EQ(spec["resources"]["memoryMiB"], 256);
  EXPECT_EQ(spec["env"]["MAP"], "nebula");
}

TEST(RecordCodecTest, TextThatIsNotJsonIsInternal) {
  auto decoded = DecodeRuntimeRecord("{not json");

  ASSERT_FALSE(decoded.has_value());
  EXPECT_EQ(decoded.error().code, ErrorCode::kInternal);
  EXPECT_THAT(decoded.error().message, HasSubstr("not valid JSON"));
}

TEST(RecordCodecTest, MistypedNestedFieldIsNamed) {
  json encoded = json::parse(EncodeRuntimeRecord(FullRecord("lobby-eu-1")));
  encoded["spec"]["ports"][1]["hostPort"] = "eighty";

  auto decoded = DecodeRuntimeRecord(encoded.dump());

  ASSERT_FALSE(decoded.has_value());
  EXPECT_EQ(decoded.error().code, ErrorCode::kInternal);
  EXPECT_THAT(decoded.error().message, HasSubstr("spec.ports[1].hostPort"));
}

TEST(RecordCodecTest, MissingFieldIsNamed) {
  json encoded = json::parse(EncodeOperationEntry(FullEntry("g")));
  encoded.erase("finishedAt");

  auto decoded = DecodeOperationEntry(encoded.dump());

  ASSERT_FALSE(decoded.has_value());
  EXPECT_THAT(decoded.error().message, HasSubstr("finishedAt: missing"));
}

TEST(RecordCodecTest, UnknownEnumValueIsRejected) {
  json encoded = json::parse(EncodeOperationEntry(FullEntry("g")));
  encoded["errorCode"] = "teapot";

  auto decoded = DecodeOperationEntry(encoded.dump());

  ASSERT_FALSE(decoded.has_value());
  EXPECT_THAT(decoded.error().message, HasSubstr("errorCode"));
}

TEST(RecordCodecTest, OutOfRangeIntegerIsRejected) {
  json encoded = json::parse(EncodeRuntimeRecord(FullRecord("g")));
  encoded["spec"]["stopTimeoutSeconds"] = 1LL << 40;

  auto decoded = DecodeRuntimeRecord(encoded.dump());

  ASSERT_FALSE(decoded.has_value());
  EXPECT_THAT(decoded.error().message, HasSubstr("spec.stopTimeoutSeconds"));
}

TEST(RecordCodecTest, InvalidUtf8IsReplacedInsteadOfThrowing) {
  OperationEntry entry = FullEntry("g");
  entry.error_message = "engine said \xff\xfe";

  const std::string text = EncodeOperationEntry(entry);
  auto decoded = DecodeOperationEntry(text);

  ASSERT_TRUE(decoded.has_value()) << decoded.error().message;
  EXPECT_EQ(decoded->error_message, "engine said \xEF\xBF\xBD\xEF\xBF\xBD");
}

}  // namespace
}  // namespace rtm
