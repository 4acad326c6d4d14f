// The REST API's routing, errors, auth and limits, through ApiServer::Handle
// (no sockets); the e2e suite covers the same endpoints over HTTP.
#include "controller/api/api_server.h"

#include <array>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "controller/api/api_access.h"
#include "controller/api/representation/game_runtime_representation.h"
#include "test/mocks/mock_cluster_view.h"
#include "test/mocks/mock_container_engine.h"
#include "test/mocks/fake_change_feed.h"
#include "test/mocks/fake_clock.h"
#include "test/mocks/mock_desired_state_store.h"
#include "test/mocks/mock_log_archive.h"
#include "test/mocks/mock_logger.h"
#include "test/mocks/mock_operation_log_store.h"
#include "test/mocks/mock_store_health.h"
#include "test/mocks/mock_token_generator.h"

namespace rtm {
namespace {

using ::testing::ByMove;
using ::testing::_;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::NiceMock;
using ::testing::Return;

class ApiServerTest : public ::testing::Test {
 protected:
  ApiServerTest() {
    ON_CALL(desired_, Get).WillByDefault([](std::string_view name) -> Expected<DesiredRuntime> {
      if (name == "lobby") {
        return DesiredRuntime{.name = "lobby", .spec = GameSpec{.image = "img:1"},
                              .source = {"a.yaml", 0, 3}, .generation = 2};
      }
      return Fail(ErrorCode::kNotFound, "none");
    });
    ON_CALL(statuses_, Get).WillByDefault(Return(Fail(ErrorCode::kNotFound, "none")));
    ON_CALL(tokens_, NewToken).WillByDefault(Return(std::string("generated-id")));
  }

  // `tokens`: those the server knows (none: no call needs one).
  ApiServer Server(std::vector<ApiToken> tokens = {}, ClusterView* cluster = nullptr,
                   bool metrics_public = false) {
    api_tokens_.Replace(std::move(tokens));
    return ApiServer(
        ApiOptions{.listen = "127.0.0.1:0", .metrics_public = metrics_public},
        ApiDependencies{
            desired_, statuses_, operation_log_, engine_, logger_, tokens_, feed_,
            clock_, log_archive_, store_health_, [] { return true; },
            [this](std::string_view name, RestartRequest request) -> Expected<int64_t> {
              restarts_.emplace_back(std::string(name), request.request_id);
              forced_.push_back(request.force);
              requesters_.push_back(request.requested_by);
              if (name == "removed") return Fail(ErrorCode::kConflict, "removed");
              if (name != "lobby") return Fail(ErrorCode::kNotFound, "not found");
              return 3;
            },
            []() -> Expected<std::vector<PlanItem>> {
              return std::vector<PlanItem>{
                  {"lobby", Plan{{Action{ActionKind::kRestart, "", "restartGeneration 0 -> 1"}}}}};
            },
            [] { return std::string("rtmanager_workqueue_depth 0\n"); },
            cluster, &api_tokens_});
  }

  static ApiServer::Request Get(std::string path, std::string query = "") {
    return {.method = "GET", .path = std::move(path), .query = std::move(query)};
  }
  static ApiServer::Request Post(std::string path,
                                 std::map<std::string, std::string> headers = {}) {
    return {.method = "POST", .path = std::move(path), .headers = std::move(headers)};
  }
  static nlohmann::json Body(const ApiServer::Response& response) {
    return nlohmann::json::parse(response.body);
  }

  NiceMock<MockDesiredStateStore> desired_;
  NiceMock<MockStatusStore> statuses_;
  NiceMock<MockOperationLogStore> operation_log_;
  NiceMock<MockContainerEngine> engine_;
  NiceMock<MockLogger> logger_;
  NiceMock<MockTokenGenerator> tokens_;
  NiceMock<MockLogArchive> log_archive_;
  NiceMock<MockStoreHealth> store_health_;
  FakeChangeFeed feed_;
  FakeClock clock_;
  ApiTokens api_tokens_;
  std::vector<std::pair<std::string, std::string>> restarts_;
  std::vector<bool> forced_;  // RestartRequest::force of each restart
  std::vector<Requester> requesters_;  // RestartRequest::requested_by of each
};

// Two nodes, the alive one leading with one game.
ClusterSnapshot TwoNodeCluster() {
  ClusterSnapshot cluster;
  cluster.nodes = {NodeRecord{.info = {.name = "node-a", .max_runtimes = 4}, .alive = true},
                   NodeRecord{.info = {.name = "node-b"}, .state = NodeState::kLost}};
  cluster.assignments = {{"lobby", Assignment{"lobby", "node-a", "scheduled", 7}}};
  cluster.leader = Leadership{"node-a", 2};
  return cluster;
}

TEST_F(ApiServerTest, GetRuntimeRendersTheObjectWithAPendingStatus) {
  auto response = Server().Handle(Get("/v1/runtimes/lobby"));
  ASSERT_EQ(response.status, 200);
  auto body = Body(response);
  EXPECT_EQ(body["kind"], "GameRuntime");
  EXPECT_EQ(body["metadata"]["name"], "lobby");
  EXPECT_EQ(body["metadata"]["generation"], 2);
  EXPECT_EQ(body["spec"]["image"], "img:1");
  EXPECT_EQ(body["status"]["phase"], "Pending");
}

TEST_F(ApiServerTest, UnreadableStatusIsAnErrorNotAPendingRuntime) {
  ON_CALL(statuses_, Get)
      .WillByDefault(Return(Fail(ErrorCode::kServiceUnavailable, "disk gone")));
  ON_CALL(desired_, List).WillByDefault(Return(std::vector<DesiredRuntime>{
      {.name = "lobby", .spec = GameSpec{.image = "img:1"}}}));
  auto api = Server();
  EXPECT_EQ(api.Handle(Get("/v1/runtimes/lobby")).status, 503);
  auto list = api.Handle(Get("/v1/runtimes"));
  EXPECT_EQ(list.status, 503);
  EXPECT_THAT(Body(list)["error"]["message"].get<std::string>(), HasSubstr("disk gone"));
}

TEST_F(ApiServerTest, UnknownRuntimeIsNotFoundWithAStableCode) {
  auto response = Server().Handle(Get("/v1/runtimes/ghost"));
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(Body(response)["error"]["code"], "not_found");
}

TEST_F(ApiServerTest, NameThatIsNotADnsLabelIsInvalidRequest) {
  auto response = Server().Handle(Get("/v1/runtimes/Bad_Name"));
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(Body(response)["error"]["code"], "invalid_request");
}

TEST_F(ApiServerTest, UnknownRouteAndWrongMethodAnswerJsonErrors) {
  auto api = Server();
  auto missing = api.Handle(Get("/v2/things"));
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(Body(missing)["error"]["code"], "not_found");
  auto wrong = api.Handle({.method = "DELETE", .path = "/v1/runtimes/lobby"});
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(Body(wrong)["error"]["code"], "method_not_allowed");
  EXPECT_THAT(Body(wrong)["error"]["message"].get<std::string>(),
              HasSubstr("method DELETE is not allowed"));
}

TEST_F(ApiServerTest, RestartIsAGenerationBumpAnswered202) {
  auto response = Server().Handle(
      Post("/v1/runtimes/lobby/restart", {{"x-request-id", "req-9"}}));
  EXPECT_EQ(response.status, 202);
  EXPECT_EQ(Body(response)["generation"], 3);
  ASSERT_EQ(restarts_.size(), 1u);
  EXPECT_EQ(restarts_[0], std::make_pair(std::string("lobby"), std::string("req-9")));
}

TEST_F(ApiServerTest, RestartForceTrueAsksToSkipTheDrainWait) {
  auto api = Server();
  ApiServer::Request forced = Post("/v1/runtimes/lobby/restart");
  forced.query = "force=true";
  EXPECT_EQ(api.Handle(forced).status, 202);
  EXPECT_EQ(api.Handle(Post("/v1/runtimes/lobby/restart")).status, 202);
  EXPECT_EQ(forced_, (std::vector<bool>{true, false}));
}

TEST_F(ApiServerTest, RestartForceOtherThanTrueOrFalseIs400NamingIt) {
  ApiServer::Request request = Post("/v1/runtimes/lobby/restart");
  request.query = "force=yes";
  auto response = Server().Handle(request);
  EXPECT_EQ(response.status, 400);
  EXPECT_THAT(Body(response)["error"]["message"].get<std::string>(),
              HasSubstr("query parameter force: must be true or false"));
  EXPECT_TRUE(restarts_.empty());
}

TEST_F(ApiServerTest, LogsServeTheCurrentContainersOutputOrThePreviousOnes) {
  ON_CALL(desired_, Get).WillByDefault(Return(Expected<DesiredRuntime>(DesiredRuntime{.name = "lobby"})));
  RuntimeStatusView status;
  status.container_id = "c2";
  ON_CALL(statuses_, Get).WillByDefault(Return(Expected<RuntimeStatusView>(status)));
  EXPECT_CALL(engine_, ContainerLogs(std::string_view("c2"), kArchivedLogBytes))
      .WillOnce(Return(Expected<std::string>("one\ntwo\nthree\n")));
  EXPECT_CALL(log_archive_, Previous(std::string_view("lobby")))
      .WillOnce(Return(Expected<ArchivedLogs>(ArchivedLogs{"c1", {}, "old\nlast words\n"})));
  auto api = Server();

  ApiServer::Request current{.method = "GET", .path = "/v1/runtimes/lobby/logs", .query = "tail=2"};
  auto answer = api.Handle(current);
  EXPECT_EQ(answer.status, 200);
  EXPECT_EQ(answer.content_type, "text/plain; charset=utf-8");
  EXPECT_EQ(answer.body, "two\nthree\n");

  ApiServer::Request previous{.method = "GET", .path = "/v1/runtimes/lobby/logs",
                              .query = "previous=true"};
  answer = api.Handle(previous);
  EXPECT_EQ(answer.status, 200);
  EXPECT_EQ(answer.body, "old\nlast words\n");
}

TEST_F(ApiServerTest, FollowedLogsStreamTheContainersOutputFromItsLastLines) {
  ON_CALL(desired_, Get).WillByDefault(Return(Expected<DesiredRuntime>(DesiredRuntime{.name = "lobby"})));
  RuntimeStatusView status;
  status.container_id = "c2";
  ON_CALL(statuses_, Get).WillByDefault(Return(Expected<RuntimeStatusView>(status)));
  EXPECT_CALL(engine_, FollowLogs(std::string_view("c2"), 5u))
      .WillOnce([](std::string_view, size_t) -> Expected<std::unique_ptr<ContainerLogStream>> {
        return std::make_unique<NiceMock<MockContainerLogStream>>();
      });
  EXPECT_CALL(engine_, FollowLogs(std::string_view("c2"), 20000u))
      .WillOnce(Return(ByMove(Expected<std::unique_ptr<ContainerLogStream>>(
          Fail(ErrorCode::kNotFound, "no such container: c2")))));
  EXPECT_CALL(engine_, ContainerLogs).Times(0);
  auto api = Server();
  auto get = [&](std::string query) {
    return api.Handle({.method = "GET", .path = "/v1/runtimes/lobby/logs", .query = std::move(query)});
  };

  auto followed = get("follow=true&tail=5");
  EXPECT_EQ(followed.status, 200);
  EXPECT_EQ(followed.content_type, "text/plain; charset=utf-8");
  EXPECT_NE(followed.log_stream, nullptr);
  // Without ?tail it starts from as many lines as a plain read looks at;
  // a container gone meanwhile is 404.
  auto gone = get("follow=true");
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(gone.log_stream, nullptr);
  EXPECT_THAT(Body(gone)["error"]["message"].get<std::string>(), HasSubstr("no such container"));
  EXPECT_EQ(get("follow=yes").status, 400);

  // The previous container ended: following its logs prints them.
  EXPECT_CALL(log_archive_, Previous(std::string_view("lobby")))
      .WillOnce(Return(Expected<ArchivedLogs>(ArchivedLogs{"c1", {}, "a\nb\n"})));
  auto previous = get("previous=true&follow=true&tail=1");
  EXPECT_EQ(previous.status, 200);
  EXPECT_EQ(previous.body, "b\n");
  EXPECT_EQ(previous.log_stream, nullptr);
}

TEST_F(ApiServerTest, FollowsBeyondTheLimitAreRefusedWith503) {
  ON_CALL(desired_, Get).WillByDefault(Return(Expected<DesiredRuntime>(DesiredRuntime{.name = "lobby"})));
  RuntimeStatusView status;
  status.container_id = "c2";
  ON_CALL(statuses_, Get).WillByDefault(Return(Expected<RuntimeStatusView>(status)));
  EXPECT_CALL(engine_, FollowLogs).Times(0);
  ApiServer api(ApiOptions{.listen = "127.0.0.1:0", .max_log_follows = 0},
                ApiDependencies{desired_, statuses_, operation_log_, engine_, logger_, tokens_,
                                feed_, clock_, log_archive_, store_health_, [] { return true; }, {}, {},
                                {}});
  auto refused = api.Handle({.method = "GET", .path = "/v1/runtimes/lobby/logs",
                             .query = "follow=true"});
  EXPECT_EQ(refused.status, 503);
  EXPECT_THAT(Body(refused)["error"]["message"].get<std::string>(),
              HasSubstr("too many logs followed at once (0)"));
}

TEST_F(ApiServerTest, LogsOfWhatDoesNotExistAre404AndBadQueries400) {
  ON_CALL(desired_, Get).WillByDefault(Return(Expected<DesiredRuntime>(DesiredRuntime{.name = "lobby"})));
  ON_CALL(statuses_, Get).WillByDefault(Return(Fail(ErrorCode::kNotFound, "none")));
  ON_CALL(log_archive_, Previous).WillByDefault(Return(Fail(ErrorCode::kNotFound, "no previous logs kept")));
  auto api = Server();
  auto get = [&](std::string query) {
    return api.Handle({.method = "GET", .path = "/v1/runtimes/lobby/logs", .query = std::move(query)});
  };
  EXPECT_EQ(get("").status, 404);
  EXPECT_EQ(get("previous=true").status, 404);
  EXPECT_EQ(get("tail=0").status, 400);
  EXPECT_EQ(get("previous=yes").status, 400);
  ON_CALL(desired_, Get).WillByDefault(Return(Fail(ErrorCode::kNotFound, "none")));
  EXPECT_EQ(get("previous=true").status, 404);
}

TEST_F(ApiServerTest, AForcedRestartOfARemovedRuntimeSaysItsRemovalIsForced) {
  ON_CALL(desired_, Get).WillByDefault(Return(Expected<DesiredRuntime>(
      DesiredRuntime{.name = "lobby", .generation = 3, .deleted = true})));
  auto api = Server();
  ApiServer::Request forced = Post("/v1/runtimes/lobby/restart");
  forced.query = "force=true";
  auto answer = api.Handle(forced);
  EXPECT_EQ(answer.status, 202);
  EXPECT_EQ(Body(answer)["removalForced"], true);
  ASSERT_EQ(forced_.size(), 1u);
  EXPECT_TRUE(forced_[0]);

  ON_CALL(desired_, Get).WillByDefault(Return(Expected<DesiredRuntime>(
      DesiredRuntime{.name = "lobby", .generation = 3})));
  EXPECT_FALSE(Body(api.Handle(forced)).contains("removalForced"));
}

TEST_F(ApiServerTest, RestartWithoutRequestIdGetsAGeneratedOne) {
  Server().Handle(Post("/v1/runtimes/lobby/restart"));
  ASSERT_EQ(restarts_.size(), 1u);
  EXPECT_EQ(restarts_[0].second, "generated-id");
}

TEST_F(ApiServerTest, RestartOfUnknownOrRemovedRuntimeIs404Or409) {
  auto api = Server();
  EXPECT_EQ(api.Handle(Post("/v1/runtimes/ghost/restart")).status, 404);
  EXPECT_EQ(api.Handle(Post("/v1/runtimes/removed/restart")).status, 409);
  EXPECT_EQ(api.Handle(Post("/v1/runtimes/Bad_Name/restart")).status, 400);
  EXPECT_EQ(api.Handle(Get("/v1/runtimes/lobby/restart")).status, 405);
}

TEST_F(ApiServerTest, WithATokenEveryCallButHealthNeedsOne) {
  auto api = Server({{"ops", "s3cret-token-value", ApiRole::kAdmin}});
  auto missing = api.Handle(Post("/v1/runtimes/lobby/restart"));
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(Body(missing)["error"]["code"], "unauthorized");
  EXPECT_EQ(api.Handle(Post("/v1/runtimes/lobby/restart",
                            {{"authorization", "Bearer wrong-token-value!"}}))
                .status,
            401);
  EXPECT_EQ(api.Handle(Post("/v1/runtimes/lobby/restart",
                            {{"authorization", "s3cret-token-value"}}))
                .status,
            401)
      << "the token must come as a Bearer credential";
  EXPECT_EQ(api.Handle(Post("/v1/runtimes/lobby/restart",
                            {{"authorization", "Bearer s3cret-token-valu"}}))
                .status,
            401)
      << "a prefix of the token is not the token";
  EXPECT_TRUE(restarts_.empty());
  EXPECT_EQ(api.Handle(Post("/v1/runtimes/lobby/restart",
                            {{"authorization", "Bearer s3cret-token-value"}}))
                .status,
            202);
  EXPECT_EQ(api.Handle(Get("/v1/runtimes/lobby")).status, 401);
  EXPECT_EQ(api.Handle(Get("/v1/runtimes/lobby/operations")).status, 401);
  EXPECT_EQ(api.Handle(Get("/metrics")).status, 401);
  EXPECT_EQ(api.Handle(Get("/healthz")).status, 200);
}

// Each role on each endpoint class (docs/contract.md §6 "Access"), on the
// native surface and the Kubernetes one, each refusing in its own shape.
TEST_F(ApiServerTest, EachRoleOnEachEndpointClassOnBothSurfaces) {
  auto api = Server({{"ops", "admin-token-0123456789", ApiRole::kAdmin},
                     {"grafana", "read-token-0123456789", ApiRole::kRead}});
  const std::map<std::string, std::string> no_token;
  const std::map<std::string, std::string> reader = {
      {"authorization", "Bearer read-token-0123456789"}};
  const std::map<std::string, std::string> admin = {
      {"authorization", "Bearer admin-token-0123456789"}};
  const std::string kube = "/apis/rtmanager.galaxy/v1/gameruntimes";
  const std::string patch_body =
      R"({"metadata":{"annotations":{"rtmanager.galaxy/restartedAt":"x"}}})";
  struct Call {
    std::string what;
    ApiServer::Request request;
    bool kube;
  };
  const std::vector<Call> calls = {
      {"health", {.method = "GET", .path = "/healthz"}, false},
      {"ready", {.method = "GET", .path = "/readyz"}, false},
      {"metrics", {.method = "GET", .path = "/metrics"}, false},
      {"read", {.method = "GET", .path = "/v1/runtimes/lobby"}, false},
      {"list", {.method = "GET", .path = "/v1/runtimes"}, false},
      {"watch", {.method = "GET", .path = "/v1/runtimes", .query = "watch=true&since=99"}, false},
      {"history", {.method = "GET", .path = "/v1/runtimes/lobby/operations"}, false},
      {"mutate", {.method = "POST", .path = "/v1/runtimes/lobby/restart"}, false},
      {"kube read", {.method = "GET", .path = kube + "/lobby"}, true},
      {"kube watch", {.method = "GET", .path = kube, .query = "watch=true&resourceVersion=99"}, true},
      {"kube mutate",
       {.method = "PATCH", .path = kube + "/lobby",
        .headers = {{"content-type", "application/merge-patch+json"}}, .body = patch_body},
       true},
  };
  // What each call answers: the status past the access check is that of
  // the call itself (a native watch from a revision to come is 410).
  const std::map<std::string, std::array<int, 3>> expected = {
      // what            no token  reader  admin
      {"health", {200, 200, 200}},
      {"ready", {200, 200, 200}},
      {"metrics", {401, 200, 200}},
      {"read", {401, 200, 200}},
      {"list", {401, 200, 200}},
      {"watch", {401, 410, 410}},
      {"history", {401, 200, 200}},
      {"mutate", {401, 403, 202}},
      {"kube read", {401, 200, 200}},
      {"kube watch", {401, 200, 200}},
      {"kube mutate", {401, 403, 200}},
  };
  for (const Call& call : calls) {
    int column = 0;
    for (const auto* headers : {&no_token, &reader, &admin}) {
      ApiServer::Request request = call.request;
      for (const auto& [name, value] : *headers) request.headers[name] = value;
      const ApiServer::Response response = api.Handle(request);
      const int want = expected.at(call.what)[column];
      EXPECT_EQ(response.status, want)
          << call.what << " as " << (column == 0 ? "nobody" : column == 1 ? "reader" : "admin")
          << ": " << response.body;
      if (want == 401 || want == 403) {
        const nlohmann::json body = Body(response);
        if (call.kube) {
          EXPECT_EQ(body["kind"], "Status") << call.what;
          EXPECT_EQ(body["reason"], want == 401 ? "Unauthorized" : "Forbidden") << call.what;
        } else {
          EXPECT_EQ(body["error"]["code"], want == 401 ? "unauthorized" : "forbidden")
              << call.what;
        }
      }
      if (want == 403) {
        EXPECT_THAT(response.body, HasSubstr(R"(token \"grafana\" is read-only)"));
      }
      ++column;
    }
  }
  EXPECT_EQ(restarts_.size(), 2u) << "only the admin's two mutations got through";
}

// Who asked goes with the restart to the audit (docs/contract.md §6
// Access): the token's name and the peer's address, on both surfaces.
TEST_F(ApiServerTest, ARestartCarriesTheCallersTokenNameAndAddress) {
  {
    auto open = Server();
    ApiServer::Request post = Post("/v1/runtimes/lobby/restart");
    post.remote_address = "127.0.0.1";
    EXPECT_EQ(open.Handle(post).status, 202);
  }
  auto api = Server({{"ops", "admin-token-0123456789", ApiRole::kAdmin}});
  ApiServer::Request post =
      Post("/v1/runtimes/lobby/restart", {{"authorization", "Bearer admin-token-0123456789"}});
  post.remote_address = "10.0.0.5";
  post.caller = "forged";  // set by the server only
  EXPECT_EQ(api.Handle(post).status, 202);
  ApiServer::Request patch{
      .method = "PATCH",
      .path = "/apis/rtmanager.galaxy/v1/gameruntimes/lobby",
      .headers = {{"content-type", "application/merge-patch+json"},
                  {"authorization", "Bearer admin-token-0123456789"}},
      .body = R"({"metadata":{"annotations":{"rtmanager.galaxy/restartedAt":"x"}}})",
      .remote_address = "10.0.0.6"};
  EXPECT_EQ(api.Handle(patch).status, 200);
  EXPECT_THAT(requesters_, ElementsAre(Requester{"anonymous", "127.0.0.1"},
                                       Requester{"ops", "10.0.0.5"},
                                       Requester{"ops", "10.0.0.6"}));
}

TEST_F(ApiServerTest, PublicMetricsNeedNoTokenButEverythingElseStillDoes) {
  auto api = Server({{"ops", "admin-token-0123456789", ApiRole::kAdmin}}, nullptr,
                    /*metrics_public=*/true);
  EXPECT_EQ(api.Handle(Get("/metrics")).status, 200);
  EXPECT_EQ(api.Handle(Get("/v1/runtimes")).status, 401);
}

TEST_F(ApiServerTest, TokensReplacedWhileServingTakeEffectAtTheNextCall) {
  auto api = Server({{"ops", "old-token-0123456789", ApiRole::kAdmin}});
  const auto with = [](std::string token) {
    ApiServer::Request request = Get("/v1/runtimes/lobby");
    request.headers["authorization"] = "Bearer " + token;
    return request;
  };
  EXPECT_EQ(api.Handle(with("old-token-0123456789")).status, 200);
  api_tokens_.Replace({{"ops", "old-token-0123456789", ApiRole::kAdmin},
                       {"ops", "new-token-0123456789", ApiRole::kAdmin}});
  EXPECT_EQ(api.Handle(with("old-token-0123456789")).status, 200) << "both during a rotation";
  EXPECT_EQ(api.Handle(with("new-token-0123456789")).status, 200);
  api_tokens_.Replace({{"ops", "new-token-0123456789", ApiRole::kAdmin}});
  EXPECT_EQ(api.Handle(with("old-token-0123456789")).status, 401);
  EXPECT_EQ(api.Handle(with("new-token-0123456789")).status, 200);
}

TEST_F(ApiServerTest, OversizeBodyUrlAndHeadersAreRefused) {
  auto api = Server();
  auto body = Post("/v1/runtimes/lobby/restart");
  body.body_bytes = 10 * 1024 * 1024;
  auto too_large = api.Handle(body);
  EXPECT_EQ(too_large.status, 413);
  EXPECT_EQ(Body(too_large)["error"]["code"], "payload_too_large");
  auto too_long = api.Handle(Get("/v1/runtimes/" + std::string(10000, 'a')));
  EXPECT_EQ(too_long.status, 414);
  EXPECT_EQ(Body(too_long)["error"]["code"], "uri_too_long");
  auto headers = Get("/healthz");
  headers.header_bytes = 1 << 20;
  auto too_many = api.Handle(headers);
  EXPECT_EQ(too_many.status, 431);
  EXPECT_EQ(Body(too_many)["error"]["code"], "headers_too_large");
  EXPECT_TRUE(restarts_.empty());
}

TEST_F(ApiServerTest, NonLoopbackListenWithoutTokenIsRefusedAtStart) {
  ApiServer api(ApiOptions{.listen = "0.0.0.0:18099"},
                ApiDependencies{desired_, statuses_, operation_log_, engine_, logger_,
                                tokens_, feed_, clock_, log_archive_, store_health_, [] { return true; },
                                nullptr,
                                nullptr, nullptr});
  auto started = api.Start();
  ASSERT_FALSE(started.has_value());
  EXPECT_THAT(started.error().message, HasSubstr("without --api-token-file"));
}

TEST_F(ApiServerTest, OperationsLimitIsValidated) {
  auto api = Server();
  EXPECT_CALL(operation_log_, ListByGame(std::string_view("lobby"), 5u))
      .WillOnce(Return(std::vector<OperationEntry>{}));
  EXPECT_EQ(api.Handle(Get("/v1/runtimes/lobby/operations", "limit=5")).status, 200);
  EXPECT_EQ(api.Handle(Get("/v1/runtimes/lobby/operations", "limit=0")).status, 400);
  EXPECT_EQ(api.Handle(Get("/v1/runtimes/lobby/operations", "limit=x")).status, 400);
  EXPECT_EQ(api.Handle(Get("/v1/runtimes/ghost/operations")).status, 404);
}

TEST_F(ApiServerTest, AnUnreadableDesiredStoreIsAnErrorNeverAMissingRuntime) {
  ON_CALL(desired_, Get).WillByDefault(
      Return(Fail(ErrorCode::kServiceUnavailable, "etcd: no leader")));
  auto api = Server();
  for (const char* path : {"/v1/runtimes/lobby", "/v1/runtimes/lobby/operations",
                           "/v1/runtimes/lobby/logs"}) {
    auto answer = api.Handle(Get(path, ""));
    EXPECT_EQ(answer.status, 503) << path;
    EXPECT_EQ(Body(answer)["error"]["message"], "etcd: no leader") << path;
  }
}

TEST_F(ApiServerTest, WatchFromARetainedRevisionStreamsAndTooOldIs410) {
  for (int i = 0; i < 6; ++i) {
    feed_.Push(RuntimeChange{.name = "lobby",
                             .desired = std::make_shared<DesiredRuntime>(DesiredRuntime{.name = "lobby"})});
  }
  feed_.LoseHistoryUpTo(2);  // keeps 3..6
  auto api = Server();
  auto fresh = api.Handle(Get("/v1/runtimes", "watch=true&since=4"));
  ASSERT_TRUE(fresh.watch.has_value());
  EXPECT_EQ(fresh.watch->since, 4u);
  auto old = api.Handle(Get("/v1/runtimes", "watch=true&since=1"));
  EXPECT_EQ(old.status, 410);
  EXPECT_EQ(Body(old)["error"]["code"], "expired");
  EXPECT_THAT(Body(old)["error"]["message"].get<std::string>(), HasSubstr("list again"));
  EXPECT_EQ(api.Handle(Get("/v1/runtimes", "watch=true&since=99")).status, 410);
  EXPECT_EQ(api.Handle(Get("/v1/runtimes", "watch=true&since=abc")).status, 400);
}

TEST_F(ApiServerTest, ListIsTheWholeDocumentDumpedAtOnce) {
  // The list is serialized object by object: the bytes must be those of the
  // whole {"items", "revision"} document, invalid UTF-8 replaced alike.
  std::vector<DesiredRuntime> runtimes{
      {.name = "a", .spec = GameSpec{.image = "img:1"}, .source = {"a.yaml", 0, 1},
       .generation = 1},
      {.name = "b", .labels = {{"team", "x"}}, .spec = GameSpec{.image = "img:\xff"},
       .source = {"b.yaml", 0, 2}, .generation = 3}};
  RuntimeStatusView running;
  running.phase = Phase::kRunning;
  ON_CALL(desired_, List).WillByDefault(Return(runtimes));
  ON_CALL(statuses_, Get).WillByDefault([&](std::string_view name) -> Expected<RuntimeStatusView> {
    if (name == "b") return running;
    return Fail(ErrorCode::kNotFound, "none");
  });
  feed_.Push(RuntimeChange{.name = "a", .desired = std::make_shared<DesiredRuntime>(runtimes[0])});
  auto response = Server().Handle(Get("/v1/runtimes"));
  ASSERT_EQ(response.status, 200);
  const nlohmann::json whole{
      {"items", {api::RenderGameRuntime(runtimes[0], std::nullopt),
                 api::RenderGameRuntime(runtimes[1], running)}},
      {"revision", 1}};
  EXPECT_EQ(response.body,
            whole.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

TEST_F(ApiServerTest, EmptyListIsAnEmptyArray) {
  ON_CALL(desired_, List).WillByDefault(Return(std::vector<DesiredRuntime>{}));
  auto response = Server().Handle(Get("/v1/runtimes"));
  ASSERT_EQ(response.status, 200);
  EXPECT_EQ(response.body, R"({"items":[],"revision":0})");
}

TEST_F(ApiServerTest, PlanAndMetricsAreServed) {
  auto api = Server();
  auto plan = Body(api.Handle(Get("/v1/plan")));
  EXPECT_EQ(plan["items"][0]["name"], "lobby");
  EXPECT_EQ(plan["items"][0]["actions"][0]["action"], "restart");
  auto metrics = api.Handle(Get("/metrics"));
  EXPECT_EQ(metrics.status, 200);
  EXPECT_THAT(metrics.content_type, HasSubstr("text/plain"));
  EXPECT_EQ(metrics.body, "rtmanager_workqueue_depth 0\n");
}

TEST_F(ApiServerTest, NodesListTheClusterWithHeartbeatsAndLeader) {
  NiceMock<MockClusterView> cluster;
  ON_CALL(cluster, Snapshot).WillByDefault(Return(TwoNodeCluster()));
  EXPECT_CALL(cluster, HeartbeatAges)
      .WillOnce(Return(std::map<std::string, Duration>{
          {"node-a", std::chrono::milliseconds(3200)}}));
  auto response = Server({}, &cluster).Handle(Get("/v1/nodes"));
  ASSERT_EQ(response.status, 200);
  auto body = Body(response);
  EXPECT_EQ(body["leader"], "node-a");
  ASSERT_EQ(body["items"].size(), 2u);
  EXPECT_EQ(body["items"][0]["name"], "node-a");
  EXPECT_EQ(body["items"][0]["games"], 1);
  EXPECT_EQ(body["items"][0]["maxRuntimes"], 4);
  EXPECT_EQ(body["items"][0]["lastHeartbeatSecondsAgo"], 3);
  EXPECT_EQ(body["items"][1]["state"], "Lost");
  EXPECT_FALSE(body["items"][1].contains("lastHeartbeatSecondsAgo"));
}

TEST_F(ApiServerTest, NodesWithoutHeartbeatAgesIsTheListWithoutHeartbeats) {
  NiceMock<MockClusterView> cluster;
  ON_CALL(cluster, Snapshot).WillByDefault(Return(TwoNodeCluster()));
  ON_CALL(cluster, HeartbeatAges)
      .WillByDefault(Return(Fail(ErrorCode::kServiceUnavailable, "etcd unreachable")));
  auto response = Server({}, &cluster).Handle(Get("/v1/nodes"));
  ASSERT_EQ(response.status, 200);
  auto body = Body(response);
  ASSERT_EQ(body["items"].size(), 2u);
  EXPECT_EQ(body["items"][0]["alive"], true);
  EXPECT_FALSE(body["items"][0].contains("lastHeartbeatSecondsAgo"));
  EXPECT_EQ(body["leader"], "node-a");
}

TEST_F(ApiServerTest, NodesOnOneHostIsNotFoundSayingItIsNotACluster) {
  auto api = Server();
  auto response = api.Handle(Get("/v1/nodes"));
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(Body(response)["error"]["code"], "not_found");
  EXPECT_THAT(Body(response)["error"]["message"].get<std::string>(),
              HasSubstr("not in cluster mode"));
  EXPECT_THAT(Body(response)["error"]["message"].get<std::string>(), HasSubstr("--node"));
  EXPECT_EQ(api.Handle({.method = "POST", .path = "/v1/nodes"}).status, 405);
}

// The Kubernetes surface shares the listener and the token; its refusals
// are Status objects (controller/api/kube/kube_api.h).
TEST_F(ApiServerTest, KubernetesPathsAnswerStatusesAndNeedTheTokenToChange) {
  auto api = Server({{"ops", "s3cret", ApiRole::kAdmin}});
  const ApiServer::Response unlisted = api.Handle(Get("/apis/rtmanager.galaxy/v1/gameruntimes"));
  EXPECT_EQ(unlisted.status, 401) << "reads need a token, as on /v1";
  EXPECT_EQ(Body(unlisted)["kind"], "Status");
  ApiServer::Request list = Get("/apis/rtmanager.galaxy/v1/gameruntimes");
  list.headers["authorization"] = "Bearer s3cret";
  const ApiServer::Response listed = api.Handle(list);
  EXPECT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(Body(listed)["kind"], "GameRuntimeList");

  ApiServer::Request patch{
      .method = "PATCH",
      .path = "/apis/rtmanager.galaxy/v1/gameruntimes/lobby",
      .headers = {{"content-type", "application/merge-patch+json"}},
      .body = R"({"metadata":{"annotations":{"rtmanager.galaxy/restartedAt":"x"}}})"};
  const ApiServer::Response refused = api.Handle(patch);
  EXPECT_EQ(refused.status, 401);
  EXPECT_EQ(Body(refused)["kind"], "Status");
  EXPECT_EQ(Body(refused)["reason"], "Unauthorized");
  EXPECT_TRUE(restarts_.empty());

  patch.headers["authorization"] = "Bearer s3cret";
  patch.headers["x-request-id"] = "kubectl-1";
  const ApiServer::Response accepted = api.Handle(patch);
  EXPECT_EQ(accepted.status, 200) << accepted.body;
  ASSERT_EQ(restarts_.size(), 1u);
  EXPECT_EQ(restarts_[0], std::make_pair(std::string("lobby"), std::string("kubectl-1")));

  ApiServer::Request large = Get("/apis/rtmanager.galaxy/v1/gameruntimes");
  large.body_bytes = 1 << 20;
  const ApiServer::Response too_large = api.Handle(large);
  EXPECT_EQ(too_large.status, 413);
  EXPECT_EQ(Body(too_large)["reason"], "RequestEntityTooLarge");
}

}  // namespace
}  // namespace rtm

namespace rtm {
namespace {

TEST_F(ApiServerTest, ReadyNeedsAStoreThatTakesWritesAndAnEngineThatAnswers) {
  auto api = Server();
  ON_CALL(engine_, Version).WillByDefault(Return(Expected<EngineVersion>(EngineVersion{})));
  auto ready = api.Handle(Get("/readyz"));
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(Body(ready)["status"], "ready");

  ON_CALL(store_health_, Writable)
      .WillByDefault(Return(Expected<void>(Fail(
          ErrorCode::kServiceUnavailable,
          "the store takes no writes: write in store at /d: IO error: No space left on device"))));
  auto full = api.Handle(Get("/readyz"));
  EXPECT_EQ(full.status, 503);
  EXPECT_EQ(Body(full)["error"]["message"],
            "store: the store takes no writes: write in store at /d: IO error: No space left "
            "on device");

  // etcd's refusal is kInternal as a call's error; readiness says 503.
  ON_CALL(store_health_, Writable)
      .WillByDefault(Return(Expected<void>(Fail(
          ErrorCode::kInternal, "the store takes no writes: etcd at e:2379 refused "
                                "/v3/kv/txn: etcdserver: mvcc: database space exceeded"))));
  ON_CALL(engine_, Version)
      .WillByDefault(Return(Expected<EngineVersion>(Fail(ErrorCode::kServiceUnavailable, "gone"))));
  clock_.Advance(std::chrono::seconds(2));  // the engine's last answer is old
  auto both = api.Handle(Get("/readyz"));
  EXPECT_EQ(both.status, 503);
  const std::string message = Body(both)["error"]["message"];
  EXPECT_THAT(message, HasSubstr("store: the store takes no writes: etcd at e:2379"));
  EXPECT_THAT(message, HasSubstr("; docker: gone"));
}

}  // namespace
}  // namespace rtm
