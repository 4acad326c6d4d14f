// The API request handler (controller/api/api_handler.h), both surfaces,
// over a real leveldb store that holds a few games. The input is one
// request as text:
//
//   METHOD\nPATH\nQUERY\nname: value\n...\n\nBODY
//
// (header lines until an empty one; the rest is the body). Properties: the
// handler answers every request (never throws, an HTTP status in 100..599,
// a JSON body unless it is text), it never changes the store (only an
// admin's restart may, and the fuzzer's restart hook does not write), and
// a request without a valid admin token never reaches the restart hook.
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "controller/api/api_access.h"
#include "controller/api/api_handler.h"
#include "controller/docker/docker_endpoint.h"
#include "controller/docker/docker_engine.h"
#include "controller/system/random_token_generator.h"
#include "controller/system/system_clock.h"
#include "store/leveldb/leveldb_store.h"
#include "store/logs/file_log_archive.h"
#include "test/fuzz/fuzz_targets.h"

namespace rtm::fuzz {
namespace {

constexpr std::string_view kAdminToken = "fuzz-admin-token-0123456789";
constexpr std::string_view kReadToken = "fuzz-read-token-0123456789";

class QuietLogger final : public Logger {
 public:
  void Log(LogLevel, std::string_view, const std::vector<LogField>&) override {}
};

ApiRequest ParseRequest(std::string_view bytes) {
  ApiRequest request;
  auto line = [&]() {
    const size_t end = bytes.find('\n');
    std::string text(bytes.substr(0, end));
    bytes.remove_prefix(end == std::string_view::npos ? bytes.size() : end + 1);
    return text;
  };
  request.method = line();
  request.path = line();
  request.query = line();
  for (std::string header = line(); !header.empty(); header = line()) {
    const size_t colon = header.find(':');
    std::string name = header.substr(0, colon);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string value =
        colon == std::string::npos ? "" : header.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.erase(0, 1);
    request.header_bytes += name.size() + value.size() + 4;
    request.headers[std::move(name)] = std::move(value);
    if (bytes.empty()) break;
  }
  request.header_bytes += request.path.size() + request.query.size();
  request.body = std::string(bytes);
  request.body_bytes = request.body.size();
  request.remote_address = "127.0.0.1";
  return request;
}

// One store, engine and handler for the whole run.
class Fixture {
 public:
  Fixture()
      : directory_(MakeDirectory()),
        engine_(*ParseDockerEndpoint("unix://" + directory_ + "/no-engine.sock"),
                DockerEngineOptions{.call_timeout = std::chrono::milliseconds(50)}),
        logs_(directory_ + "/previous-logs") {
    auto opened = LeveldbStore::Open(directory_ + "/store", {}, clock_);
    Require(opened.has_value(), "the fixture's leveldb store opens");
    store_ = std::move(*opened);
    Seed();
    tokens_.Replace({{"fuzz-admin", std::string(kAdminToken), ApiRole::kAdmin},
                     {"fuzz-reader", std::string(kReadToken), ApiRole::kRead}});
    const StorePorts ports = store_->ports();
    dependencies_ = std::make_unique<ApiDependencies>(ApiDependencies{
        .desired = ports.desired,
        .statuses = ports.statuses,
        .operation_log = ports.operation_log,
        .engine = engine_,
        .logger = logger_,
        .tokens = token_generator_,
        .changes = ports.changes,
        .clock = clock_,
        .logs = logs_,
        .store_health = ports.health,
        .started = [] { return true; },
        .request_restart = [this](std::string_view name,
                                  RestartRequest request) -> Expected<int64_t> {
          Require(request.requested_by.name == "fuzz-admin",
                  "only an admin token reaches the restart hook");
          auto desired = store_->ports().desired.Get(name);
          if (!desired) return std::unexpected(desired.error());
          return desired->generation + 1;
        },
        .plan = [] { return Expected<std::vector<PlanItem>>(std::vector<PlanItem>{}); },
        .metrics = [] { return Expected<std::string>("rtmanager_up 1\n"); },
        .api_tokens = &tokens_,
    });
    handler_ = std::make_unique<ApiHandler>(options_, *dependencies_, [] { return 0; });
    revision_ = Revision();
  }

  ~Fixture() {
    handler_.reset();
    store_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(directory_, ignored);
  }

  void Handle(ApiRequest request) {
    const ApiResponse response = handler_->Handle(std::move(request));
    Require(response.status >= 100 && response.status <= 599, "an HTTP status");
    if (response.content_type == "application/json" && !response.watch &&
        !response.log_stream) {
      Require(nlohmann::json::accept(response.body), "a JSON answer is JSON");
    }
    Require(Revision() == revision_, "no request changes the store");
  }

 private:
  static std::string MakeDirectory() {
    std::string pattern = (std::filesystem::temp_directory_path() / "rtm-fuzz-api-XXXXXX");
    Require(mkdtemp(pattern.data()) != nullptr, "a temporary directory");
    return pattern;
  }

  uint64_t Revision() {
    auto revision = store_->ports().changes.Revision();
    Require(revision.has_value(), "the change feed's revision reads");
    return *revision;
  }

  void Seed() {
    const StorePorts ports = store_->ports();
    for (std::string name : {"alpha", "beta", "gone"}) {
      DesiredRuntime runtime;
      runtime.name = name;
      runtime.labels = {{"fleet", "fuzz"}};
      runtime.spec.image = "rtmanager/demo-game:1";
      runtime.spec.env = {{"MAP", "nebula"}, {"RCON_PASSWORD", "hunter2"}};
      runtime.deleted = name == "gone";
      Require(ports.desired.Put(runtime).has_value(), "seed a desired object");
      RuntimeStatusView status;
      status.phase = Phase::kRunning;
      status.container_id = "c0ffee" + name;
      Require(ports.statuses.Put(name, status).has_value(), "seed a status");
      OperationEntry entry;
      entry.game_id = name;
      entry.op_kind = OpKind::kRestart;
      entry.source_ref = "req-" + name;
      Require(ports.operation_log.Append(entry).has_value(), "seed an operation");
    }
  }

  std::string directory_;
  SystemClock clock_;
  QuietLogger logger_;
  RandomTokenGenerator token_generator_;
  DockerEngine engine_;
  FileLogArchive logs_;
  std::unique_ptr<LeveldbStore> store_;
  ApiTokens tokens_;
  ApiOptions options_;
  std::unique_ptr<ApiDependencies> dependencies_;
  std::unique_ptr<ApiHandler> handler_;
  uint64_t revision_ = 0;
};

}  // namespace

void ApiRequestInput(std::string_view bytes) {
  static Fixture fixture;
  fixture.Handle(ParseRequest(bytes));
}

}  // namespace rtm::fuzz

RTM_FUZZ_TARGET(rtm::fuzz::ApiRequestInput)
