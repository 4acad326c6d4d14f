#include "controller/app/change_feed_informer.h"

#include <utility>

namespace rtm {
namespace {

// Changes read per call. A wait for the next change ends with a change or
// Stop's Wake; the interval is only a safety net (an idle controller
// wakes this rarely).
constexpr size_t kChangesPerRead = 256;
constexpr Duration kWaitInterval = std::chrono::seconds(2);
// The pause before reading the feed again after it failed.
constexpr Duration kRetryInterval = std::chrono::milliseconds(500);

}  // namespace

ChangeFeedInformer::ChangeFeedInformer(ChangeFeed& changes, Logger& logger,
                                       Handlers handlers)
    : changes_(changes), logger_(logger), handlers_(std::move(handlers)) {}

ChangeFeedInformer::~ChangeFeedInformer() { Stop(); }

void ChangeFeedInformer::Start(uint64_t after) {
  thread_.Start([this, after] { Run(after); });
}

void ChangeFeedInformer::Stop() {
  thread_.RequestStop();
  changes_.Wake();  // a wait in progress returns now
  thread_.Stop();
}

void ChangeFeedInformer::Run(uint64_t after) {
  while (!thread_.Stopping()) {
    auto batch = changes_.ReadAfter(after, kChangesPerRead);
    if (batch && batch->history_lost) {
      logger_.Log(LogLevel::kWarn, "change feed lost history; relisting", {});
      auto revision = changes_.Revision();
      if (revision) {
        after = *revision;
        handlers_.on_relist();
        continue;
      }
      batch = std::unexpected(revision.error());
    }
    if (!batch) {
      logger_.Log(LogLevel::kWarn, "read change feed; retrying",
                  {{"err", batch.error().message}});
      if (!thread_.WaitUnlessStopping(kRetryInterval)) return;
      continue;
    }
    for (const auto& change : batch->changes) {
      after = change->revision;
      if (change->part == RuntimePart::kDesired && change->desired) {
        handlers_.on_desired(*change->desired);
      }
    }
    if (batch->changes.empty()) changes_.WaitAfter(after, kWaitInterval);
  }
}

}  // namespace rtm
