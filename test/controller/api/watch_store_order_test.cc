// The REST watch against the real leveldb store under concurrent writers:
// what a watcher receives is the store's commit order, each event showing
// the object as that revision committed it. (Integration: real leveldb,
// real cpprestsdk buffers.)
#include <cpprest/containerstream.h>
#include <gtest/gtest.h>

#include "test/mocks/fake_clock.h"
#include <nlohmann/json.hpp>

#include <map>
#include <set>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "controller/api/watch_streams.h"
#include "store/leveldb/leveldb_database.h"
#include "store/leveldb/leveldb_desired_state_store.h"
#include "store/leveldb/leveldb_status_store.h"
#include "test/store/store_test_support.h"

namespace rtm {
namespace {

TEST(WatchStoreOrderTest, WatchOrderIsStoreOrderUnderConcurrentWriters) {
  TempDir temp;
  auto database = LeveldbDatabase::Open(temp.store_dir());
  ASSERT_TRUE(database.has_value()) << database.error().message;
  LeveldbDesiredStateStore desired(**database);
  LeveldbStatusStore statuses(**database);
  FakeClock fake_clock;
  WatchStreams streams((*database)->changes(), fake_clock);
  WatchStreams::Buffer body;
  concurrency::streams::istream client = body.create_istream();
  pplx::task_completion_event<void> client_left;
  streams.Add(body, pplx::create_task(client_left), WatchRequest{.since = 0},
              std::chrono::steady_clock::now() + std::chrono::minutes(5));

  constexpr int kWriters = 4;
  constexpr int kWritesEach = 40;
  std::mutex mutex;
  struct Write {
    std::string name;
    int64_t value;  // the generation or restart count it wrote
    bool desired;   // a desired-object write (else a status write)
  };
  std::map<uint64_t, Write> committed;  // by revision
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      const std::string name = "g" + std::to_string(w % 2);  // shared names
      for (int i = 0; i < kWritesEach; ++i) {
        Expected<uint64_t> written;
        int64_t value = w * 1000 + i;
        if (i % 2 == 0) {
          auto current = desired.Get(name);
          DesiredRuntime runtime = current ? *current : DesiredRuntime{.name = name};
          runtime.spec.image = "img:1";
          runtime.generation = value;
          written = desired.Put(runtime);
        } else {
          auto current = statuses.Get(name);
          RuntimeStatusView status = current ? *current : RuntimeStatusView{};
          status.restart_count = value;
          written = statuses.Put(name, status);
        }
        if (!written) {
          EXPECT_EQ(written.error().code, ErrorCode::kConflict);
          continue;
        }
        std::lock_guard lock(mutex);
        committed[*written] = {name, value, i % 2 == 0};
      }
    });
  }
  for (std::thread& writer : writers) writer.join();

  // The events a watcher must get: every write once its game has a desired
  // object (a status before it is no API object), in revision order.
  std::vector<uint64_t> expected;
  std::set<std::string> declared;
  for (const auto& [revision, write] : committed) {
    if (write.desired) declared.insert(write.name);
    if (declared.contains(write.name)) expected.push_back(revision);
  }
  ASSERT_FALSE(expected.empty());

  std::vector<uint64_t> received;
  while (received.size() < expected.size()) {
    concurrency::streams::container_buffer<std::vector<uint8_t>> line;
    client.read_line(line).get();
    const nlohmann::json event = nlohmann::json::parse(line.collection());
    const uint64_t revision = event["revision"].get<uint64_t>();
    received.push_back(revision);
    auto write = committed.find(revision);
    ASSERT_NE(write, committed.end()) << "revision " << revision;
    EXPECT_EQ(event["object"]["metadata"]["name"], write->second.name);
    const nlohmann::json& shown =
        write->second.desired ? event["object"]["metadata"]["generation"]
                              : event["object"]["status"]["restartCount"];
    EXPECT_EQ(shown.get<int64_t>(), write->second.value) << event.dump();
  }
  client_left.set();

  EXPECT_EQ(received, expected);  // store order, no gap, no duplicate
}

}  // namespace
}  // namespace rtm
