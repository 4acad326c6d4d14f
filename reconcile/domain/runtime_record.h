// The runtime record: what rtmanager last did to a game's container. It is
// the lifecycle services' view of the world between operations; observed
// truth still comes from the engine.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "reconcile/domain/game_spec.h"
#include "reconcile/domain/termination.h"
#include "reconcile/domain/time.h"

namespace rtm {

enum class RuntimeStatus { kRunning, kStopped, kRemoved };

std::string_view ToString(RuntimeStatus status);  // "running" ...
std::optional<RuntimeStatus> ParseRuntimeStatus(std::string_view name);

struct RuntimeRecord {
  std::string game_id;
  RuntimeStatus status = RuntimeStatus::kStopped;
  std::string current_image_ref;
  std::string current_container_id;  // empty: no container
  std::string hostname;
  // The spec the current container was created from (image included).
  GameSpec spec;
  // metadata.generation of the desired object the container implements.
  int64_t generation = 0;
  // spec.restartGeneration the current container acknowledges.
  int64_t restart_generation = 0;
  // How the container an operation stopped last ended (kept by stop and
  // remove, carried over by start).
  std::optional<Termination> last_termination;
  Timestamp created_at{};
  Timestamp updated_at{};
  // The store revision of this record's last write (0: never written); a
  // write is conditional on it (RuntimeRecordStore::Upsert).
  uint64_t revision = 0;

  friend bool operator==(const RuntimeRecord&, const RuntimeRecord&) = default;
};

}  // namespace rtm
