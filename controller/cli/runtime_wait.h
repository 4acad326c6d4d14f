// Waiting for a runtime to reach a state (`wait`, `restart --wait`): the
// conditions as pure functions of the GameRuntime JSON, and the loop that
// follows the runtime through the watch stream (docs/contract.md §6).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "controller/cli/api_client.h"
#include "reconcile/domain/error.h"

namespace rtm {

enum class WaitVerdict { kPending, kMet, kFailed };

// What the loop makes of one version of the runtime.
using WaitCheck = std::function<WaitVerdict(const nlohmann::json& runtime)>;

// status.observedGeneration >= metadata.generation and the Progressing
// condition is False.
bool IsConverged(const nlohmann::json& runtime);
// The Ready condition is True.
bool IsReady(const nlohmann::json& runtime);

// `restart --wait` after a POST that answered `generation`: kMet once
// status.observedGeneration >= generation; kFailed once status.lastRestart
// records a failure of a restart generation above
// `previous_restart_generation` (status.lastRestart.restartGeneration
// before the request, -1 when there was none).
WaitVerdict RestartVerdict(const nlohmann::json& runtime, int64_t generation,
                           int64_t previous_restart_generation);

// The line `restart --wait` ends with, e.g. "runtime/x restart succeeded
// (restartGeneration 3, container 0123456789ab)" or "runtime/x restart
// failed (restartGeneration 3): start_failed: <lastError.message>";
// succeeded is false for the latter.
struct RestartOutcome {
  bool succeeded = true;
  std::string text;
};
RestartOutcome DescribeRestartOutcome(const std::string& name,
                                      const nlohmann::json& runtime,
                                      int64_t generation,
                                      int64_t previous_restart_generation);

// The progress line of `wait`, e.g. "runtime/x: phase Pending, generation
// 2/3, Ready False, Progressing True".
std::string WaitProgressLine(const std::string& name, const nlohmann::json& runtime);

struct WaitOptions {
  Deadline deadline;
  // Between two GETs when the watch stream is not available.
  std::chrono::milliseconds poll_interval{200};
  // Called with every version of the runtime seen (progress display).
  std::function<void(const nlohmann::json& runtime)> on_seen;
};

struct WaitResult {
  enum class Kind { kMet, kFailed, kTimedOut, kDeleted };
  Kind kind = Kind::kTimedOut;
  nlohmann::json last;      // the newest version seen
  std::string last_problem;  // the newest error met while retrying; "" none
};

// Follows runtime `name` until `check` says kMet or kFailed, the runtime is
// deleted (a DELETED watch event) or the deadline passes. Lists first (the
// first version and the revision to watch from), then watches
// `?watch=true&since=<revision>`, relisting on 410 Gone or when the stream
// ends; polls GET /v1/runtimes/{name} every poll_interval when the server
// offers no watch stream or it fails. A runtime not found yet is waited for
// until the deadline (its manifest may just have been written). Errors: the
// first read failing for another reason (e.g. cannot reach the server).
Expected<WaitResult> WaitForRuntime(ApiClient& client, const std::string& name,
                                    const WaitCheck& check,
                                    const WaitOptions& options);

}  // namespace rtm
