#include "controller/app/engine_events_informer.h"

#include <algorithm>
#include <utility>

#include "reconcile/domain/container_spec.h"

namespace rtm {
namespace {

// Container events that can change what a game's reconcile decides.
bool IsRelevant(std::string_view action) {
  return action == "die" || action == "stop" || action == "destroy" ||
         action == "start" || action == "oom" ||
         action.starts_with("health_status");
}

constexpr Duration kPollInterval = std::chrono::milliseconds(500);

}  // namespace

EngineEventsInformer::EngineEventsInformer(ContainerEngine& engine,
                                           Logger& logger, Clock& clock,
                                           EngineEventsOptions options,
                                           Handlers handlers)
    : engine_(engine),
      logger_(logger),
      clock_(clock),
      options_(std::move(options)),
      handlers_(std::move(handlers)) {}

EngineEventsInformer::~EngineEventsInformer() { Stop(); }

void EngineEventsInformer::Start() {
  thread_.Start([this] { Run(); });
}

void EngineEventsInformer::Stop() { thread_.Stop(); }

void EngineEventsInformer::Run() {
  Duration backoff = options_.reconnect_base;
  bool first = true;
  while (!thread_.Stopping()) {
    auto stream = engine_.WatchEvents(OwnedSelector(options_.network));
    if (!stream) {
      logger_.Log(LogLevel::kWarn, "docker events unavailable; retrying",
                  {{"err", stream.error().message}});
      if (!thread_.WaitUnlessStopping(backoff)) return;
      backoff = std::min(backoff * 2, options_.reconnect_cap);
      continue;
    }
    backoff = options_.reconnect_base;
    if (auto network = engine_.EnsureNetwork(options_.network); !network) {
      logger_.Log(LogLevel::kError, "ensure network",
                  {{"network", options_.network}, {"err", network.error().message}});
    }
    // Anything may have happened while the stream was down: relist.
    if (!first) handlers_.on_relist();
    first = false;
    while (!thread_.Stopping()) {
      auto next = (*stream)->Next(kPollInterval);
      if (!next) {
        logger_.Log(LogLevel::kWarn, "docker events stream broke",
                    {{"err", next.error().message}});
        break;
      }
      if (!*next || !IsRelevant((*next)->action)) continue;
      auto game = (*next)->attributes.find(std::string(kLabelGame));
      if (game != (*next)->attributes.end()) {
        handlers_.on_event(game->second, clock_.Now());
      }
    }
  }
}

}  // namespace rtm
