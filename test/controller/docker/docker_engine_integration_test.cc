// DockerEngine against the real engine: every port method, checked through
// the engine's own view of the containers.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "controller/docker/docker_wire.h"
#include "test/controller/docker/docker_test_support.h"

namespace rtm::testing {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::UnorderedElementsAreArray;
using Json = nlohmann::json;
using namespace std::chrono_literals;

class DockerEngineIT : public DockerIntegrationTest {
 protected:
  // Polls until `done` holds for the container or `limit` passes.
  template <typename Done>
  ContainerState WaitForState(const std::string& id, Done done,
                              std::chrono::seconds limit = 30s) {
    const auto give_up = std::chrono::steady_clock::now() + limit;
    ContainerState state;
    while (std::chrono::steady_clock::now() < give_up) {
      auto inspected = engine_.InspectContainer(id);
      if (!inspected) {
        ADD_FAILURE() << inspected.error().message;
        return state;
      }
      state = *inspected;
      if (done(state)) break;
      std::this_thread::sleep_for(200ms);
    }
    return state;
  }

  // The id of a container of `spec`, created and started.
  std::string StartedContainer(const ContainerSpec& spec) {
    auto id = CreateTracked(spec);
    EXPECT_TRUE(id) << id.error().message;
    if (!id) return "";
    auto started = engine_.StartContainer(*id);
    EXPECT_TRUE(started) << started.error().message;
    return *id;
  }
};

TEST_F(DockerEngineIT, VersionAnswers) {
  auto version = engine_.Version();
  ASSERT_TRUE(version) << version.error().message;
  EXPECT_FALSE(version->version.empty());
  EXPECT_FALSE(version->api_version.empty());
}

TEST_F(DockerEngineIT, EnsureNetworkCreatesOnceAndIsIdempotent) {
  const std::string name = "rtmanager-itest-" + RandomSuffix();
  TrackNetwork(name);
  ASSERT_TRUE(engine_.EnsureNetwork(name));
  const Json first = RawGet("/networks/" + name);
  ASSERT_TRUE(first.is_object());
  EXPECT_EQ(first["Name"], name);
  EXPECT_EQ(first["Driver"], "bridge");
  EXPECT_EQ(first["Labels"]["io.rtmanager.managed"], "true");

  auto again = engine_.EnsureNetwork(name);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(RawGet("/networks/" + name)["Id"], first["Id"]);

  ASSERT_TRUE(engine_.EnsureNetwork(kTestNetwork));
  ASSERT_TRUE(engine_.EnsureNetwork(kTestNetwork));
}

TEST_F(DockerEngineIT, EnsureNetworkFromRacingThreadsLeavesOneNetwork) {
  const std::string name = "rtmanager-itest-" + RandomSuffix();
  TrackNetwork(name);
  std::vector<std::thread> racers;
  std::vector<Expected<void>> results(4);
  for (size_t i = 0; i < results.size(); ++i) {
    racers.emplace_back([&, i] { results[i] = engine_.EnsureNetwork(name); });
  }
  for (std::thread& racer : racers) racer.join();

  for (const Expected<void>& result : results) {
    EXPECT_TRUE(result) << result.error().message;
  }
  const Json named = RawGet("/networks?filters=" + EncodedNameFilter(name));
  ASSERT_TRUE(named.is_array());
  EXPECT_EQ(named.size(), 1u) << named.dump();
  EXPECT_EQ(RawGet("/networks/" + name)["Name"], name);  // not ambiguous
}

TEST_F(DockerEngineIT, CreateAppliesTheFullSpec) {
  GameSpec game = HttpGameSpec();
  game.stop_timeout_seconds = 7;
  game.health_check = HealthCheck{
      {"/bin/wget", "-q", "-O-", "http://127.0.0.1:8080/"}, 2, 1, 3};
  game.resources.memory_mib = 64;
  game.resources.cpus = 0.5;
  const ContainerSpec spec = NewContainerSpec(game);
  auto id = CreateTracked(spec);
  ASSERT_TRUE(id) << id.error().message;

  const Json inspect = RawInspect(*id);
  ASSERT_TRUE(inspect.is_object());
  const Json& config = inspect["Config"];
  EXPECT_EQ(inspect["Name"], "/" + spec.name);
  EXPECT_EQ(config["Hostname"], spec.hostname);
  EXPECT_EQ(config["Image"], kDemoImage);
  EXPECT_EQ(config["Cmd"], Json(spec.command));
  EXPECT_THAT(config["Env"].get<std::vector<std::string>>(),
              Contains("MAP=nebula"));
  for (const auto& [key, value] : spec.labels) {
    EXPECT_EQ(config["Labels"][key], value) << key;
  }
  EXPECT_EQ(config["StopTimeout"], 7);
  EXPECT_EQ(config["Healthcheck"]["Test"],
            Json({"CMD", "/bin/wget", "-q", "-O-", "http://127.0.0.1:8080/"}));
  EXPECT_EQ(config["Healthcheck"]["Interval"], 2'000'000'000LL);
  EXPECT_EQ(config["Healthcheck"]["Timeout"], 1'000'000'000LL);
  EXPECT_EQ(config["Healthcheck"]["Retries"], 3);
  EXPECT_TRUE(config["ExposedPorts"].contains("8080/tcp"));

  const Json& host = inspect["HostConfig"];
  EXPECT_EQ(host["Init"], true);
  EXPECT_EQ(host["RestartPolicy"]["Name"], "no");
  EXPECT_EQ(host["NetworkMode"], kTestNetwork);
  EXPECT_EQ(host["PortBindings"]["8080/tcp"],
            Json::parse(R"([{"HostIp":"127.0.0.1","HostPort":""}])"));
  EXPECT_EQ(host["Memory"], 64 * 1024 * 1024);
  EXPECT_EQ(host["NanoCpus"], 500'000'000);

  const Json& endpoint =
      inspect["NetworkSettings"]["Networks"][std::string(kTestNetwork)];
  ASSERT_TRUE(endpoint.is_object());
  EXPECT_THAT(endpoint["Aliases"].get<std::vector<std::string>>(),
              Contains(spec.hostname));

  auto state = engine_.InspectContainer(*id);
  ASSERT_TRUE(state) << state.error().message;
  EXPECT_EQ(state->id, *id);
  EXPECT_EQ(state->name, spec.name);
  EXPECT_EQ(state->image, kDemoImage);
  EXPECT_EQ(state->labels, spec.labels);
  EXPECT_EQ(state->status, "created");
  EXPECT_FALSE(state->running);
  EXPECT_FALSE(state->started_at);
}

TEST_F(DockerEngineIT, StartStopRemoveLifecycle) {
  const ContainerSpec spec = NewContainerSpec();
  auto id = CreateTracked(spec);
  ASSERT_TRUE(id) << id.error().message;

  auto started = engine_.StartContainer(*id);
  ASSERT_TRUE(started) << started.error().message;
  auto running = engine_.InspectContainer(spec.name);
  ASSERT_TRUE(running) << running.error().message;
  EXPECT_EQ(running->id, *id);
  EXPECT_EQ(running->status, "running");
  EXPECT_TRUE(running->running);
  EXPECT_TRUE(running->started_at);
  EXPECT_EQ(running->health, ContainerHealth::kNone);

  const Json published =
      RawInspect(*id)["NetworkSettings"]["Ports"]["8080/tcp"];
  ASSERT_TRUE(published.is_array() && !published.empty()) << published;
  EXPECT_EQ(published[0]["HostIp"], "127.0.0.1");
  const std::string host_port = published[0]["HostPort"];
  EXPECT_NE(host_port, "");
  EXPECT_NE(host_port, "0");

  auto started_again = engine_.StartContainer(*id);
  EXPECT_TRUE(started_again) << started_again.error().message;

  auto stopped = engine_.StopContainer(*id, spec.stop_timeout_seconds);
  ASSERT_TRUE(stopped) << stopped.error().message;
  auto exited = engine_.InspectContainer(*id);
  ASSERT_TRUE(exited) << exited.error().message;
  EXPECT_EQ(exited->status, "exited");
  EXPECT_FALSE(exited->running);
  EXPECT_TRUE(exited->finished_at);

  auto stopped_again = engine_.StopContainer(*id, spec.stop_timeout_seconds);
  EXPECT_TRUE(stopped_again) << stopped_again.error().message;

  auto removed = engine_.RemoveContainer(*id, /*force=*/false);
  ASSERT_TRUE(removed) << removed.error().message;
  auto gone = engine_.InspectContainer(*id);
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code, ErrorCode::kNotFound);

  EXPECT_TRUE(engine_.RemoveContainer(*id, /*force=*/true));
}

// A named volume mounted by a container is created by the engine with our
// labels; RemoveVolume refuses it while in use, removes it after, and
// succeeds again once it is gone.
TEST_F(DockerEngineIT, NamedVolumesAreCreatedWithTheirLabelsAndRemovedWhenUnused) {
  ContainerSpec spec = NewContainerSpec();
  const std::string volume = spec.name + "-world";
  spec.mounts = {{.source = volume,
                  .target = "/data",
                  .volume_labels = {{"io.rtmanager.volume-of", spec.name}}}};
  auto id = CreateTracked(spec);
  ASSERT_TRUE(id) << id.error().message;
  const Json created = RawGet("/volumes/" + volume);
  ASSERT_TRUE(created.is_object()) << "not created";
  EXPECT_EQ(created["Labels"]["io.rtmanager.volume-of"], spec.name);
  const Json mounts = RawInspect(*id)["Mounts"];
  ASSERT_EQ(mounts.size(), 1u) << mounts;
  EXPECT_EQ(mounts[0]["Name"], volume);
  EXPECT_EQ(mounts[0]["Destination"], "/data");

  auto in_use = engine_.RemoveVolume(volume);
  ASSERT_FALSE(in_use);
  EXPECT_EQ(in_use.error().code, ErrorCode::kConflict);

  ASSERT_TRUE(engine_.RemoveContainer(*id, /*force=*/true));
  auto removed = engine_.RemoveVolume(volume);
  EXPECT_TRUE(removed) << removed.error().message;
  EXPECT_TRUE(RawGet("/volumes/" + volume).is_null()) << "still there";
  EXPECT_TRUE(engine_.RemoveVolume(volume)) << "removing a missing volume succeeds";
}

TEST_F(DockerEngineIT, ExecReturnsTheExitCodeAndOutputOfBothStreams) {
  const std::string id = StartedContainer(NewContainerSpec());
  auto result = engine_.Exec(
      id, {"/bin/sh", "-c", "echo saving; echo slow disk >&2; echo saved; exit 3"}, 10s);
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->exit_code, 3);
  // The engine copies the two streams apart: their order is kept, not
  // their interleaving.
  const std::string& output = result->output_tail;
  ASSERT_NE(output.find("saving\n"), std::string::npos) << output;
  ASSERT_NE(output.find("saved\n"), std::string::npos) << output;
  EXPECT_LT(output.find("saving\n"), output.find("saved\n")) << output;
  EXPECT_THAT(output, HasSubstr("slow disk\n"));
  EXPECT_EQ(result->output_tail.size(), std::string("saving\nslow disk\nsaved\n").size());
}

TEST_F(DockerEngineIT, ExecKeepsTheTailOfALongOutput) {
  const std::string id = StartedContainer(NewContainerSpec());
  auto result = engine_.Exec(
      id, {"/bin/sh", "-c", "i=0; while [ $i -lt 3000 ]; do echo line-$i; i=$((i+1)); done"},
      20s);
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->exit_code, 0);
  EXPECT_EQ(result->output_tail.size(), kExecOutputTailBytes);
  EXPECT_TRUE(result->output_tail.ends_with("line-2998\nline-2999\n"));
}

TEST_F(DockerEngineIT, ExecStillRunningAtTheTimeoutHasNoExitCode) {
  const std::string id = StartedContainer(NewContainerSpec());
  auto result = engine_.Exec(id, {"/bin/sh", "-c", "echo started; sleep 30"}, 500ms);
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->exit_code, std::nullopt);
  EXPECT_EQ(result->output_tail, "started\n");
}

TEST_F(DockerEngineIT, ExecOfAnUnknownProgramEndsWithTheRuntimesExitCode) {
  const std::string id = StartedContainer(NewContainerSpec());
  auto result = engine_.Exec(id, {"/no/such/program"}, 10s);
  ASSERT_TRUE(result) << result.error().message;
  ASSERT_TRUE(result->exit_code.has_value());
  EXPECT_THAT(*result->exit_code, ::testing::AnyOf(126, 127));
}

TEST_F(DockerEngineIT, ExecInAStoppedContainerIsConflictAndInAMissingOneNotFound) {
  auto id = CreateTracked(NewContainerSpec());
  ASSERT_TRUE(id) << id.error().message;
  auto stopped = engine_.Exec(*id, {"/bin/true"}, 5s);
  ASSERT_FALSE(stopped);
  EXPECT_EQ(stopped.error().code, ErrorCode::kConflict);

  auto missing = engine_.Exec("rtm-no-such-container-" + run_id_, {"/bin/true"}, 5s);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

TEST_F(DockerEngineIT, ContainerLogsAreTheEndOfItsOutputAlsoOnceStopped) {
  ContainerSpec spec = NewContainerSpec();
  spec.command = {"/bin/sh", "-c", "echo first; echo to-stderr >&2; echo last; sleep 30"};
  const std::string id = StartedContainer(spec);
  WaitForState(id, [&](const ContainerState&) {
    auto logs = engine_.ContainerLogs(id, 1024);
    return logs && logs->find("last\n") != std::string::npos;
  });
  ASSERT_TRUE(engine_.StopContainer(id, 0));
  auto logs = engine_.ContainerLogs(id, 1024);
  ASSERT_TRUE(logs) << logs.error().message;
  // Both streams, each in its own order; how the engine interleaves the
  // two streams is its own business.
  EXPECT_THAT(*logs, HasSubstr("first\n"));
  EXPECT_THAT(*logs, HasSubstr("last\n"));
  EXPECT_THAT(*logs, HasSubstr("to-stderr\n"));
  EXPECT_LT(logs->find("first\n"), logs->find("last\n")) << *logs;
  auto tail = engine_.ContainerLogs(id, 5);
  ASSERT_TRUE(tail) << tail.error().message;
  EXPECT_EQ(tail->size(), 5u);
  EXPECT_TRUE(logs->ends_with(*tail)) << *tail;

  auto missing = engine_.ContainerLogs("rtm-no-such-container-" + run_id_, 1024);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

TEST_F(DockerEngineIT, FollowedLogsGiveTheTailThenNewOutputAndEndWhenItStops) {
  ContainerSpec spec = NewContainerSpec();
  spec.command = {"/bin/sh", "-c",
                  "echo old-1; echo old-2; echo old-3; "
                  "while [ ! -e /tmp/go ]; do sleep 0.1; done; "
                  "echo new-out; echo new-err >&2; exec sleep 30"};
  const std::string id = StartedContainer(spec);
  WaitForState(id, [&](const ContainerState&) {
    auto logs = engine_.ContainerLogs(id, 1024);
    return logs && logs->find("old-3\n") != std::string::npos;
  });
  auto stream = engine_.FollowLogs(id, 2);
  ASSERT_TRUE(stream) << stream.error().message;
  std::string seen;
  bool ended = false;
  // Reads until `done` holds of what was seen, the stream ends, or 20 s.
  auto read_until = [&](auto done) {
    const auto give_up = std::chrono::steady_clock::now() + 20s;
    while (!done() && !ended && std::chrono::steady_clock::now() < give_up) {
      auto chunk = (*stream)->Next(200ms);
      ASSERT_TRUE(chunk) << chunk.error().message;
      seen += chunk->bytes;
      ended = chunk->ended;
    }
  };
  read_until([&] { return seen.find("old-3\n") != std::string::npos; });
  EXPECT_EQ(seen, "old-2\nold-3\n");  // the last 2 lines, nothing older
  EXPECT_FALSE(ended);

  auto go = engine_.Exec(id, {"/bin/touch", "/tmp/go"}, 5s);
  ASSERT_TRUE(go && go->exit_code == 0);
  read_until([&] {
    return seen.find("new-out\n") != std::string::npos &&
           seen.find("new-err\n") != std::string::npos;
  });
  EXPECT_THAT(seen, HasSubstr("new-out\n"));
  EXPECT_THAT(seen, HasSubstr("new-err\n"));
  EXPECT_FALSE(ended);

  ASSERT_TRUE(engine_.StopContainer(id, 0));
  read_until([] { return false; });
  EXPECT_TRUE(ended);
  auto after = (*stream)->Next(10ms);
  ASSERT_TRUE(after);
  EXPECT_TRUE(after->ended);
  EXPECT_EQ(after->bytes, "");

  // A stopped container's stream gives its last lines and ends.
  auto stopped = engine_.FollowLogs(id, 1);
  ASSERT_TRUE(stopped) << stopped.error().message;
  std::string rest;
  for (int reads = 0; reads < 100; ++reads) {
    auto chunk = (*stopped)->Next(200ms);
    ASSERT_TRUE(chunk) << chunk.error().message;
    rest += chunk->bytes;
    if (chunk->ended) break;
  }
  EXPECT_EQ(rest.size(), 8u) << rest;  // "new-out\n" or "new-err\n"
  auto again = (*stopped)->Next(10ms);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_TRUE(again->ended);

  auto missing = engine_.FollowLogs("rtm-no-such-container-" + run_id_, 10);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

TEST_F(DockerEngineIT, TheStopSignalIsSetOnTheContainer) {
  ContainerSpec spec = NewContainerSpec();
  spec.stop_signal = "SIGINT";
  auto id = CreateTracked(spec);
  ASSERT_TRUE(id) << id.error().message;
  EXPECT_EQ(RawInspect(*id)["Config"]["StopSignal"], "SIGINT");
}

TEST_F(DockerEngineIT, InspectReportsAnOomKill) {
  ContainerSpec spec = NewContainerSpec();
  spec.command = {"/bin/sh", "-c", "x=a; while true; do x=$x$x; done"};
  spec.memory_bytes = 8 * 1024 * 1024;
  const std::string id = StartedContainer(spec);
  // Docker records the OOM kill from containerd's OOM event, which may come
  // after the exit: an inspect can show the container exited (137) and not
  // yet OOMKilled. The controller re-reads on Docker's "oom" event
  // (controller/app/engine_events_informer.cc).
  const ContainerState state = WaitForState(
      id, [](const ContainerState& s) { return !s.running && s.oom_killed; });
  EXPECT_FALSE(state.running);
  EXPECT_TRUE(state.oom_killed) << "exit code " << state.exit_code;
}

TEST_F(DockerEngineIT, RemovingARunningContainerNeedsForce) {
  auto id = CreateTracked(NewContainerSpec());
  ASSERT_TRUE(id) << id.error().message;
  ASSERT_TRUE(engine_.StartContainer(*id));

  auto refused = engine_.RemoveContainer(*id, /*force=*/false);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kConflict);

  auto forced = engine_.RemoveContainer(*id, /*force=*/true);
  ASSERT_TRUE(forced) << forced.error().message;
  auto gone = engine_.InspectContainer(*id);
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code, ErrorCode::kNotFound);
}

TEST_F(DockerEngineIT, HealthcheckRunsInsideTheContainer) {
  GameSpec game = HttpGameSpec();
  game.health_check = HealthCheck{
      {"/bin/wget", "-q", "-O-", "http://127.0.0.1:8080/"}, 1, 1, 3};
  auto id = CreateTracked(NewContainerSpec(game));
  ASSERT_TRUE(id) << id.error().message;
  ASSERT_TRUE(engine_.StartContainer(*id));

  const ContainerState state = WaitForState(*id, [](const ContainerState& s) {
    return s.health != ContainerHealth::kStarting;
  });
  EXPECT_EQ(state.health, ContainerHealth::kHealthy);
}

TEST_F(DockerEngineIT, MissingContainersAreNotFoundAndRemovingOneSucceeds) {
  const std::string missing = "itest-missing-" + RandomSuffix();
  for (auto result :
       {engine_.StartContainer(missing), engine_.StopContainer(missing, 1)}) {
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, ErrorCode::kNotFound)
        << result.error().message;
  }
  auto inspect = engine_.InspectContainer(missing);
  ASSERT_FALSE(inspect);
  EXPECT_EQ(inspect.error().code, ErrorCode::kNotFound);
  EXPECT_THAT(inspect.error().message, HasSubstr(missing));

  auto removed = engine_.RemoveContainer(missing, /*force=*/true);
  EXPECT_TRUE(removed) << removed.error().message;
}

TEST_F(DockerEngineIT, MissingImageIsImageNotFound) {
  EXPECT_TRUE(engine_.InspectImage(kDemoImage));

  const std::string missing_image = "rtmanager/no-such-image:" + RandomSuffix();
  auto inspect = engine_.InspectImage(missing_image);
  ASSERT_FALSE(inspect);
  EXPECT_EQ(inspect.error().code, ErrorCode::kImageNotFound);

  GameSpec game = HttpGameSpec();
  game.image = missing_image;
  const ContainerSpec spec = NewContainerSpec(game);
  auto id = CreateTracked(spec);
  ASSERT_FALSE(id);
  EXPECT_EQ(id.error().code, ErrorCode::kImageNotFound);
  EXPECT_THAT(id.error().message, HasSubstr(missing_image));
  EXPECT_FALSE(engine_.InspectContainer(spec.name));
}

TEST_F(DockerEngineIT, BadCommandWithoutInitIsStartFailed) {
  ContainerSpec spec = NewContainerSpec();
  spec.command = {"/nonexistent"};
  spec.init = false;
  auto id = CreateTracked(spec);
  ASSERT_TRUE(id) << id.error().message;

  auto started = engine_.StartContainer(*id);
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().code, ErrorCode::kStartFailed);
  EXPECT_THAT(started.error().message, HasSubstr("/nonexistent"));
}

// Under Init the engine starts docker-init, which then fails to exec the
// command: the start succeeds and the container exits with 127 at once.
TEST_F(DockerEngineIT, BadCommandUnderInitExitsWith127) {
  ContainerSpec spec = NewContainerSpec();
  spec.command = {"/nonexistent"};
  ASSERT_TRUE(spec.init);
  auto id = CreateTracked(spec);
  ASSERT_TRUE(id) << id.error().message;

  auto started = engine_.StartContainer(*id);
  ASSERT_TRUE(started) << started.error().message;
  const ContainerState state = WaitForState(
      *id, [](const ContainerState& s) { return s.status == "exited"; });
  EXPECT_EQ(state.status, "exited");
  EXPECT_FALSE(state.running);
  EXPECT_EQ(state.exit_code, 127);
}

TEST_F(DockerEngineIT, NameTakenByAForeignContainerIsConflict) {
  const ContainerSpec spec = NewContainerSpec();
  const std::string foreign_id = CreateForeign(spec.name);
  ASSERT_FALSE(foreign_id.empty());

  auto id = CreateTracked(spec);
  ASSERT_FALSE(id);
  EXPECT_EQ(id.error().code, ErrorCode::kConflict);
  EXPECT_THAT(id.error().message, HasSubstr(spec.name));

  auto foreign = engine_.InspectContainer(spec.name);
  ASSERT_TRUE(foreign) << foreign.error().message;
  EXPECT_EQ(foreign->id, foreign_id);
  EXPECT_EQ(foreign->status, "created");
  EXPECT_FALSE(foreign->labels.contains(std::string(kLabelManaged)));
}

TEST_F(DockerEngineIT, ListContainersByLabelReturnsOursOnly) {
  const ContainerSpec first = NewContainerSpec();
  const ContainerSpec second = NewContainerSpec();
  auto first_id = CreateTracked(first);
  auto second_id = CreateTracked(second);
  ASSERT_TRUE(first_id && second_id);
  ASSERT_TRUE(engine_.StartContainer(*first_id));
  ASSERT_FALSE(CreateForeign("itest-foreign-" + RandomSuffix()).empty());

  auto ours = engine_.ListContainers(RunLabels());
  ASSERT_TRUE(ours) << ours.error().message;
  std::vector<std::string> ids;
  for (const auto& state : *ours) {
    ids.push_back(state.id);
    EXPECT_EQ(state.labels.at(std::string(kTestRunLabel)), run_id_);
  }
  EXPECT_THAT(ids, UnorderedElementsAreArray({*first_id, *second_id}));

  auto one_game =
      engine_.ListContainers({{std::string(kLabelManaged), "true"},
                              {std::string(kLabelGame), first.hostname}});
  ASSERT_TRUE(one_game) << one_game.error().message;
  ASSERT_EQ(one_game->size(), 1u);
  EXPECT_EQ(one_game->front().id, *first_id);
  EXPECT_TRUE(one_game->front().running);
  EXPECT_EQ(one_game->front().name, first.name);
  EXPECT_EQ(one_game->front().image, kDemoImage);

  // The summary of an exited container agrees with its inspect.
  ASSERT_TRUE(engine_.StopContainer(*first_id, first.stop_timeout_seconds));
  auto inspected = engine_.InspectContainer(*first_id);
  auto listed = engine_.ListContainers({{std::string(kLabelManaged), "true"},
                                        {std::string(kLabelGame), first.hostname}});
  ASSERT_TRUE(inspected && listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().status, "exited");
  EXPECT_FALSE(listed->front().running);
  EXPECT_EQ(listed->front().exit_code, inspected->exit_code);
  EXPECT_EQ(listed->front().labels, inspected->labels);

  auto nobody = engine_.ListContainers({{std::string(kTestRunLabel), "none"}});
  ASSERT_TRUE(nobody) << nobody.error().message;
  EXPECT_TRUE(nobody->empty());
}

TEST_F(DockerEngineIT, ConcurrentCallsFromSeveralThreads) {
  auto id = CreateTracked(NewContainerSpec());
  ASSERT_TRUE(id) << id.error().message;
  constexpr int kThreads = 6;
  constexpr int kCallsPerThread = 20;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int call = 0; call < kCallsPerThread; ++call) {
        auto state = engine_.InspectContainer(*id);
        auto version = engine_.Version();
        auto missing = engine_.InspectContainer("itest-missing-concurrent");
        if (!state || state->id != *id || !version || missing ||
            missing.error().code != ErrorCode::kNotFound) {
          ++failures;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures, 0);
}

}  // namespace
}  // namespace rtm::testing
