#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <thread>

#include <cpprest/producerconsumerstream.h>

#include "reconcile/domain/time.h"
#include "reconcile/ports/container_engine.h"

namespace rtm {

// Every open `GET /v1/runtimes/NAME/logs?follow=true`: each copies one
// container's output stream (ContainerEngine::FollowLogs) into the body of
// a response already handed to the HTTP library, on a thread of its own
// (an engine stream read blocks), so no HTTP handler thread waits.
//
// A follow ends when the container stops (its stream ended), the engine
// stream breaks, the client goes away, or Stop. A client that reads slower
// than the container writes is not fed more than `max_unread_bytes` ahead:
// the engine stream is then left unread (the engine keeps the log) until
// the client catches up, so memory stays bounded. Thread-safe.
class LogFollows {
 public:
  using Buffer = concurrency::streams::producer_consumer_buffer<uint8_t>;

  struct Options {
    // How long one engine read waits: the bound on how late a follow
    // notices Stop or its client leaving while the container is quiet.
    Duration poll = std::chrono::milliseconds(250);
    size_t max_unread_bytes = 4 * 1024 * 1024;
  };

  LogFollows() : LogFollows(Options{}) {}
  explicit LogFollows(Options options);
  ~LogFollows();  // Stop

  LogFollows(const LogFollows&) = delete;
  LogFollows& operator=(const LogFollows&) = delete;

  // Starts copying `stream` into `body`; `sent` completes when the client
  // has the whole response or went away. After Stop the body ends at once.
  void Add(Buffer body, pplx::task<void> sent,
           std::unique_ptr<ContainerLogStream> stream);

  // Ends every follow (their responses complete) and joins their threads.
  void Stop();

  // Follows not yet ended.
  size_t open_follows() const;

 private:
  struct Follow {
    Buffer body;
    pplx::task<void> sent;
    std::unique_ptr<ContainerLogStream> stream;
    bool done = false;  // under mutex_: its thread is about to end
    std::thread thread;
  };

  void Copy(Follow& follow);
  bool Stopping() const;
  // Joins the threads of the follows that ended; under mutex_.
  void ReapEnded();

  const Options options_;
  mutable std::mutex mutex_;
  std::condition_variable stop_requested_;
  bool stopping_ = false;     // under mutex_
  std::list<Follow> follows_;  // under mutex_; a Follow never moves
};

}  // namespace rtm
