#include "controller/docker/docker_wire.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace rtm {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Json = nlohmann::json;

ContainerSpec FullSpec() {
  ContainerSpec spec;
  spec.name = "rtm-lobby";
  spec.hostname = "lobby";
  spec.image = "rtmanager/demo-game:1";
  spec.command = {"/bin/httpd", "-f", "-p", "8080"};
  spec.env = {"MAP=nebula"};
  spec.labels = {{"io.rtmanager.managed", "true"}};
  spec.network = "rtmanager";
  spec.network_aliases = {"lobby"};
  spec.init = true;
  spec.stop_timeout_seconds = 7;
  spec.ports = {PortMapping{8080, 0, "tcp", "127.0.0.1"},
                PortMapping{8080, 18080, "tcp", "127.0.0.1"},
                PortMapping{9000, 19000, "udp", "0.0.0.0"}};
  spec.health_check =
      HealthCheck{{"/bin/wget", "-q", "http://127.0.0.1:8080/"}, 2, 1, 3};
  spec.memory_bytes = 256 * 1024 * 1024;
  spec.nano_cpus = 500'000'000;
  return spec;
}

TEST(DockerWireTest, PercentEncodesEverythingButUnreserved) {
  EXPECT_EQ(PercentEncode("rtmanager/demo-game:1"),
            "rtmanager%2Fdemo-game%3A1");
  EXPECT_EQ(PercentEncode("a.b_c~d-e"), "a.b_c~d-e");
  EXPECT_EQ(PercentEncode("k=v&x y"), "k%3Dv%26x%20y");
}

TEST(DockerWireTest, FiltersListLabelsAndType) {
  EXPECT_EQ(EncodedFilters({{"a", "1"}, {"b", "2"}}, "container"),
            PercentEncode(R"({"label":["a=1","b=2"],"type":["container"]})"));
  EXPECT_EQ(EncodedFilters({}), PercentEncode("{}"));
}

TEST(DockerWireTest, CreateBodyCarriesTheWholeMapping) {
  const Json body = Json::parse(CreateContainerBody(FullSpec()));
  EXPECT_EQ(body["Hostname"], "lobby");
  EXPECT_EQ(body["Image"], "rtmanager/demo-game:1");
  EXPECT_EQ(body["Cmd"], Json({"/bin/httpd", "-f", "-p", "8080"}));
  EXPECT_EQ(body["Env"], Json({"MAP=nebula"}));
  EXPECT_EQ(body["Labels"], Json({{"io.rtmanager.managed", "true"}}));
  EXPECT_EQ(body["StopTimeout"], 7);
  EXPECT_EQ(body["Healthcheck"]["Test"],
            Json({"CMD", "/bin/wget", "-q", "http://127.0.0.1:8080/"}));
  EXPECT_EQ(body["Healthcheck"]["Interval"], 2'000'000'000LL);
  EXPECT_EQ(body["Healthcheck"]["Timeout"], 1'000'000'000LL);
  EXPECT_EQ(body["Healthcheck"]["Retries"], 3);
  EXPECT_EQ(body["ExposedPorts"],
            Json({{"8080/tcp", Json::object()}, {"9000/udp", Json::object()}}));

  const Json& host = body["HostConfig"];
  EXPECT_EQ(host["Init"], true);
  EXPECT_EQ(host["RestartPolicy"]["Name"], "no");
  EXPECT_EQ(host["NetworkMode"], "rtmanager");
  EXPECT_EQ(host["PortBindings"]["8080/tcp"],
            Json::parse(R"([{"HostIp":"127.0.0.1","HostPort":""},
                            {"HostIp":"127.0.0.1","HostPort":"18080"}])"));
  EXPECT_EQ(host["PortBindings"]["9000/udp"],
            Json::parse(R"([{"HostIp":"0.0.0.0","HostPort":"19000"}])"));
  EXPECT_EQ(host["Memory"], 256 * 1024 * 1024);
  EXPECT_EQ(host["NanoCpus"], 500'000'000);

  EXPECT_EQ(body["NetworkingConfig"]["EndpointsConfig"]["rtmanager"]["Aliases"],
            Json({"lobby"}));
}

TEST(DockerWireTest, CreateBodyMountsNamedVolumesWithTheirLabelsAndBindMounts) {
  ContainerSpec spec = FullSpec();
  spec.mounts = {{.source = "rtm-lobby-world", .target = "/data",
                  .volume_labels = {{"io.rtmanager.managed", "true"}}},
                 {.bind = true, .source = "/srv/maps", .target = "/maps", .read_only = true}};
  const Json body = Json::parse(CreateContainerBody(spec));
  EXPECT_EQ(body["HostConfig"]["Mounts"], Json::parse(R"([
      {"Type": "volume", "Source": "rtm-lobby-world", "Target": "/data", "ReadOnly": false,
       "VolumeOptions": {"Labels": {"io.rtmanager.managed": "true"}}},
      {"Type": "bind", "Source": "/srv/maps", "Target": "/maps", "ReadOnly": true}])"));
}

TEST(DockerWireTest, CreateBodyLeavesOutWhatTheSpecDoesNotSet) {
  ContainerSpec spec;
  spec.name = "rtm-bare";
  spec.image = "busybox:1";
  const Json body = Json::parse(CreateContainerBody(spec));
  EXPECT_FALSE(body.contains("Cmd"));
  EXPECT_FALSE(body.contains("Healthcheck"));
  EXPECT_FALSE(body.contains("ExposedPorts"));
  EXPECT_FALSE(body.contains("NetworkingConfig"));
  EXPECT_FALSE(body["HostConfig"].contains("NetworkMode"));
  EXPECT_FALSE(body["HostConfig"].contains("Memory"));
  EXPECT_FALSE(body["HostConfig"].contains("NanoCpus"));
  EXPECT_FALSE(body["HostConfig"].contains("Mounts"));
  EXPECT_FALSE(body.contains("StopSignal"));
  EXPECT_EQ(body["HostConfig"]["RestartPolicy"]["Name"], "no");
}

TEST(DockerWireTest, CreateBodyCarriesTheStopSignal) {
  ContainerSpec spec;
  spec.image = "busybox:1";
  spec.stop_signal = "SIGINT";
  EXPECT_EQ(Json::parse(CreateContainerBody(spec))["StopSignal"], "SIGINT");
}

TEST(DockerWireTest, InspectReadsOomKilled) {
  auto killed = ParseContainerInspect(R"({"Id": "a", "State": {
      "Status": "exited", "Running": false, "ExitCode": 137, "OOMKilled": true}})");
  ASSERT_TRUE(killed) << killed.error().message;
  EXPECT_TRUE(killed->oom_killed);
  auto plain = ParseContainerInspect(R"({"Id": "a", "State": {"Status": "exited"}})");
  ASSERT_TRUE(plain) << plain.error().message;
  EXPECT_FALSE(plain->oom_killed);
}

TEST(DockerWireTest, ExecBodiesAttachOutputWithoutATty) {
  const Json create = Json::parse(ExecCreateBody({"sh", "-c", "echo hi"}));
  EXPECT_EQ(create["Cmd"], (Json{"sh", "-c", "echo hi"}));
  EXPECT_EQ(create["AttachStdout"], true);
  EXPECT_EQ(create["AttachStderr"], true);
  EXPECT_EQ(create["AttachStdin"], false);
  EXPECT_EQ(create["Tty"], false);
  const Json start = Json::parse(ExecStartBody());
  EXPECT_EQ(start["Detach"], false);
  EXPECT_EQ(start["Tty"], false);
}

TEST(DockerWireTest, ParsesAnExecInspectAnswer) {
  auto done = ParseExecInspect(R"({"ID": "e1", "Running": false, "ExitCode": 3})");
  ASSERT_TRUE(done) << done.error().message;
  EXPECT_FALSE(done->running);
  EXPECT_EQ(done->exit_code, 3);
  auto running = ParseExecInspect(R"({"ID": "e1", "Running": true, "ExitCode": null})");
  ASSERT_TRUE(running) << running.error().message;
  EXPECT_TRUE(running->running);
  EXPECT_EQ(ParseExecInspect(R"({"ID": "e1"})").error().code,
            ErrorCode::kServiceUnavailable);
  EXPECT_EQ(ParseExecInspect("nope").error().code, ErrorCode::kServiceUnavailable);
}

// [stream, 0, 0, 0, size (big-endian)] + payload, per frame.
std::string Frame(char stream, const std::string& payload) {
  std::string frame{stream, 0, 0, 0};
  const uint32_t size = static_cast<uint32_t>(payload.size());
  for (int shift = 24; shift >= 0; shift -= 8) {
    frame.push_back(static_cast<char>((size >> shift) & 0xff));
  }
  return frame + payload;
}

TEST(MultiplexedStreamDecoderTest, KeepsThePayloadOfBothStreamsInOrder) {
  const std::string stream =
      Frame(1, "saving world\n") + Frame(2, "warn: slow disk\n") + Frame(1, "saved\n");
  MultiplexedStreamDecoder decoder;
  std::string payload;
  decoder.Feed(stream, payload);
  EXPECT_EQ(payload, "saving world\nwarn: slow disk\nsaved\n");
}

TEST(MultiplexedStreamDecoderTest, FramesCutAnywhereAreJoined) {
  const std::string big(300, 'x');
  const std::string stream = Frame(1, "ab") + Frame(2, big) + Frame(1, "");
  for (size_t piece = 1; piece <= 9; ++piece) {
    MultiplexedStreamDecoder decoder;
    std::string payload;
    for (size_t at = 0; at < stream.size(); at += piece) {
      decoder.Feed(std::string_view(stream).substr(at, piece), payload);
    }
    EXPECT_EQ(payload, "ab" + big) << "pieces of " << piece;
  }
}

TEST(DockerWireTest, ParsesAnInspectAnswer) {
  auto state = ParseContainerInspect(R"({
    "Id": "abc123", "Name": "/rtm-lobby",
    "Config": {"Image": "rtmanager/demo-game:1",
               "Labels": {"io.rtmanager.game": "lobby"}},
    "State": {"Status": "running", "Running": true, "ExitCode": 0,
              "Health": {"Status": "healthy"},
              "StartedAt": "2026-11-25T02:10:08.361658636Z",
              "FinishedAt": "0001-01-01T00:00:00Z"}})");
  ASSERT_TRUE(state) << state.error().message;
  EXPECT_EQ(state->id, "abc123");
  EXPECT_EQ(state->name, "rtm-lobby");
  EXPECT_EQ(state->image, "rtmanager/demo-game:1");
  EXPECT_EQ(state->labels.at("io.rtmanager.game"), "lobby");
  EXPECT_EQ(state->status, "running");
  EXPECT_TRUE(state->running);
  EXPECT_EQ(state->health, ContainerHealth::kHealthy);
  ASSERT_TRUE(state->started_at);
  EXPECT_EQ(FormatRfc3339(*state->started_at), "2026-11-25T02:10:08.361Z");
  EXPECT_FALSE(state->finished_at);
}

TEST(DockerWireTest, InspectToleratesNullsAndRejectsGarbage) {
  auto state = ParseContainerInspect(
      R"({"Id": "x", "Name": "/n", "Config": {"Labels": null},
          "State": {"Status": "exited", "Running": false, "ExitCode": 137,
                    "Health": null}})");
  ASSERT_TRUE(state) << state.error().message;
  EXPECT_TRUE(state->labels.empty());
  EXPECT_EQ(state->exit_code, 137);
  EXPECT_EQ(state->health, ContainerHealth::kNone);

  for (const char* body : {"", "[]", "{\"Name\": 1}", "not json"}) {
    auto bad = ParseContainerInspect(body);
    ASSERT_FALSE(bad) << body;
    EXPECT_EQ(bad.error().code, ErrorCode::kServiceUnavailable);
  }
}

TEST(DockerWireTest, ParsesContainerEventsKeepingTheWholeAction) {
  auto event = ParseContainerEvent(
      R"({"status":"health_status: healthy","id":"abc","Type":"container",
          "Action":"health_status: healthy",
          "Actor":{"ID":"abc","Attributes":{"name":"rtm-lobby","io.rtmanager.game":"lobby"}},
          "time":1795572701,"timeNano":1795572701679560416})");
  ASSERT_TRUE(event) << event.error().message;
  ASSERT_TRUE(*event);
  EXPECT_EQ((*event)->action, "health_status: healthy");
  EXPECT_EQ((*event)->container_id, "abc");
  EXPECT_EQ((*event)->attributes.at("name"), "rtm-lobby");
  EXPECT_EQ((*event)->time.time_since_epoch().count(), 1795572701679);
}

// Found by test/fuzz/docker_wire_fuzzer.cc: seconds * 1000 overflowed.
TEST(DockerWireTest, AnEventTimeBeyondYear9999IsLeftUnset) {
  auto event = ParseContainerEvent(
      R"({"Type":"container","Action":"die","id":"abc","time":1796278652496836667})");
  ASSERT_TRUE(event) << event.error().message;
  ASSERT_TRUE(*event);
  EXPECT_EQ((*event)->time, Timestamp{});
  auto seconds = ParseContainerEvent(
      R"({"Type":"container","Action":"die","id":"abc","time":1796278652})");
  ASSERT_TRUE(seconds && *seconds);
  EXPECT_EQ((*seconds)->time.time_since_epoch().count(), 1796278652000);
}

TEST(DockerWireTest, EventsAboutOtherObjectsAreSkippedAndGarbageIsAnError) {
  auto network = ParseContainerEvent(
      R"({"Type":"network","Action":"connect","Actor":{"ID":"n"}})");
  ASSERT_TRUE(network);
  EXPECT_FALSE(*network);

  auto garbage = ParseContainerEvent("{\"Type\":");
  ASSERT_FALSE(garbage);
  EXPECT_EQ(garbage.error().code, ErrorCode::kServiceUnavailable);
}

TEST(DockerWireTest, ParsesVersionListAndCreateAnswers) {
  auto version = ParseVersion(R"({"Version":"20.10.24","ApiVersion":"1.41"})");
  ASSERT_TRUE(version);
  EXPECT_EQ(version->version, "20.10.24");
  EXPECT_EQ(version->api_version, "1.41");


  auto created = ParseCreatedId(R"({"Id":"new","Warnings":[]})");
  ASSERT_TRUE(created);
  EXPECT_EQ(*created, "new");
  EXPECT_FALSE(ParseCreatedId(R"({"Warnings":[]})"));
}

TEST(DockerWireTest, ContainerListReadsStateExitCodeHealthAndImageLabel) {
  auto list = ParseContainerList(R"json([
    {"Id":"a","Names":["/rtm-lobby"],"Image":"sha256:0123",
     "Labels":{"io.rtmanager.image":"game:1","io.rtmanager.game":"lobby"},
     "State":"exited","Status":"Exited (137) 2 seconds ago"},
    {"Id":"b","Names":["/rtm-arena"],"Image":"game:2","Labels":{},
     "State":"running","Status":"Up 5 seconds (health: starting)"},
    {"Id":"c","Names":["/x"],"Image":"i","Labels":null,
     "State":"running","Status":"Up 2 hours (unhealthy)"},
    {"Id":"d","Names":["/y"],"Image":"i","State":"running",
     "Status":"Up 3 minutes (healthy)"},
    {"Id":"e","Names":["/z"],"Image":"i","State":"created","Status":"Created"}
  ])json");
  ASSERT_TRUE(list) << list.error().message;
  ASSERT_EQ(list->size(), 5u);
  const ContainerState& exited = (*list)[0];
  EXPECT_EQ(exited.id, "a");
  EXPECT_EQ(exited.name, "rtm-lobby");
  EXPECT_EQ(exited.image, "game:1");  // the label, not the moved tag's id
  EXPECT_EQ(exited.labels.at("io.rtmanager.game"), "lobby");
  EXPECT_EQ(exited.status, "exited");
  EXPECT_FALSE(exited.running);
  EXPECT_EQ(exited.exit_code, 137);
  EXPECT_EQ(exited.health, ContainerHealth::kNone);
  EXPECT_FALSE(exited.started_at);

  EXPECT_EQ((*list)[1].image, "game:2");
  EXPECT_TRUE((*list)[1].running);
  EXPECT_EQ((*list)[1].exit_code, 0);
  EXPECT_EQ((*list)[1].health, ContainerHealth::kStarting);
  EXPECT_EQ((*list)[2].health, ContainerHealth::kUnhealthy);
  EXPECT_TRUE((*list)[2].labels.empty());
  EXPECT_EQ((*list)[3].health, ContainerHealth::kHealthy);
  EXPECT_FALSE((*list)[4].running);
  EXPECT_EQ((*list)[4].status, "created");
}

TEST(DockerWireTest, ContainerListRejectsWhatIsNotAListOfContainers) {
  EXPECT_EQ(ParseContainerList(R"({"Id":"a"})").error().code,
            ErrorCode::kServiceUnavailable);
  auto no_id = ParseContainerList(R"([{"Names":["/a"]}])");
  ASSERT_FALSE(no_id);
  EXPECT_THAT(no_id.error().message, HasSubstr("without Id"));
  EXPECT_FALSE(ParseContainerList("not json"));
  auto empty = ParseContainerList("[]");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
}

TEST(DockerWireTest, NameFilterIsTheEngineJsonPercentEncoded) {
  EXPECT_EQ(EncodedNameFilter("rtm"), PercentEncode(R"({"name":{"rtm":true}})"));
}

TEST(DockerWireTest, ParsesANetworkList) {
  auto networks = ParseNetworkList(
      R"([{"Id":"b2","Name":"rtm","Created":"2026-11-30T05:41:50.5Z","Driver":"bridge"},
          {"Id":"a1","Name":"rtm-other","Created":"2026-11-30T05:41:49Z"}])");
  ASSERT_TRUE(networks) << networks.error().message;
  ASSERT_EQ(networks->size(), 2u);
  EXPECT_EQ((*networks)[0].id, "b2");
  EXPECT_EQ((*networks)[0].name, "rtm");
  EXPECT_EQ((*networks)[0].created, "2026-11-30T05:41:50.5Z");
  EXPECT_EQ((*networks)[1].name, "rtm-other");
  EXPECT_FALSE(ParseNetworkList(R"({"Id":"x"})"));
  EXPECT_FALSE(ParseNetworkList(R"([{"Name":"no id"}])"));
}

TEST(DockerWireTest, TheOldestOfDuplicateNetworksIsKept) {
  // .12 s is later than .1 s although "…50.12Z" sorts before "…50.1Z".
  const std::vector<NetworkSummary> same_name{
      {"c3", "rtm", "2026-11-30T05:41:50.12Z"},
      {"b2", "rtm", "2026-11-30T05:41:50.1Z"},
      {"d4", "rtm", "2026-11-30T05:41:51Z"},
  };
  ASSERT_NE(NetworkToKeep(same_name), nullptr);
  EXPECT_EQ(NetworkToKeep(same_name)->id, "b2");
  // Whole seconds are the earliest instant of their second.
  EXPECT_EQ(NetworkToKeep({{"e5", "rtm", "2026-11-30T05:41:50.000000001Z"},
                           {"f6", "rtm", "2026-11-30T05:41:50Z"}})
                ->id,
            "f6");
  EXPECT_EQ(NetworkToKeep({}), nullptr);
}

TEST(DockerWireTest, DuplicateNetworksCreatedAtOnceKeepTheSmallestId) {
  EXPECT_EQ(NetworkToKeep({{"b2", "rtm", "2026-11-30T05:41:50.5Z"},
                           {"a1", "rtm", "2026-11-30T05:41:50.500Z"}})
                ->id,
            "a1");
}

TEST(DockerWireTest, LinesCutAcrossPiecesAreWholeOnceTheirNewlineArrives) {
  LineSplitter lines;
  lines.Feed("{\"a\":1}\n{\"b\"");
  EXPECT_EQ(lines.TakeLine(), "{\"a\":1}");
  EXPECT_EQ(lines.TakeLine(), std::nullopt);
  EXPECT_EQ(lines.pending_bytes(), 4u);
  lines.Feed(":2}\n\n");
  EXPECT_EQ(lines.TakeLine(), "{\"b\":2}");
  EXPECT_EQ(lines.TakeLine(), "");
  EXPECT_EQ(lines.TakeLine(), std::nullopt);
  EXPECT_EQ(lines.pending_bytes(), 0u);
}

}  // namespace
}  // namespace rtm
