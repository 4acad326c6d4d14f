// The Kubernetes-compatible surface through KubeApi::Handle (no sockets):
// discovery, objects, lists, selectors, Tables, watch requests and Status
// errors as kubectl and the informers read them. The kubectl suite
// (test/e2e/kubectl_test.cc) drives the same over HTTP with real clients.
#include "controller/api/kube/kube_api.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "controller/api/kube/kube_table.h"
#include "test/mocks/fake_change_feed.h"
#include "test/mocks/fake_clock.h"
#include "test/mocks/mock_desired_state_store.h"
#include "test/mocks/mock_operation_log_store.h"
#include "test/mocks/mock_token_generator.h"

namespace rtm {
namespace {

using ::testing::HasSubstr;
using ::testing::NiceMock;
using ::testing::Return;
using nlohmann::json;

constexpr char kTableAccept[] =
    "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;"
    "g=meta.k8s.io,application/json";

class KubeApiTest : public ::testing::Test {
 protected:
  KubeApiTest() {
    Store(Runtime("lobby", {{"region", "eu"}}), Running("c0ffee123456789"));
    Store(Runtime("arena", {{"region", "us"}}), std::nullopt);
    DesiredRuntime gone = Runtime("gone", {});
    gone.deleted = true;
    Store(gone, RuntimeStatusView{.phase = Phase::kRemoved, .revision = 9});
    ON_CALL(desired_, List).WillByDefault([this] {
      std::vector<DesiredRuntime> all;
      for (const auto& [name, runtime] : desired_by_name_) all.push_back(runtime);
      return Expected<std::vector<DesiredRuntime>>(all);
    });
    ON_CALL(desired_, Get).WillByDefault([this](std::string_view name) -> Expected<DesiredRuntime> {
      auto found = desired_by_name_.find(std::string(name));
      if (found == desired_by_name_.end()) return Fail(ErrorCode::kNotFound, "none");
      return found->second;
    });
    ON_CALL(statuses_, Get).WillByDefault([this](std::string_view name) -> Expected<RuntimeStatusView> {
      auto found = status_by_name_.find(std::string(name));
      if (found == status_by_name_.end()) return Fail(ErrorCode::kNotFound, "none");
      return found->second;
    });
    for (int i = 0; i < 12; ++i) {
      feed_.Push(RuntimeChange{.name = "x",
                               .desired = std::make_shared<DesiredRuntime>(Runtime("x", {}))});
    }
  }

  static DesiredRuntime Runtime(const std::string& name,
                                std::map<std::string, std::string> labels) {
    return DesiredRuntime{.name = name,
                          .labels = std::move(labels),
                          .spec = GameSpec{.image = "galaxy/game:1"},
                          .source = {"games/" + name + ".yaml", 0, 1},
                          .generation = 3,
                          .created_at = Timestamp(std::chrono::hours(1000)),
                          .revision = 5};
  }
  static RuntimeStatusView Running(const std::string& container) {
    return RuntimeStatusView{
        .phase = Phase::kRunning,
        .observed_generation = 3,
        .container_id = container,
        .health = "healthy",
        .restart_count = 2,
        .conditions = {Condition{.type = "Ready", .status = ConditionStatus::kTrue,
                                 .reason = "Running"}},
        .revision = 8};
  }
  void Store(DesiredRuntime desired, std::optional<RuntimeStatusView> status) {
    if (status) status_by_name_[desired.name] = *status;
    desired_by_name_[desired.name] = std::move(desired);
  }

  ApiResponse Get(std::string path, std::string query = "", std::string accept = "") {
    ApiRequest request{.method = "GET", .path = path, .query = std::move(query)};
    if (!accept.empty()) request.headers["accept"] = std::move(accept);
    return api_.Handle(request, path);
  }
  static json Body(const ApiResponse& response) { return json::parse(response.body); }
  static std::vector<std::string> Names(const json& list) {
    std::vector<std::string> names;
    for (const json& item : list["items"]) names.push_back(item["metadata"]["name"]);
    return names;
  }

  std::map<std::string, DesiredRuntime> desired_by_name_;
  std::map<std::string, RuntimeStatusView> status_by_name_;
  NiceMock<MockDesiredStateStore> desired_;
  NiceMock<MockStatusStore> statuses_;
  FakeChangeFeed feed_;
  FakeClock clock_{Timestamp(std::chrono::hours(1000) + std::chrono::minutes(5))};
  NiceMock<MockOperationLogStore> operation_log_;
  NiceMock<MockTokenGenerator> tokens_;
  std::vector<std::pair<std::string, std::string>> restarts_;
  std::vector<bool> forced_;  // RestartRequest::force of each restart
  KubeApi api_{KubeApiDependencies{
      desired_, statuses_, operation_log_, feed_, clock_, tokens_,
      [this](std::string_view name, RestartRequest request) -> Expected<int64_t> {
        restarts_.emplace_back(std::string(name), request.request_id);
        forced_.push_back(request.force);
        desired_by_name_[std::string(name)].generation += 1;
        desired_by_name_[std::string(name)].revision = 13;
        return desired_by_name_[std::string(name)].generation;
      }}};

  ApiResponse Patch(std::string name, std::string type, std::string body,
                    std::map<std::string, std::string> headers = {}) {
    ApiRequest request{.method = "PATCH",
                       .path = "/apis/rtmanager.galaxy/v1/gameruntimes/" + name,
                       .headers = std::move(headers),
                       .body = std::move(body)};
    request.headers["content-type"] = std::move(type);
    return api_.Handle(request, request.path);
  }
};

TEST_F(KubeApiTest, ServesTheKubernetesPathsOnly) {
  EXPECT_TRUE(KubeApi::Serves("/apis"));
  EXPECT_TRUE(KubeApi::Serves("/apis/rtmanager.galaxy/v1/gameruntimes"));
  EXPECT_TRUE(KubeApi::Serves("/api"));
  EXPECT_TRUE(KubeApi::Serves("/api/v1/events"));
  EXPECT_TRUE(KubeApi::Serves("/version"));
  EXPECT_FALSE(KubeApi::Serves("/v1/runtimes"));
  EXPECT_FALSE(KubeApi::Serves("/apiary"));
}

TEST_F(KubeApiTest, DiscoveryNamesTheGroupTheVersionAndTheResource) {
  const json groups = Body(Get("/apis"));
  EXPECT_EQ(groups["kind"], "APIGroupList");
  EXPECT_EQ(groups["groups"][0]["name"], "rtmanager.galaxy");
  EXPECT_EQ(groups["groups"][0]["preferredVersion"]["groupVersion"], "rtmanager.galaxy/v1");
  EXPECT_EQ(Body(Get("/apis/rtmanager.galaxy"))["kind"], "APIGroup");

  const json resources = Body(Get("/apis/rtmanager.galaxy/v1"));
  EXPECT_EQ(resources["kind"], "APIResourceList");
  EXPECT_EQ(resources["groupVersion"], "rtmanager.galaxy/v1");
  const json& resource = resources["resources"][0];
  EXPECT_EQ(resource["name"], "gameruntimes");
  EXPECT_EQ(resource["singularName"], "gameruntime");
  EXPECT_EQ(resource["kind"], "GameRuntime");
  EXPECT_EQ(resource["namespaced"], false);
  EXPECT_EQ(resource["shortNames"], json::array({"gr"}));
  EXPECT_EQ(resource["verbs"], json::array({"get", "list", "watch", "patch"}));

  EXPECT_EQ(Body(Get("/version"))["major"], "1");
  const ApiResponse core = Get("/api");
  EXPECT_EQ(core.status, 404);
  EXPECT_EQ(Body(core)["kind"], "Status");
}

TEST_F(KubeApiTest, AnObjectCarriesWhatKubernetesClientsRead) {
  const ApiResponse response = Get("/apis/rtmanager.galaxy/v1/gameruntimes/lobby");
  ASSERT_EQ(response.status, 200) << response.body;
  const json object = Body(response);
  EXPECT_EQ(object["apiVersion"], "rtmanager.galaxy/v1");
  EXPECT_EQ(object["kind"], "GameRuntime");
  const json& metadata = object["metadata"];
  EXPECT_EQ(metadata["name"], "lobby");
  EXPECT_EQ(metadata["generation"], 3);
  EXPECT_EQ(metadata["resourceVersion"], "8") << "the newer of desired (5) and status (8)";
  EXPECT_EQ(metadata["creationTimestamp"], "1970-02-11T16:00:00.000Z");
  EXPECT_EQ(metadata["labels"]["region"], "eu");
  EXPECT_EQ(metadata["annotations"]["rtmanager.galaxy/source"], "games/lobby.yaml:1");
  EXPECT_EQ(metadata["uid"].get<std::string>().size(), 36u);
  EXPECT_EQ(object["spec"]["image"], "galaxy/game:1");
  EXPECT_EQ(object["status"]["phase"], "Running");
  EXPECT_EQ(object["status"]["conditions"][0]["observedGeneration"], 3)
      << "kubectl wait counts a condition only for the current generation";
}

TEST_F(KubeApiTest, TheUidIsStableAndDiffersPerIncarnation) {
  const std::string uid =
      Body(Get("/apis/rtmanager.galaxy/v1/gameruntimes/lobby"))["metadata"]["uid"];
  EXPECT_EQ(Body(Get("/apis/rtmanager.galaxy/v1/gameruntimes/lobby"))["metadata"]["uid"], uid);
  desired_by_name_["lobby"].created_at += std::chrono::seconds(1);
  EXPECT_NE(Body(Get("/apis/rtmanager.galaxy/v1/gameruntimes/lobby"))["metadata"]["uid"], uid);
}

TEST_F(KubeApiTest, AMissingOrRemovedObjectIsANotFoundStatus) {
  for (const std::string name : {"nope", "gone", "Not_A_Name"}) {
    const ApiResponse response = Get("/apis/rtmanager.galaxy/v1/gameruntimes/" + name);
    EXPECT_EQ(response.status, 404) << name;
    const json status = Body(response);
    EXPECT_EQ(status["kind"], "Status");
    EXPECT_EQ(status["apiVersion"], "v1");
    EXPECT_EQ(status["status"], "Failure");
    EXPECT_EQ(status["reason"], "NotFound");
    EXPECT_EQ(status["code"], 404);
    EXPECT_EQ(status["details"]["name"], name);
    EXPECT_EQ(status["details"]["kind"], "gameruntimes");
    EXPECT_THAT(status["message"].get<std::string>(),
                HasSubstr("gameruntimes.rtmanager.galaxy \"" + name + "\" not found"));
  }
}

TEST_F(KubeApiTest, AListHasItsRevisionAndLeavesRemovedObjectsOut) {
  const ApiResponse response = Get("/apis/rtmanager.galaxy/v1/gameruntimes", "limit=500");
  ASSERT_EQ(response.status, 200) << response.body;
  const json list = Body(response);
  EXPECT_EQ(list["kind"], "GameRuntimeList");
  EXPECT_EQ(list["apiVersion"], "rtmanager.galaxy/v1");
  EXPECT_EQ(list["metadata"]["resourceVersion"], "12");
  EXPECT_THAT(Names(list), ::testing::ElementsAre("arena", "lobby"));
  EXPECT_EQ(list["items"][0]["status"]["phase"], "Pending") << "not reconciled yet";
}

TEST_F(KubeApiTest, ListsHonourLabelAndFieldSelectors) {
  const std::string path = "/apis/rtmanager.galaxy/v1/gameruntimes";
  EXPECT_THAT(Names(Body(Get(path, "labelSelector=region%3Deu"))),
              ::testing::ElementsAre("lobby"));
  EXPECT_THAT(Names(Body(Get(path, "labelSelector=region+in+%28us%2Cap%29"))),
              ::testing::ElementsAre("arena"));
  EXPECT_THAT(Names(Body(Get(path, "labelSelector=%21region"))), ::testing::IsEmpty());
  EXPECT_THAT(Names(Body(Get(path, "fieldSelector=metadata.name%3Darena"))),
              ::testing::ElementsAre("arena"));
  const ApiResponse bad = Get(path, "fieldSelector=status.phase%3DRunning");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(Body(bad)["reason"], "BadRequest");
  EXPECT_THAT(Body(bad)["message"].get<std::string>(), HasSubstr("status.phase"));
  EXPECT_EQ(Get(path, "labelSelector=region+within+%28eu%29").status, 400);
  EXPECT_EQ(Get(path, "limit=ten").status, 400);
}

TEST_F(KubeApiTest, TablesWhenTheClientAsksForThem) {
  const ApiResponse response = Get("/apis/rtmanager.galaxy/v1/gameruntimes", "", kTableAccept);
  ASSERT_EQ(response.status, 200) << response.body;
  const json table = Body(response);
  EXPECT_EQ(table["kind"], "Table");
  EXPECT_EQ(table["apiVersion"], "meta.k8s.io/v1");
  EXPECT_EQ(table["metadata"]["resourceVersion"], "12");
  std::vector<std::string> columns;
  std::vector<int> priorities;
  for (const json& column : table["columnDefinitions"]) {
    columns.push_back(column["name"]);
    priorities.push_back(column["priority"]);
  }
  EXPECT_THAT(columns, ::testing::ElementsAre("NAME", "PHASE", "READY", "RESTARTS", "IMAGE",
                                              "AGE", "NODE", "CONTAINER", "HEALTH",
                                              "LAST-RESTART"));
  EXPECT_THAT(priorities, ::testing::ElementsAre(0, 0, 0, 0, 0, 0, 1, 1, 1, 1));
  ASSERT_EQ(table["rows"].size(), 2u);
  const json& lobby = table["rows"][1];
  EXPECT_EQ(lobby["cells"], json::array({"lobby", "Running", "True", 2, "galaxy/game:1",
                                         "5m", "<none>", "c0ffee123456", "healthy",
                                         "<none>"}));
  EXPECT_EQ(lobby["object"]["kind"], "PartialObjectMetadata");
  EXPECT_EQ(lobby["object"]["metadata"]["name"], "lobby");

  const json one = Body(Get("/apis/rtmanager.galaxy/v1/gameruntimes/arena", "", kTableAccept));
  EXPECT_EQ(one["kind"], "Table");
  EXPECT_EQ(one["rows"][0]["cells"][1], "Pending");
  EXPECT_EQ(one["rows"][0]["cells"][2], "Unknown");

  EXPECT_EQ(Body(Get("/apis/rtmanager.galaxy/v1/gameruntimes", "", "application/json"))["kind"],
            "GameRuntimeList");
}

TEST_F(KubeApiTest, AWatchFromZeroStartsWithTheObjectsAsAdded) {
  const ApiResponse response =
      Get("/apis/rtmanager.galaxy/v1/gameruntimes",
          "watch=1&resourceVersion=0&fieldSelector=metadata.name%3Dlobby&"
          "allowWatchBookmarks=true&timeoutSeconds=30");
  ASSERT_TRUE(response.watch.has_value()) << response.body;
  const WatchRequest& watch = *response.watch;
  EXPECT_EQ(watch.since, 12u);
  EXPECT_EQ(watch.format, WatchFormat::kKube);
  EXPECT_TRUE(watch.bookmarks);
  EXPECT_EQ(watch.timeout, Duration(std::chrono::seconds(30)));
  const json added = json::parse(watch.initial_lines);
  EXPECT_EQ(added["type"], "ADDED");
  EXPECT_EQ(added["object"]["metadata"]["name"], "lobby");
  ASSERT_TRUE(watch.accepts);
  EXPECT_TRUE(watch.accepts(desired_by_name_["lobby"]));
  EXPECT_FALSE(watch.accepts(desired_by_name_["arena"]));
}

TEST_F(KubeApiTest, AWatchFromARevisionSendsOnlyLaterChanges) {
  const ApiResponse response = Get("/apis/rtmanager.galaxy/v1/gameruntimes",
                                   "watch=true&resourceVersion=7", kTableAccept);
  ASSERT_TRUE(response.watch.has_value());
  EXPECT_EQ(response.watch->since, 7u);
  EXPECT_EQ(response.watch->format, WatchFormat::kKubeTable);
  EXPECT_TRUE(response.watch->initial_lines.empty());
  EXPECT_FALSE(response.watch->bookmarks);
  EXPECT_EQ(Get("/apis/rtmanager.galaxy/v1/gameruntimes",
                "watch=true&resourceVersion=seven").status, 400);
}

TEST_F(KubeApiTest, OtherMethodsAndPathsAreStatusErrors) {
  ApiRequest post{.method = "POST", .path = "/apis/rtmanager.galaxy/v1/gameruntimes"};
  const ApiResponse refused = api_.Handle(post, post.path);
  EXPECT_EQ(refused.status, 405);
  EXPECT_EQ(Body(refused)["reason"], "MethodNotAllowed");
  const ApiResponse unknown = Get("/apis/apps/v1/deployments");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(Body(unknown)["reason"], "NotFound");
}

TEST_F(KubeApiTest, AnUnreadableStoreIsAServiceUnavailableStatus) {
  ON_CALL(desired_, List).WillByDefault(Return(Fail(ErrorCode::kServiceUnavailable, "disk gone")));
  const ApiResponse response = Get("/apis/rtmanager.galaxy/v1/gameruntimes");
  EXPECT_EQ(response.status, 503);
  EXPECT_EQ(Body(response)["reason"], "ServiceUnavailable");
  EXPECT_THAT(Body(response)["message"].get<std::string>(), HasSubstr("disk gone"));
}

// kubectl describe (1.20 and 1.32) asks for the object's events with
// involvedObject.name, .namespace, .kind and .uid.
TEST_F(KubeApiTest, TheOperationLogIsServedAsEventsForDescribe) {
  const Timestamp start = Timestamp(std::chrono::hours(1000));
  std::vector<OperationEntry> entries{
      OperationEntry{.sequence = 42,
                     .game_id = "lobby",
                     .op_kind = OpKind::kRestart,
                     .op_source = OpSource::kRest,
                     .source_ref = "req-7",
                     .container_id = "c0ffee1234567890",
                     .started_at = start,
                     .finished_at = start + std::chrono::milliseconds(450)},
      OperationEntry{.sequence = 41,
                     .game_id = "lobby",
                     .op_kind = OpKind::kStart,
                     .op_source = OpSource::kManifest,
                     .source_ref = "games/lobby.yaml#generation=3",
                     .outcome = Outcome::kFailure,
                     .error_code = ErrorCode::kImageNotFound,
                     .error_message = "no such image",
                     .started_at = start,
                     .finished_at = start}};
  EXPECT_CALL(operation_log_, ListByGame(std::string_view("lobby"), 50u))
      .Times(2)
      .WillRepeatedly(Return(entries));
  const ApiResponse response =
      Get("/api/v1/events",
          "fieldSelector=involvedObject.name%3Dlobby%2CinvolvedObject.namespace%3D%2C"
          "involvedObject.kind%3DGameRuntime%2CinvolvedObject.uid%3Dx");
  ASSERT_EQ(response.status, 200) << response.body;
  const json list = Body(response);
  EXPECT_EQ(list["kind"], "EventList");
  ASSERT_EQ(list["items"].size(), 2u);
  const json& restart = list["items"][0];
  EXPECT_EQ(restart["kind"], "Event");
  EXPECT_EQ(restart["reason"], "RestartSucceeded");
  EXPECT_EQ(restart["type"], "Normal");
  EXPECT_EQ(restart["involvedObject"]["kind"], "GameRuntime");
  EXPECT_EQ(restart["involvedObject"]["name"], "lobby");
  EXPECT_EQ(restart["message"], "restart success (rest req-7); container c0ffee123456");
  EXPECT_EQ(restart["lastTimestamp"], "1970-02-11T16:00:00.450Z");
  const json& failed = list["items"][1];
  EXPECT_EQ(failed["reason"], "StartFailed");
  EXPECT_EQ(failed["type"], "Warning");
  EXPECT_THAT(failed["message"].get<std::string>(),
              HasSubstr("[image_not_found] no such image"));

  EXPECT_EQ(Get("/api/v1/namespaces/default/events",
                "fieldSelector=involvedObject.name%3Dlobby").status, 200);
  EXPECT_TRUE(Body(Get("/api/v1/events", "fieldSelector=involvedObject.name%3Dnope"))["items"]
                  .empty());
  EXPECT_TRUE(Body(Get("/api/v1/events"))["items"].empty());
  EXPECT_TRUE(Body(Get("/api/v1/events",
                       "fieldSelector=involvedObject.name%3Dlobby%2CinvolvedObject.kind%3DPod"))
                  ["items"].empty());
}

// kubectl annotate gr NAME rtmanager.galaxy/restartedAt=... --overwrite
TEST_F(KubeApiTest, SettingTheRestartAnnotationIsARestartBump) {
  ON_CALL(tokens_, NewToken).WillByDefault(Return(std::string("generated-id")));
  const ApiResponse merged =
      Patch("lobby", "application/merge-patch+json",
            R"({"metadata":{"annotations":{"rtmanager.galaxy/restartedAt":"2026-12-02T14:00:00Z"}}})",
            {{"x-request-id", "req-9"}});
  ASSERT_EQ(merged.status, 200) << merged.body;
  EXPECT_EQ(Body(merged)["metadata"]["generation"], 4);
  const ApiResponse json_patched = Patch(
      "lobby", "application/json-patch+json",
      R"([{"op":"add","path":"/metadata/annotations/rtmanager.galaxy~1restartedAt","value":"now"}])");
  ASSERT_EQ(json_patched.status, 200) << json_patched.body;
  const ApiResponse added = Patch(
      "lobby", "application/json-patch+json",
      R"([{"op":"add","path":"/metadata/annotations","value":{"rtmanager.galaxy/restartedAt":"x"}}])");
  ASSERT_EQ(added.status, 200) << added.body;
  EXPECT_EQ(restarts_, (std::vector<std::pair<std::string, std::string>>{
                           {"lobby", "req-9"}, {"lobby", "generated-id"},
                           {"lobby", "generated-id"}}));
}

// kubectl annotate gr NAME rtmanager.galaxy/restartedAt=...
//   rtmanager.galaxy/skipDrain=true --overwrite (one command line)
TEST_F(KubeApiTest, TheSkipDrainAnnotationForcesTheRestart) {
  EXPECT_EQ(Patch("lobby", "application/merge-patch+json",
                  R"({"metadata":{"annotations":{"rtmanager.galaxy/restartedAt":"x",
                                                 "rtmanager.galaxy/skipDrain":"true"}}})")
                .status,
            200);
  EXPECT_EQ(Patch("lobby", "application/json-patch+json",
                  R"([{"op":"add","path":"/metadata/annotations/rtmanager.galaxy~1restartedAt","value":"y"},
                      {"op":"add","path":"/metadata/annotations/rtmanager.galaxy~1skipDrain","value":"true"}])")
                .status,
            200);
  EXPECT_EQ(Patch("lobby", "application/json-patch+json",
                  R"([{"op":"add","path":"/metadata/annotations","value":
                       {"rtmanager.galaxy/restartedAt":"z","rtmanager.galaxy/skipDrain":"false"}}])")
                .status,
            200);
  EXPECT_EQ(forced_, (std::vector<bool>{true, true, false}));

  for (const std::string body :
       {R"({"metadata":{"annotations":{"rtmanager.galaxy/skipDrain":"true"}}})",
        R"({"metadata":{"annotations":{"rtmanager.galaxy/restartedAt":"x",
                                       "rtmanager.galaxy/skipDrain":"yes"}}})"}) {
    EXPECT_EQ(Patch("lobby", "application/merge-patch+json", body).status, 422) << body;
  }
  EXPECT_EQ(forced_.size(), 3u);
}

TEST_F(KubeApiTest, AStaleResourceVersionIsAConflict) {
  const ApiResponse stale = Patch(
      "lobby", "application/merge-patch+json",
      R"({"metadata":{"resourceVersion":"3","annotations":{"rtmanager.galaxy/restartedAt":"x"}}})");
  EXPECT_EQ(stale.status, 409);
  EXPECT_EQ(Body(stale)["reason"], "Conflict");
  EXPECT_TRUE(restarts_.empty());
  const ApiResponse current = Patch(
      "lobby", "application/merge-patch+json",
      R"({"metadata":{"resourceVersion":"8","annotations":{"rtmanager.galaxy/restartedAt":"x"}}})");
  EXPECT_EQ(current.status, 200) << current.body;
}

TEST_F(KubeApiTest, AnyOtherChangeIsRefusedAsInvalid) {
  for (const std::string body :
       {R"({"spec":{"image":"other:2"}})", R"({"metadata":{"labels":{"a":"b"}}})",
        R"({"metadata":{"annotations":{"owner":"me"}}})", R"({"metadata":{}})",
        R"({"status":{"phase":"Running"}})"}) {
    const ApiResponse refused = Patch("lobby", "application/merge-patch+json", body);
    EXPECT_EQ(refused.status, 422) << body;
    EXPECT_EQ(Body(refused)["reason"], "Invalid") << body;
    EXPECT_THAT(Body(refused)["message"].get<std::string>(),
                HasSubstr("manifests own the desired state"));
  }
  const ApiResponse json_patch = Patch("lobby", "application/json-patch+json",
                                       R"([{"op":"replace","path":"/spec/image","value":"x"}])");
  EXPECT_EQ(json_patch.status, 422);
  EXPECT_THAT(Body(json_patch)["message"].get<std::string>(), HasSubstr("replace /spec/image"));
  EXPECT_TRUE(restarts_.empty());
}

TEST_F(KubeApiTest, AStrategicMergePatchIsAnUnsupportedMediaType) {
  const ApiResponse refused =
      Patch("lobby", "application/strategic-merge-patch+json",
            R"({"metadata":{"annotations":{"rtmanager.galaxy/restartedAt":"x"}}})");
  EXPECT_EQ(refused.status, 415);
  EXPECT_EQ(Body(refused)["reason"], "UnsupportedMediaType");
  EXPECT_THAT(Body(refused)["message"].get<std::string>(), HasSubstr("--type=merge"));
  EXPECT_EQ(Patch("lobby", "application/merge-patch+json", "{not json").status, 400);
  EXPECT_EQ(Patch("nope", "application/merge-patch+json",
                  R"({"metadata":{"annotations":{"rtmanager.galaxy/restartedAt":"x"}}})")
                .status,
            404);
  EXPECT_TRUE(restarts_.empty());
}

TEST(HumanDurationTest, ReadsLikeKubectl) {
  using namespace std::chrono;
  EXPECT_EQ(kube::HumanDuration(seconds(45)), "45s");
  EXPECT_EQ(kube::HumanDuration(seconds(119)), "119s");
  EXPECT_EQ(kube::HumanDuration(seconds(200)), "3m20s");
  EXPECT_EQ(kube::HumanDuration(minutes(5)), "5m");
  EXPECT_EQ(kube::HumanDuration(minutes(95)), "95m");
  EXPECT_EQ(kube::HumanDuration(minutes(4 * 60 + 10)), "4h10m");
  EXPECT_EQ(kube::HumanDuration(hours(30)), "30h");
  EXPECT_EQ(kube::HumanDuration(hours(75)), "3d3h");
  EXPECT_EQ(kube::HumanDuration(hours(24 * 40)), "40d");
  EXPECT_EQ(kube::HumanDuration(seconds(-3)), "0s");
}

TEST(AcceptsTableTest, OnlyAMetaV1TableRange) {
  EXPECT_TRUE(AcceptsTable(kTableAccept));
  EXPECT_TRUE(AcceptsTable("application/json;as=Table;g=meta.k8s.io;v=v1"));
  EXPECT_FALSE(AcceptsTable("application/json;as=Table;v=v1beta1;g=meta.k8s.io"));
  EXPECT_FALSE(AcceptsTable("application/json"));
  EXPECT_FALSE(AcceptsTable(""));
}

}  // namespace
}  // namespace rtm
