#include "controller/api/representation/watch_event_representation.h"

#include "controller/api/representation/game_runtime_representation.h"
#include "controller/api/representation/representation_support.h"

namespace rtm::api {

std::string RenderWatchEvent(const RuntimeChange& change) {
  return "{\"type\":\"" + std::string(ToString(change.type)) +
         "\",\"revision\":" + std::to_string(change.revision) +
         ",\"object\":" +
         JsonText(RenderGameRuntime(*change.desired, change.status.get())) + "}";
}

}  // namespace rtm::api
