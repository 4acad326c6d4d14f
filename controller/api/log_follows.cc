#include "controller/api/log_follows.h"

#include <utility>

namespace rtm {

LogFollows::LogFollows(Options options) : options_(options) {}

LogFollows::~LogFollows() { Stop(); }

void LogFollows::Add(Buffer body, pplx::task<void> sent,
                     std::unique_ptr<ContainerLogStream> stream) {
  std::lock_guard lock(mutex_);
  ReapEnded();
  Follow& follow = follows_.emplace_back(
      Follow{std::move(body), std::move(sent), std::move(stream), false, {}});
  if (stopping_) {
    follow.body.close(std::ios_base::out).wait();
    follow.done = true;
    return;
  }
  follow.thread = std::thread([this, &follow] { Copy(follow); });
}

void LogFollows::Copy(Follow& follow) {
  for (;;) {
    if (Stopping() || follow.sent.is_done()) break;
    // A slow client: leave the engine's stream unread until it catches up.
    // (The engine keeps the log; the container never waits for us.)
    if (follow.body.in_avail() >= options_.max_unread_bytes) {
      std::unique_lock lock(mutex_);
      stop_requested_.wait_for(lock, options_.poll, [this] { return stopping_; });
      continue;
    }
    Expected<LogChunk> chunk = follow.stream->Next(options_.poll);
    if (!chunk) break;  // the stream broke: the response just ends
    if (!chunk->bytes.empty()) {
      follow.body
          .putn_nocopy(reinterpret_cast<const uint8_t*>(chunk->bytes.data()),
                       chunk->bytes.size())
          .wait();
      follow.body.sync().wait();
    }
    if (chunk->ended) break;
  }
  follow.body.close(std::ios_base::out).wait();
  // Observed, so that a client that went away is no unobserved error.
  follow.sent.then([](pplx::task<void> sent) {
    try {
      sent.get();
    } catch (const std::exception&) {
      // The client went away: nothing to tell it.
    }
  });
  std::lock_guard lock(mutex_);
  follow.done = true;
}

bool LogFollows::Stopping() const {
  std::lock_guard lock(mutex_);
  return stopping_;
}

void LogFollows::ReapEnded() {
  for (auto it = follows_.begin(); it != follows_.end();) {
    if (!it->done) {
      ++it;
      continue;
    }
    if (it->thread.joinable()) it->thread.join();
    it = follows_.erase(it);
  }
}

void LogFollows::Stop() {
  std::list<Follow> follows;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    follows.swap(follows_);
  }
  stop_requested_.notify_all();
  for (Follow& follow : follows) {
    if (follow.thread.joinable()) follow.thread.join();
  }
}

size_t LogFollows::open_follows() const {
  std::lock_guard lock(mutex_);
  size_t open = 0;
  for (const Follow& follow : follows_) open += follow.done ? 0 : 1;
  return open;
}

}  // namespace rtm
