#include "controller/app/change_feed_informer.h"

#include <utility>

namespace rtm {
namespace {

// Changes read per call, and how long a wait for the next lasts before the
// loop checks for Stop.
constexpr size_t kChangesPerRead = 256;
constexpr Duration kWaitInterval = std::chrono::milliseconds(500);

}  // namespace

ChangeFeedInformer::ChangeFeedInformer(ChangeFeed& changes, Logger& logger,
                                       Handlers handlers)
    : changes_(changes), logger_(logger), handlers_(std::move(handlers)) {}

ChangeFeedInformer::~ChangeFeedInformer() { Stop(); }

void ChangeFeedInformer::Start(uint64_t after) {
  thread_.Start([this, after] { Run(after); });
}

void ChangeFeedInformer::Stop() { thread_.Stop(); }

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
      if (!thread_.WaitUnlessStopping(kWaitInterval)) return;
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
