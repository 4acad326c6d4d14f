#include "store/codec/game_runtime_json.h"

#include <set>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "store/codec/game_spec_json.h"
#include "store/codec/operation_entry_json.h"
#include "store/codec/runtime_record_json.h"
#include "test/store/store_test_data.h"

namespace rtm {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

std::set<std::string> KeysOf(const json& object) {
  std::set<std::string> keys;
  for (const auto& [key, value] : object.items()) keys.insert(key);
  return keys;
}

// Every leaf of `defaults` (JSON pointer → value; an empty array or object
// is a leaf) that `full` leaves unchanged: a fixture meant to set every
// field must leave none.
std::set<std::string> UnchangedLeaves(const json& defaults, const json& full,
                                      const std::set<std::string>& ignored) {
  const json flat_defaults = defaults.flatten();
  const json flat_full = full.flatten();
  std::set<std::string> unchanged;
  for (const auto& [pointer, value] : flat_defaults.items()) {
    if (ignored.contains(pointer)) continue;
    if (flat_full.contains(pointer) && flat_full[pointer] == value) {
      unchanged.insert(pointer);
    }
  }
  return unchanged;
}

// --- DesiredRuntime ---------------------------------------------------------

TEST(GameRuntimeJsonTest, DesiredFixtureSetsEveryField) {
  EXPECT_THAT(UnchangedLeaves(ToJson(DesiredRuntime{}),
                              ToJson(FullDesired("lobby-eu-1")),
                              {"/apiVersion", "/kind"}),
              ::testing::IsEmpty());
}

TEST(GameRuntimeJsonTest, DesiredUsesTheGameRuntimeObjectShape) {
  const json encoded = ToJson(FullDesired("lobby-eu-1"));

  EXPECT_EQ(KeysOf(encoded),
            (std::set<std::string>{"apiVersion", "kind", "metadata", "spec"}));
  EXPECT_EQ(encoded["apiVersion"], "rtmanager.galaxy/v1");
  EXPECT_EQ(encoded["kind"], "GameRuntime");
  const json& metadata = encoded["metadata"];
  EXPECT_EQ(
      KeysOf(metadata),
      (std::set<std::string>{"name", "labels", "generation", "source",
                             "apiRestartCount", "restartSource", "disruptionBudget", "scheduleCheckedThrough",
                             "restartSourceRef", "deleted", "manifestError",
                             "creationTimestamp", "forceRestartGeneration",
                             "restartRequestedBy"}));
  EXPECT_EQ(metadata["name"], "lobby-eu-1");
  EXPECT_EQ(metadata["labels"],
            (json{{"tier", "casual"}, {"region", "eu \"west\""}}));
  EXPECT_EQ(metadata["generation"], 12);
  EXPECT_EQ(
      metadata["source"],
      (json{{"path", "games/lobby.yaml"}, {"documentIndex", 2}, {"line", 31}}));
  EXPECT_EQ(metadata["apiRestartCount"], 3);
  EXPECT_EQ(metadata["restartSource"], "rest");
  EXPECT_EQ(metadata["restartSourceRef"], "req-5f1e");
  EXPECT_EQ(metadata["restartRequestedBy"],
            (json{{"name", "ci-bot"}, {"address", "192.0.2.7"}}));
  EXPECT_EQ(metadata["deleted"], true);
  EXPECT_EQ(metadata["manifestError"],
            "games/lobby.yaml:31: spec.image: required");
  EXPECT_EQ(metadata["creationTimestamp"], "2026-11-20T08:15:00.250Z");
}

// Objects stored before the creation time was kept decode with none.
TEST(GameRuntimeJsonTest, DesiredWithoutCreationTimestampDecodesWithNone) {
  json encoded = ToJson(FullDesired("lobby-eu-1"));
  encoded["metadata"].erase("creationTimestamp");
  auto decoded = DesiredRuntimeFromJson(encoded);
  ASSERT_TRUE(decoded.has_value()) << decoded.error().message;
  EXPECT_EQ(decoded->created_at, Timestamp{});
  encoded["metadata"]["creationTimestamp"] = nullptr;
  ASSERT_TRUE(DesiredRuntimeFromJson(encoded).has_value());
  EXPECT_EQ(ToJson(DesiredRuntime{})["metadata"]["creationTimestamp"], nullptr);
}

TEST(GameRuntimeJsonTest, DesiredSpecIsTheOneGameSpecCodec) {
  const DesiredRuntime runtime = FullDesired("lobby-eu-1");
  RuntimeRecord record = FullRecord("lobby-eu-1");

  EXPECT_EQ(ToJson(runtime)["spec"], ToJson(runtime.spec));
  EXPECT_EQ(ToJson(record)["spec"], ToJson(record.spec));
  EXPECT_EQ(ToJson(runtime.spec)["restartGeneration"], 7);
  EXPECT_EQ(ToJson(runtime.spec)["ports"][1]["hostIP"], "0.0.0.0");
  auto spec = GameSpecFromJson(ToJson(runtime.spec));
  ASSERT_TRUE(spec.has_value()) << spec.error().message;
  EXPECT_EQ(*spec, runtime.spec);
}

TEST(GameRuntimeJsonTest, SpecPlacementIsWrittenWhenSetAndRoundTrips) {
  GameSpec spec = FullDesired("g").spec;
  spec.node_name = "node-a";
  spec.node_selector = {{"topology.kubernetes.io/zone", "eu-west-1a"},
                        {"disk", "ssd"}};

  const json encoded = ToJson(spec);
  auto decoded = GameSpecFromJson(encoded);

  EXPECT_EQ(encoded["nodeName"], "node-a");
  EXPECT_EQ(encoded["nodeSelector"],
            (json{{"topology.kubernetes.io/zone", "eu-west-1a"},
                  {"disk", "ssd"}}));
  ASSERT_TRUE(decoded.has_value()) << decoded.error().message;
  EXPECT_EQ(*decoded, spec);
}

TEST(GameRuntimeJsonTest, SpecWithoutTheOptionalFieldsIsStoredAsBefore) {
  GameSpec spec = FullDesired("g").spec;
  spec.volumes.clear();
  spec.volume_reclaim_policy = VolumeReclaimPolicy::kRetain;
  spec.max_consecutive_failures.reset();
  spec.stop_signal.clear();
  spec.pre_stop.reset();
  spec.drain.reset();
  spec.restart_schedule.reset();
  spec.secret_env.clear();

  const json encoded = ToJson(spec);

  EXPECT_FALSE(encoded.contains("nodeName"));
  EXPECT_FALSE(encoded.contains("secretEnv"));
  EXPECT_FALSE(encoded.contains("nodeSelector"));
  EXPECT_FALSE(encoded.contains("volumes"));
  EXPECT_FALSE(encoded.contains("volumeReclaimPolicy"));
  EXPECT_FALSE(encoded.contains("maxConsecutiveFailures"));
  EXPECT_EQ(KeysOf(encoded),
            (std::set<std::string>{"image", "command", "env", "state",
                                   "restartGeneration", "ports", "healthCheck",
                                   "stopTimeoutSeconds", "resources"}));
}

TEST(GameRuntimeJsonTest, SpecStoredBeforePlacementExistedDecodes) {
  // A spec as an earlier release stored it, byte for byte.
  const json stored = json::parse(
      R"({"image":"galaxy/game:1","command":[],"env":{"MAP":"nebula"},)"
      R"("state":"Running","restartGeneration":2,"ports":[],)"
      R"("stopTimeoutSeconds":10,"resources":{}})");

  auto decoded = GameSpecFromJson(stored);

  ASSERT_TRUE(decoded.has_value()) << decoded.error().message;
  EXPECT_EQ(decoded->node_name, "");
  EXPECT_TRUE(decoded->node_selector.empty());
  EXPECT_EQ(*decoded, (GameSpec{.image = "galaxy/game:1",
                                .env = {{"MAP", "nebula"}},
                                .restart_generation = 2}));
}

TEST(GameRuntimeJsonTest, MistypedPlacementIsNamed) {
  json encoded = ToJson(FullDesired("g"));
  encoded["spec"]["nodeSelector"] = json{{"zone", 7}};
  auto selector = DesiredRuntimeFromJson(encoded);
  encoded["spec"].erase("nodeSelector");
  encoded["spec"]["nodeName"] = json::array({"node-a"});
  auto name = DesiredRuntimeFromJson(encoded);

  ASSERT_FALSE(selector.has_value());
  EXPECT_EQ(selector.error().code, ErrorCode::kInternal);
  EXPECT_THAT(selector.error().message, HasSubstr("spec.nodeSelector"));
  ASSERT_FALSE(name.has_value());
  EXPECT_THAT(name.error().message, HasSubstr("spec.nodeName"));
}

TEST(GameRuntimeJsonTest, DesiredRoundTripsEveryField) {
  const DesiredRuntime runtime = FullDesired("lobby-eu-1");

  auto decoded = DesiredRuntimeFromJson(ToJson(runtime));

  ASSERT_TRUE(decoded.has_value()) << decoded.error().message;
  EXPECT_EQ(*decoded, runtime);
}

TEST(GameRuntimeJsonTest, DesiredWithDefaultsRoundTrips) {
  DesiredRuntime runtime;
  runtime.name = "bare";
  runtime.spec.image = "galaxy/game:1";

  auto decoded = DesiredRuntimeFromJson(ToJson(runtime));

  ASSERT_TRUE(decoded.has_value()) << decoded.error().message;
  EXPECT_EQ(*decoded, runtime);
}

TEST(GameRuntimeJsonTest, DesiredRoundTripsEveryRestartSource) {
  for (OpSource source :
       {OpSource::kManifest, OpSource::kRest, OpSource::kReconciler}) {
    DesiredRuntime runtime = FullDesired("g");
    runtime.restart_source = source;

    auto decoded = DesiredRuntimeFromJson(ToJson(runtime));

    ASSERT_TRUE(decoded.has_value()) << decoded.error().message;
    EXPECT_EQ(decoded->restart_source, source);
  }
}

TEST(GameRuntimeJsonTest, DesiredIgnoresUnknownFieldsAndApiVersion) {
  json encoded = ToJson(FullDesired("g"));
  encoded["apiVersion"] = "rtmanager.galaxy/v2";
  encoded["metadata"]["uid"] = "future";
  encoded["spec"]["priority"] = 3;

  auto decoded = DesiredRuntimeFromJson(encoded);

  ASSERT_TRUE(decoded.has_value()) << decoded.error().message;
  EXPECT_EQ(*decoded, FullDesired("g"));
}

TEST(GameRuntimeJsonTest, DesiredMistypedNestedFieldIsNamed) {
  json encoded = ToJson(FullDesired("g"));
  encoded["metadata"]["source"]["line"] = "thirty-one";

  auto decoded = DesiredRuntimeFromJson(encoded);

  ASSERT_FALSE(decoded.has_value());
  EXPECT_EQ(decoded.error().code, ErrorCode::kInternal);
  EXPECT_THAT(decoded.error().message, HasSubstr("metadata.source.line"));
}

TEST(GameRuntimeJsonTest, DesiredSpecErrorsNameTheSpecPath) {
  json encoded = ToJson(FullDesired("g"));
  encoded["spec"]["ports"][1]["hostPort"] = "eighty";

  auto decoded = DesiredRuntimeFromJson(encoded);

  ASSERT_FALSE(decoded.has_value());
  EXPECT_THAT(decoded.error().message, HasSubstr("spec.ports[1].hostPort"));
}

TEST(GameRuntimeJsonTest, DesiredUnknownRestartSourceIsRejected) {
  json encoded = ToJson(FullDesired("g"));
  encoded["metadata"]["restartSource"] = "cron";

  auto decoded = DesiredRuntimeFromJson(encoded);

  ASSERT_FALSE(decoded.has_value());
  EXPECT_THAT(decoded.error().message, HasSubstr("metadata.restartSource"));
}

TEST(GameRuntimeJsonTest, DesiredMissingFieldIsNamed) {
  json encoded = ToJson(FullDesired("g"));
  encoded["metadata"].erase("deleted");

  auto decoded = DesiredRuntimeFromJson(encoded);

  ASSERT_FALSE(decoded.has_value());
  EXPECT_THAT(decoded.error().message, HasSubstr("metadata.deleted: missing"));
}

TEST(GameRuntimeJsonTest, DesiredThatIsNotAnObjectIsInternal) {
  auto decoded = DesiredRuntimeFromJson(json::array({1, 2}));

  ASSERT_FALSE(decoded.has_value());
  EXPECT_EQ(decoded.error().code, ErrorCode::kInternal);
  EXPECT_THAT(decoded.error().message, HasSubstr("must be an object"));
}

BudgetTerms FleetBudget(MaxUnavailable max = {.value = 10, .percent = true}) {
  return BudgetTerms{.name = "fleet",
                     .max_unavailable = max,
                     .min_ready_seconds = 45,
                     .source_path = "budgets/eu.yaml"};
}

TEST(GameRuntimeJsonTest, DesiredDisruptionBudgetIsWrittenInTheMetadata) {
  DesiredRuntime runtime = FullDesired("lobby-eu-1");
  runtime.disruption_budget = FleetBudget();

  const json encoded = ToJson(runtime);

  EXPECT_EQ(encoded["metadata"]["disruptionBudget"],
            (json{{"name", "fleet"},
                  {"maxUnavailable", "10%"},
                  {"minReadySeconds", 45},
                  {"sourcePath", "budgets/eu.yaml"}}));
  runtime.disruption_budget = FleetBudget({.value = 3});
  EXPECT_EQ(ToJson(runtime)["metadata"]["disruptionBudget"]["maxUnavailable"], "3");
}

TEST(GameRuntimeJsonTest, DesiredRoundTripsItsDisruptionBudget) {
  for (const MaxUnavailable max :
       {MaxUnavailable{.value = 10, .percent = true}, MaxUnavailable{.value = 3},
        MaxUnavailable{.value = 0}, MaxUnavailable{.value = 0, .percent = true},
        MaxUnavailable{.value = 100, .percent = true}}) {
    SCOPED_TRACE(max.ToString());
    DesiredRuntime runtime = FullDesired("lobby-eu-1");
    runtime.disruption_budget = FleetBudget(max);

    auto decoded = DesiredRuntimeFromJson(ToJson(runtime));

    ASSERT_TRUE(decoded.has_value()) << decoded.error().message;
    EXPECT_EQ(decoded->disruption_budget, FleetBudget(max));
    EXPECT_EQ(*decoded, runtime);
  }
}

TEST(GameRuntimeJsonTest, DesiredWithoutADisruptionBudgetStoresNone) {
  DesiredRuntime runtime = FullDesired("lobby-eu-1");
  runtime.disruption_budget.reset();

  const json encoded = ToJson(runtime);
  auto decoded = DesiredRuntimeFromJson(encoded);

  EXPECT_FALSE(encoded["metadata"].contains("disruptionBudget"));
  ASSERT_TRUE(decoded.has_value()) << decoded.error().message;
  EXPECT_EQ(decoded->disruption_budget, std::nullopt);
  EXPECT_EQ(*decoded, runtime);

  json with_null = encoded;
  with_null["metadata"]["disruptionBudget"] = nullptr;
  auto from_null = DesiredRuntimeFromJson(with_null);
  ASSERT_TRUE(from_null.has_value()) << from_null.error().message;
  EXPECT_EQ(from_null->disruption_budget, std::nullopt);
}

TEST(GameRuntimeJsonTest, DesiredBadMaxUnavailableIsNamed) {
  DesiredRuntime runtime = FullDesired("g");
  runtime.disruption_budget = FleetBudget();
  for (const json& bad : {json("150%"), json("ten"), json("-1"), json(""),
                          json("3x"), json(3)}) {
    SCOPED_TRACE(bad.dump());
    json encoded = ToJson(runtime);
    encoded["metadata"]["disruptionBudget"]["maxUnavailable"] = bad;

    auto decoded = DesiredRuntimeFromJson(encoded);

    ASSERT_FALSE(decoded.has_value());
    EXPECT_EQ(decoded.error().code, ErrorCode::kInternal);
    EXPECT_THAT(decoded.error().message,
                HasSubstr("metadata.disruptionBudget.maxUnavailable"));
  }
}

TEST(GameRuntimeJsonTest, DesiredDisruptionBudgetMissingFieldIsNamed) {
  DesiredRuntime runtime = FullDesired("g");
  runtime.disruption_budget = FleetBudget();
  for (const std::string field : {"name", "maxUnavailable", "minReadySeconds", "sourcePath"}) {
    SCOPED_TRACE(field);
    json encoded = ToJson(runtime);
    encoded["metadata"]["disruptionBudget"].erase(field);

    auto decoded = DesiredRuntimeFromJson(encoded);

    ASSERT_FALSE(decoded.has_value());
    EXPECT_THAT(decoded.error().message,
                HasSubstr("metadata.disruptionBudget." + field + ": missing"));
  }
  json encoded = ToJson(runtime);
  encoded["metadata"]["disruptionBudget"] = "fleet";
  auto decoded = DesiredRuntimeFromJson(encoded);
  ASSERT_FALSE(decoded.has_value());
  EXPECT_THAT(decoded.error().message, HasSubstr("metadata.disruptionBudget"));
}

// --- RuntimeStatusView ------------------------------------------------------

TEST(GameRuntimeJsonTest, StatusFixtureSetsEveryField) {
  EXPECT_THAT(
      UnchangedLeaves(ToJson(RuntimeStatusView{}), ToJson(FullStatus()), {}),
      ::testing::IsEmpty());
}

TEST(GameRuntimeJsonTest, StatusUsesTheDesignShape) {
  const json encoded = ToJson(FullStatus());

  EXPECT_EQ(KeysOf(encoded),
            (std::set<std::string>{
                "phase", "observedGeneration", "observedRestartGeneration",
                "lastRestart", "containerId", "imageRef", "hostname", "health",
                "restartCount", "lastError", "conditions",
                                   "selfHeal", "nodeName", "drainWait",
                                   "lastTermination"}));
  EXPECT_EQ(encoded["phase"], "Failed");
  EXPECT_EQ(encoded["observedGeneration"], 12);
  EXPECT_EQ(encoded["observedRestartGeneration"], 9);
  EXPECT_EQ(encoded["containerId"], "4f2c9a0d1e");
  EXPECT_EQ(encoded["imageRef"], "galaxy/game:2");
  EXPECT_EQ(encoded["hostname"], "lobby-eu-1");
  EXPECT_EQ(encoded["health"], "unhealthy");
  EXPECT_EQ(encoded["restartCount"], 4);
  EXPECT_EQ(encoded["lastRestart"],
            (json{{"restartGeneration", 9},
                  {"outcome", "failure"},
                  {"errorCode", "image_not_found"},
                  {"containerId", "c0ffee"},
                  {"sourceRef", "req-5f1e"},
                  {"finishedAt", "2026-11-25T02:04:35.456Z"}}));
  EXPECT_EQ(encoded["lastError"],
            (json{{"code", "start_failed"},
                  {"message", "port 18080 is already allocated"},
                  {"at", "2026-11-25T02:04:36.001Z"}}));
  ASSERT_EQ(encoded["conditions"].size(), 3u);
  EXPECT_EQ(encoded["conditions"][0],
            (json{{"type", "Ready"},
                  {"status", "False"},
                  {"reason", "ContainerExited"},
                  {"message", "exit code 137"},
                  {"lastTransitionTime", "2026-11-25T02:04:36.001Z"}}));
  EXPECT_EQ(encoded["conditions"][1]["status"], "True");
  EXPECT_EQ(encoded["conditions"][2]["status"], "Unknown");
}

TEST(GameRuntimeJsonTest, StatusRoundTripsEveryField) {
  const RuntimeStatusView status = FullStatus();

  auto decoded = RuntimeStatusViewFromJson(ToJson(status));

  ASSERT_TRUE(decoded.has_value()) << decoded.error().message;
  EXPECT_EQ(*decoded, status);
}

TEST(GameRuntimeJsonTest, StatusRoundTripsEveryPhase) {
  for (Phase phase : {Phase::kPending, Phase::kRunning, Phase::kStopped,
                      Phase::kFailed, Phase::kRemoved}) {
    RuntimeStatusView status = FullStatus();
    status.phase = phase;

    auto decoded = RuntimeStatusViewFromJson(ToJson(status));

    ASSERT_TRUE(decoded.has_value()) << decoded.error().message;
    EXPECT_EQ(decoded->phase, phase);
    EXPECT_EQ(ParsePhase(ToString(phase)), phase);
  }
  EXPECT_EQ(ParsePhase("running"), std::nullopt);
  EXPECT_EQ(ParseConditionStatus("true"), std::nullopt);
}

TEST(GameRuntimeJsonTest, StatusWithoutOptionalsLeavesThemOutAndRoundTrips) {
  const RuntimeStatusView status;

  const json encoded = ToJson(status);
  auto decoded = RuntimeStatusViewFromJson(encoded);

  EXPECT_FALSE(encoded.contains("lastRestart"));
  EXPECT_FALSE(encoded.contains("lastError"));
  EXPECT_EQ(encoded["conditions"], json::array());
  EXPECT_EQ(encoded["phase"], "Pending");
  EXPECT_EQ(encoded["health"], "none");
  ASSERT_TRUE(decoded.has_value()) << decoded.error().message;
  EXPECT_EQ(*decoded, status);
}

TEST(GameRuntimeJsonTest, StatusOptionalsMayBeNull) {
  json encoded = ToJson(RuntimeStatusView{});
  encoded["lastRestart"] = nullptr;
  encoded["lastError"] = nullptr;

  auto decoded = RuntimeStatusViewFromJson(encoded);

  ASSERT_TRUE(decoded.has_value()) << decoded.error().message;
  EXPECT_EQ(decoded->last_restart, std::nullopt);
  EXPECT_EQ(decoded->last_error, std::nullopt);
}

TEST(GameRuntimeJsonTest, SuccessfulRestartHasEmptyErrorCodeAndRoundTrips) {
  RuntimeStatusView status = FullStatus();
  status.last_restart->outcome = "success";
  status.last_restart->error_code.reset();

  const json encoded = ToJson(status);
  auto decoded = RuntimeStatusViewFromJson(encoded);

  EXPECT_EQ(encoded["lastRestart"]["errorCode"], "");
  ASSERT_TRUE(decoded.has_value()) << decoded.error().message;
  EXPECT_EQ(*decoded, status);
}

TEST(GameRuntimeJsonTest, StatusUnknownConditionStatusIsNamed) {
  json encoded = ToJson(FullStatus());
  encoded["conditions"][1]["status"] = "Maybe";

  auto decoded = RuntimeStatusViewFromJson(encoded);

  ASSERT_FALSE(decoded.has_value());
  EXPECT_EQ(decoded.error().code, ErrorCode::kInternal);
  EXPECT_THAT(decoded.error().message, HasSubstr("conditions[1].status"));
}

TEST(GameRuntimeJsonTest, StatusBadTimestampIsNamed) {
  json encoded = ToJson(FullStatus());
  encoded["lastError"]["at"] = "yesterday";

  auto decoded = RuntimeStatusViewFromJson(encoded);

  ASSERT_FALSE(decoded.has_value());
  EXPECT_THAT(decoded.error().message, HasSubstr("lastError.at"));
  EXPECT_THAT(decoded.error().message, HasSubstr("RFC 3339"));
}

TEST(GameRuntimeJsonTest, StatusUnknownErrorCodeIsNamed) {
  json encoded = ToJson(FullStatus());
  encoded["lastRestart"]["errorCode"] = "teapot";

  auto decoded = RuntimeStatusViewFromJson(encoded);

  ASSERT_FALSE(decoded.has_value());
  EXPECT_THAT(decoded.error().message, HasSubstr("lastRestart.errorCode"));
}

TEST(GameRuntimeJsonTest, StatusUnknownPhaseIsRejected) {
  json encoded = ToJson(FullStatus());
  encoded["phase"] = "Sleeping";

  auto decoded = RuntimeStatusViewFromJson(encoded);

  ASSERT_FALSE(decoded.has_value());
  EXPECT_THAT(decoded.error().message, HasSubstr("phase"));
}

// --- The other codecs of the library ----------------------------------------

TEST(GameRuntimeJsonTest, OperationEntryAndRecordRoundTripThroughJson) {
  OperationEntry entry = FullEntry("lobby-eu-1");
  entry.sequence = 42;
  const RuntimeRecord record = FullRecord("lobby-eu-1");

  auto decoded_entry = OperationEntryFromJson(ToJson(entry));
  auto decoded_record = RuntimeRecordFromJson(ToJson(record));

  ASSERT_TRUE(decoded_entry.has_value()) << decoded_entry.error().message;
  EXPECT_EQ(*decoded_entry, entry);
  ASSERT_TRUE(decoded_record.has_value()) << decoded_record.error().message;
  EXPECT_EQ(*decoded_record, record);
  EXPECT_EQ(ToJson(entry)["opSource"], "rest");
}

}  // namespace
}  // namespace rtm
