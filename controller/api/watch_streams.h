#pragma once

#include <cstdint>
#include <chrono>
#include <map>
#include <string>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include <cpprest/producerconsumerstream.h>

#include "reconcile/domain/runtime_change.h"
#include "reconcile/ports/change_feed.h"

namespace rtm {

// Every open watch stream (`GET /v1/runtimes?watch=true`), served by ONE
// thread: no HTTP handler thread waits on a watcher, so any number of
// watchers leaves the API's small thread pool free for requests.
//
// A stream is the body buffer of a response already handed to the HTTP
// library. Each gets the store's changes (reconcile/ports/change_feed.h)
// after its revision, rendered one JSON event per line
// ({"type", "revision", "object"}), until its client goes away, its
// deadline passes, it falls out of the retained history, or Stop. A change
// of a name without a desired object is no API object and is skipped.
// Thread-safe.
class WatchStreams {
 public:
  using Buffer = concurrency::streams::producer_consumer_buffer<uint8_t>;

  explicit WatchStreams(ChangeFeed& changes);
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

  // Writes what the feed holds after stream.after; false when the stream
  // fell out of the retained history or the feed cannot be read.
  bool CatchUp(Stream& stream);
  // The event line of `change` (empty for one that is no API object),
  // rendered once for every stream that sends it.
  std::string Render(const RuntimeChange& change);
  static void End(Stream& stream);
  void Run();

  ChangeFeed& changes_;
  std::mutex rendered_mutex_;
  std::map<uint64_t, std::string> rendered_;  // by revision, the newest
  mutable std::mutex mutex_;
  std::condition_variable added_;
  bool stopping_ = false;
  std::vector<Stream> incoming_;  // under mutex_
  size_t open_ = 0;               // under mutex_
  std::thread thread_;
};

}  // namespace rtm
