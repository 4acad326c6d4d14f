#include "controller/api/watch_streams.h"

#include <algorithm>

#include "controller/api/kube/kube_watch_event.h"
#include "controller/api/representation/watch_event_representation.h"

namespace rtm {
namespace {

// Events written to a stream per chunk: a watch resumed from far back
// holds a bounded chunk in memory.
constexpr size_t kBatchEvents = 256;
// How soon a stream notices its client left, its deadline, or Stop.
constexpr Duration kHousekeeping = std::chrono::seconds(1);
// Rendered event lines kept for the other streams that send them.
constexpr size_t kRenderedLines = 1024;

}  // namespace

WatchStreams::WatchStreams(ChangeFeed& changes, Clock& clock,
                           Duration bookmark_interval, size_t max_unread_bytes)
    : changes_(changes),
      clock_(clock),
      bookmark_interval_(bookmark_interval),
      max_unread_bytes_(max_unread_bytes),
      thread_([this] { Run(); }) {}

WatchStreams::~WatchStreams() { Stop(); }

void WatchStreams::Add(Buffer body, pplx::task<void> sent, WatchRequest request,
                       std::chrono::steady_clock::time_point deadline) {
  const uint64_t since = request.since;
  Stream stream{std::move(body), std::move(sent), std::move(request), since, deadline,
                std::chrono::steady_clock::now()};
  if (!stream.request.initial_lines.empty()) {
    Write(stream, stream.request.initial_lines);
    stream.request.initial_lines.clear();
    stream.wrote_event = true;
  }
  // Caught up here, the stream needs no event older than the feed's
  // revision now, which the serving thread (if asleep) waits beyond.
  if (!CatchUp(stream)) {
    End(stream);
    return;
  }
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      incoming_.push_back(std::move(stream));
      ++open_;
      added_.notify_one();
      return;
    }
  }
  End(stream);
}

void WatchStreams::Stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    added_.notify_one();
  }
  changes_.Wake();  // the serving thread may wait on the feed
  thread_.join();
}

size_t WatchStreams::open_streams() const {
  std::lock_guard lock(mutex_);
  return open_;
}

bool WatchStreams::CatchUp(Stream& stream) {
  const bool kube = stream.request.format != WatchFormat::kNative;
  while (true) {
    auto batch = changes_.ReadAfter(stream.after, kBatchEvents);
    if (!batch) return false;
    if (batch->history_lost) {
      if (kube) Write(stream, kube::RenderExpiredEvent(stream.after) + "\n");
      return false;
    }
    std::string chunk;
    for (const auto& change : batch->changes) {
      chunk += Render(*change, stream);
      stream.after = change->revision;
    }
    // What the HTTP library has not taken yet (so a reading client is never
    // cut off, however large one chunk). cpprestsdk reads its count without
    // the buffer's lock (it offers no locked read); a count a moment old is
    // enough for a bound.
    if (!chunk.empty() && stream.body.in_avail() > max_unread_bytes_) return false;
    if (!chunk.empty()) Write(stream, chunk);
    if (batch->changes.size() < kBatchEvents) return true;
  }
}

void WatchStreams::Write(Stream& stream, const std::string& chunk) {
  stream.body
      .putn_nocopy(reinterpret_cast<const uint8_t*>(chunk.data()), chunk.size())
      .wait();
  stream.body.sync().wait();
  stream.last_write = std::chrono::steady_clock::now();
}

std::string WatchStreams::Render(const RuntimeChange& change, Stream& stream) {
  if (!change.desired) return {};
  if (stream.request.accepts && !stream.request.accepts(*change.desired)) return {};
  const WatchFormat format = stream.request.format;
  // A Table's first event carries the column definitions: its own line.
  if (format == WatchFormat::kKubeTable && !stream.wrote_event) {
    stream.wrote_event = true;
    return kube::RenderTableWatchEvent(change, true, clock_.Now()) + "\n";
  }
  stream.wrote_event = true;
  const auto key = std::make_pair(format, change.revision);
  {
    std::lock_guard lock(rendered_mutex_);
    if (auto found = rendered_.find(key); found != rendered_.end()) {
      return found->second;
    }
  }
  std::string line;
  switch (format) {
    case WatchFormat::kNative:
      line = api::RenderWatchEvent(change);
      break;
    case WatchFormat::kKube:
      line = kube::RenderWatchEvent(change);
      break;
    case WatchFormat::kKubeTable:
      line = kube::RenderTableWatchEvent(change, false, clock_.Now());
      break;
  }
  line += '\n';
  std::lock_guard lock(rendered_mutex_);
  rendered_.emplace(key, line);
  if (rendered_.size() > kRenderedLines) rendered_.erase(rendered_.begin());
  return line;
}

void WatchStreams::End(Stream& stream) {
  stream.body.close(std::ios_base::out).wait();
  // Observed, so that a client that went away is no unobserved error.
  stream.sent.then([](pplx::task<void> sent) {
    try {
      sent.get();
    } catch (const std::exception&) {
      // The client went away: nothing to tell it.
    }
  });
}

void WatchStreams::Run() {
  std::vector<Stream> streams;
  while (true) {
    {
      std::unique_lock lock(mutex_);
      // Idle (no watcher): sleep until one arrives; no periodic wake-ups.
      added_.wait(lock, [&] {
        return stopping_ || !incoming_.empty() || !streams.empty();
      });
      if (stopping_) break;
      std::move(incoming_.begin(), incoming_.end(), std::back_inserter(streams));
      incoming_.clear();
    }
    const auto now = std::chrono::steady_clock::now();
    for (auto it = streams.begin(); it != streams.end();) {
      if (it->sent.is_done() || now >= it->deadline || !CatchUp(*it)) {
        End(*it);
        it = streams.erase(it);
        std::lock_guard lock(mutex_);
        --open_;
        continue;
      }
      if (it->request.bookmarks &&
          std::chrono::steady_clock::now() - it->last_write >= bookmark_interval_) {
        Write(*it, kube::RenderBookmarkEvent(it->after) + "\n");
      }
      ++it;
    }
    if (streams.empty()) continue;
    uint64_t oldest = streams.front().after;
    for (const Stream& stream : streams) oldest = std::min(oldest, stream.after);
    changes_.WaitAfter(oldest, kHousekeeping);
  }
  std::lock_guard lock(mutex_);
  for (Stream& stream : streams) End(stream);
  for (Stream& stream : incoming_) End(stream);
  incoming_.clear();
  open_ = 0;
}

}  // namespace rtm
