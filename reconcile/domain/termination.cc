#include "reconcile/domain/termination.h"

namespace rtm {

std::string_view TerminationReason(int exit_code, bool oom_killed) {
  if (oom_killed) return "OOMKilled";
  if (exit_code == 0) return "Completed";
  if (exit_code > 128) return "Killed";
  return "Error";
}

}  // namespace rtm
