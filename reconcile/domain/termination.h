// How a game's container ended: status.lastTermination (docs/contract.md §5).
#pragma once

#include <string>
#include <string_view>

#include "reconcile/domain/time.h"

namespace rtm {

struct Termination {
  std::string container_id;
  int exit_code = 0;
  std::string reason;  // TerminationReason
  Timestamp started_at{};
  Timestamp finished_at{};

  friend bool operator==(const Termination&, const Termination&) = default;
};

// "OOMKilled" when the kernel killed it for its memory limit, else
// "Completed" for exit code 0, "Killed" for a death by a signal (exit code
// above 128: 128 + the signal), "Error" for any other exit code.
std::string_view TerminationReason(int exit_code, bool oom_killed);

}  // namespace rtm
