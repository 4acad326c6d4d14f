#pragma once

#include <cstdint>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include <cpprest/producerconsumerstream.h>

#include "controller/api/watch_hub.h"

namespace rtm {

// Every open watch stream (`GET /v1/runtimes?watch=true`), served by ONE
// thread: no HTTP handler thread waits on a watcher, so any number of
// watchers leaves the API's small thread pool free for requests.
//
// A stream is the body buffer of a response already handed to the HTTP
// library. Each gets the hub's events after its revision, one JSON object
// per line, until its client goes away, its deadline passes, it falls out of
// the retained history, or Stop. Thread-safe.
class WatchStreams {
 public:
  using Buffer = concurrency::streams::producer_consumer_buffer<uint8_t>;

  explicit WatchStreams(WatchHub& hub);
  ~WatchStreams();

  WatchStreams(const WatchStreams&) = delete;
  WatchStreams& operator=(const WatchStreams&) = delete;

  // Writes the events after `since` now (on the caller's thread), then
  // keeps the stream going. `sent` completes when the client has the whole
  // response or went away.
  void Add(Buffer body, pplx::task<void> sent, uint64_t since,
           std::chrono::steady_clock::time_point deadline);

  // Ends every stream (their responses complete) and joins the thread;
  // streams added later end at once.
  void Stop();

  size_t open_streams() const;

 private:
  struct Stream {
    Buffer body;
    pplx::task<void> sent;
    uint64_t after = 0;
    std::chrono::steady_clock::time_point deadline;
  };

  // Writes what the hub holds after stream.after; false when the stream
  // fell out of the retained history.
  bool CatchUp(Stream& stream) const;
  static void End(Stream& stream);
  void Run();

  WatchHub& hub_;
  mutable std::mutex mutex_;
  std::condition_variable added_;
  bool stopping_ = false;
  std::vector<Stream> incoming_;  // under mutex_
  size_t open_ = 0;               // under mutex_
  std::thread thread_;
};

}  // namespace rtm
