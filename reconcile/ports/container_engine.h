#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reconcile/domain/container_spec.h"
#include "reconcile/domain/error.h"
#include "reconcile/domain/time.h"

namespace rtm {

struct EngineVersion {
  std::string version;      // "20.10.24"
  std::string api_version;  // "1.41"
};

enum class ContainerHealth { kNone, kStarting, kHealthy, kUnhealthy };

struct ContainerState {
  std::string id;
  std::string name;  // without the leading '/'
  std::string image;  // the image reference it was created from
  std::map<std::string, std::string> labels;
  // created | running | paused | restarting | removing | exited | dead
  std::string status;
  bool running = false;
  int exit_code = 0;
  ContainerHealth health = ContainerHealth::kNone;
  // Known for running containers; ListContainers may leave them empty for
  // the others.
  std::optional<Timestamp> started_at;
  std::optional<Timestamp> finished_at;
  // The kernel killed it for exceeding its memory limit (InspectContainer
  // only; ListContainers leaves it false).
  bool oom_killed = false;
};

// What Exec keeps of a command's output: its last bytes.
inline constexpr size_t kExecOutputTailBytes = 4096;

struct ExecResult {
  // nullopt: the command was still running at the timeout.
  std::optional<int> exit_code;
  // The last kExecOutputTailBytes of its stdout and stderr as the engine
  // sent them: each stream in order, the two interleaved as they came.
  std::string output_tail;
};

struct ContainerEvent {
  // die | stop | start | destroy | kill | health_status: healthy | ...
  std::string action;
  std::string container_id;
  std::map<std::string, std::string> attributes;  // labels, name, exitCode
  Timestamp time{};
};

// One open events stream. Next() blocks until an event arrives, `wait`
// passes (nullopt), or the stream breaks (error: the caller must relist and
// reopen).
class ContainerEventStream {
 public:
  virtual ~ContainerEventStream() = default;
  virtual Expected<std::optional<ContainerEvent>> Next(Duration wait) = 0;
};

// What one read of a followed container's output gives.
struct LogChunk {
  std::string bytes;   // stdout and stderr as they came (possibly none)
  bool ended = false;  // the container stopped: nothing more will come
};

// One container's output as it is written (ContainerEngine::FollowLogs).
// Next() blocks until output arrives, `wait` passes (no bytes, not ended),
// or the output ends (ended; every later call ends the same way). The
// stream breaking → kServiceUnavailable. Used by one thread at a time.
class ContainerLogStream {
 public:
  virtual ~ContainerLogStream() = default;
  virtual Expected<LogChunk> Next(Duration wait) = 0;
};

// The container engine (Docker Engine API) as the core needs it. Every call
// is bounded in time; engine unreachable or timed out → kServiceUnavailable.
// Implementations are safe to call from several threads.
class ContainerEngine {
 public:
  virtual ~ContainerEngine() = default;

  virtual Expected<EngineVersion> Version() = 0;

  // Containers (running or not) carrying every label in `labels`
  // ("key" → "value"). A container that has just died is reported exited:
  // the call may wait while the engine finishes handling its exit.
  virtual Expected<std::vector<ContainerState>> ListContainers(
      const std::map<std::string, std::string>& labels) = 0;

  // By id or name; kNotFound when no such container.
  virtual Expected<ContainerState> InspectContainer(
      std::string_view id_or_name) = 0;

  // Creates (does not start) the container; returns its id. Missing image →
  // kImageNotFound; name taken → kConflict; refused (bad config) →
  // kStartFailed.
  virtual Expected<std::string> CreateContainer(const ContainerSpec& spec) = 0;

  // Refused (bad command, port taken...) → kStartFailed; no such container
  // → kNotFound. Starting a running container succeeds.
  virtual Expected<void> StartContainer(std::string_view id) = 0;

  // SIGTERM, then SIGKILL after `timeout_seconds`. Stopping a stopped
  // container succeeds; no such container → kNotFound.
  virtual Expected<void> StopContainer(std::string_view id,
                                       int timeout_seconds) = 0;

  // Removes a stopped container (force kills a running one first).
  // Removing a container that does not exist succeeds.
  virtual Expected<void> RemoveContainer(std::string_view id, bool force) = 0;

  // Removes the named volume `name` and its data. Removing a volume that
  // does not exist succeeds; kConflict while a container still uses it.
  virtual Expected<void> RemoveVolume(std::string_view name) = 0;

  // Runs `command` (argv) inside the running container `id` and waits up to
  // `timeout` for it to end. Not running → kConflict; no such container →
  // kNotFound. An argv the container cannot execute is not an error: it
  // ends with the runtime's exit code (126, 127). At the timeout the command
  // is left running (the engine cannot stop an exec) and exit_code is
  // nullopt. Not idempotent: each call runs the command again.
  virtual Expected<ExecResult> Exec(std::string_view id,
                                    const std::vector<std::string>& command,
                                    Duration timeout) = 0;

  // The end of the container's output (stdout and stderr, as the engine
  // interleaves them): at most `max_bytes`, cut at the start. Works for a
  // running or stopped container; no such container → kNotFound.
  virtual Expected<std::string> ContainerLogs(std::string_view id,
                                              size_t max_bytes) = 0;

  // Follows the container's output: its last `tail_lines` lines (stdout
  // and stderr, as the engine interleaves them), then what it writes until
  // it stops. A stopped container's stream gives its last lines and ends.
  // No such container → kNotFound.
  virtual Expected<std::unique_ptr<ContainerLogStream>> FollowLogs(
      std::string_view id, size_t tail_lines) = 0;

  // kImageNotFound when the image is not present locally.
  virtual Expected<void> InspectImage(std::string_view image_ref) = 0;

  // Creates the user-defined bridge network when it does not exist.
  virtual Expected<void> EnsureNetwork(std::string_view name) = 0;

  // Container events of containers carrying every label in `labels`.
  virtual Expected<std::unique_ptr<ContainerEventStream>> WatchEvents(
      const std::map<std::string, std::string>& labels) = 0;
};

}  // namespace rtm
