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

#include "controller/api/api_exchange.h"
#include "reconcile/domain/runtime_change.h"
#include "reconcile/ports/change_feed.h"
#include "reconcile/ports/clock.h"

namespace rtm {

// Every open watch stream (`GET /v1/runtimes?watch=true`, and the
// Kubernetes watch of controller/api/kube/kube_api.h), served by ONE
// thread: no HTTP handler thread waits on a watcher, so any number of
// watchers leaves the API's small thread pool free for requests.
//
// A stream is the body buffer of a response already handed to the HTTP
// library. Each gets the store's changes (reconcile/ports/change_feed.h)
// after its revision, one JSON event per line in its WatchFormat, until its
// client goes away, its deadline passes, it falls out of the retained
// history (a Kubernetes stream then gets an ERROR event with a 410 Expired
// Status first), or Stop. A change of a name without a desired object is
// no API object and is skipped, as are objects the stream's `accepts`
// refuses. A Kubernetes stream that asked for bookmarks gets a BOOKMARK
// after `bookmark_interval` without an event. A stream whose client reads
// too slowly (more than `max_unread_bytes` written and not yet taken by the
// HTTP library when more is to be written: the buffer holds at most that
// plus one chunk) ends instead of buffering without bound, as the Kubernetes
// API server closes an unresponsive watcher; the client watches again from
// the last revision it read. Thread-safe.
class WatchStreams {
 public:
  using Buffer = concurrency::streams::producer_consumer_buffer<uint8_t>;

  static constexpr size_t kDefaultMaxUnreadBytes = size_t{4} << 20;

  WatchStreams(ChangeFeed& changes, Clock& clock,
               Duration bookmark_interval = std::chrono::seconds(10),
               size_t max_unread_bytes = kDefaultMaxUnreadBytes);
  ~WatchStreams();

  WatchStreams(const WatchStreams&) = delete;
  WatchStreams& operator=(const WatchStreams&) = delete;

  // Writes request.initial_lines and the events after request.since now
  // (on the caller's thread), then keeps the stream going. `sent`
  // completes when the client has the whole response or went away.
  void Add(Buffer body, pplx::task<void> sent, WatchRequest request,
           std::chrono::steady_clock::time_point deadline);

  // Ends every stream (their responses complete) and joins the thread;
  // streams added later end at once.
  void Stop();

  size_t open_streams() const;

 private:
  struct Stream {
    Buffer body;
    pplx::task<void> sent;
    WatchRequest request;
    uint64_t after = 0;
    std::chrono::steady_clock::time_point deadline;
    std::chrono::steady_clock::time_point last_write;
    bool wrote_event = false;  // a Table's column definitions go first only
  };

  // Writes what the feed holds after stream.after; false when the stream
  // fell out of the retained history, the feed cannot be read, or its
  // client lags by more than max_unread_bytes_.
  bool CatchUp(Stream& stream);
  // The event line of `change` for `stream` (empty for one it does not
  // send); lines common to every stream of a format are rendered once.
  std::string Render(const RuntimeChange& change, Stream& stream);
  void Write(Stream& stream, const std::string& chunk);
  static void End(Stream& stream);
  void Run();

  ChangeFeed& changes_;
  Clock& clock_;
  const Duration bookmark_interval_;
  const size_t max_unread_bytes_;
  std::mutex rendered_mutex_;
  // By format and revision, the newest.
  std::map<std::pair<WatchFormat, uint64_t>, std::string> rendered_;
  mutable std::mutex mutex_;
  std::condition_variable added_;
  bool stopping_ = false;
  std::vector<Stream> incoming_;  // under mutex_
  size_t open_ = 0;               // under mutex_
  std::thread thread_;
};

}  // namespace rtm
