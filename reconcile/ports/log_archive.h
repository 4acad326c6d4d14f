#pragma once

#include <string>
#include <string_view>

#include "reconcile/domain/error.h"
#include "reconcile/domain/time.h"

namespace rtm {

// The last words of a game's previous container: the tail of its logs,
// kept when rtmanager removed it (restart, update, removal, stray).
struct ArchivedLogs {
  std::string container_id;
  Timestamp archived_at{};
  std::string text;  // at most kArchivedLogBytes, the container's last output
};

// How much of a removed container's output is kept, per game.
inline constexpr size_t kArchivedLogBytes = 1024 * 1024;

// Where the previous container's logs of each game are kept. Node-local:
// the logs of a container stay with the host that ran it. Implementations
// are safe to call from several threads.
class LogArchive {
 public:
  virtual ~LogArchive() = default;

  // Keeps `logs` as the previous logs of `game_id`, replacing older ones.
  // Atomic: a reader sees the old logs or the new ones, never a mix. The
  // storage failing → kServiceUnavailable.
  virtual Expected<void> Keep(std::string_view game_id,
                              const ArchivedLogs& logs) = 0;

  // The logs kept last for `game_id`; kNotFound when none were kept.
  virtual Expected<ArchivedLogs> Previous(std::string_view game_id) = 0;
};

}  // namespace rtm
