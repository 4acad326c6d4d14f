// A scripted stand-in for the Docker engine on a unix socket, to test the
// HTTP client's connection handling deterministically. The script runs on
// the server's own thread and speaks raw HTTP through the helpers below.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "controller/docker/docker_endpoint.h"

namespace rtm::testing {

// A one-shot signal between the test and the script.
class Notification {
 public:
  void Notify();
  // False when `timeout` passed first.
  bool WaitFor(std::chrono::milliseconds timeout);

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool notified_ = false;
};

class FakeDockerServer {
 public:
  using Script = std::function<void(FakeDockerServer&)>;

  // Listens at once; runs `script` on a thread of its own.
  explicit FakeDockerServer(Script script);
  // Unblocks the script's waits and joins it.
  ~FakeDockerServer();
  FakeDockerServer(const FakeDockerServer&) = delete;
  FakeDockerServer& operator=(const FakeDockerServer&) = delete;

  HttpEndpoint endpoint() const;

  // Script side. Every wait gives up after 10 s or when the server stops.
  // The next client connection, or -1.
  int Accept();
  // The next request's head and body; nullopt once the client closed.
  std::optional<std::string> ReadRequest(int connection);
  void Send(int connection, std::string_view bytes);
  void Close(int connection);

  // A complete JSON response with Content-Length.
  static std::string Response(int status, std::string_view json_body);
  static std::string ChunkedHeader(int status);
  static std::string Chunk(std::string_view bytes);

  int accepted() const { return accepted_; }
  int requests() const { return requests_; }

 private:
  // Waits until `fd` is readable; false on timeout or stop.
  bool WaitReadable(int fd);

  std::string socket_path_;
  int listener_ = -1;
  std::atomic<bool> stopping_{false};
  std::atomic<int> accepted_{0};
  std::atomic<int> requests_{0};
  std::map<int, std::string> unread_;  // script thread only
  std::thread thread_;
};

}  // namespace rtm::testing
