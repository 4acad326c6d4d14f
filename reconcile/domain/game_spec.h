// The desired state of one game runtime: the `spec` of a GameRuntime
// manifest (docs/contract.md §2), already validated.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reconcile/domain/error.h"

namespace rtm {

enum class DesiredState { kRunning, kStopped };

struct PortMapping {
  int container_port = 0;
  int host_port = 0;  // 0: ephemeral
  std::string protocol = "tcp";  // tcp | udp
  std::string host_ip = "127.0.0.1";

  friend bool operator==(const PortMapping&, const PortMapping&) = default;
};

struct HealthCheck {
  std::vector<std::string> command;  // argv, run inside the container
  int interval_seconds = 30;
  int timeout_seconds = 30;
  int retries = 3;

  friend bool operator==(const HealthCheck&, const HealthCheck&) = default;
};

struct Resources {
  std::optional<int64_t> memory_mib;
  std::optional<double> cpus;

  friend bool operator==(const Resources&, const Resources&) = default;
};

// One mount of spec.volumes: a named Docker volume of the game (created
// when missing, labelled as ours, kept across restarts and updates), or,
// with `host_path`, a bind mount of a host directory (allowed only under
// the operator's --allow-host-path prefixes, checked when the manifest is
// read).
struct VolumeMount {
  std::string name;        // a DNS label, unique within the spec
  std::string mount_path;  // absolute path inside the container
  bool read_only = false;
  std::string host_path;   // absolute; empty: a named volume

  friend bool operator==(const VolumeMount&, const VolumeMount&) = default;
};

// What becomes of a game's named volumes when the runtime is removed
// (spec.volumeReclaimPolicy); restarts and updates never remove them.
enum class VolumeReclaimPolicy { kRetain, kDelete };
std::string_view ToString(VolumeReclaimPolicy policy);  // "Retain" | "Delete"

// A command run inside the game's running container (docker exec): the
// argv and how long it may take.
struct ExecHook {
  std::vector<std::string> command;  // argv; not empty
  int timeout_seconds = 30;          // >= 1

  friend bool operator==(const ExecHook&, const ExecHook&) = default;
};

// spec.drain: whether the game may be disrupted now. A voluntary
// disruption of its running container (restart, update, stop, removal)
// waits until `command` exits 0 ("nobody to disrupt"), probed every
// `period_seconds`, or until `max_wait_seconds` passed, when it is forced.
struct DrainPolicy {
  std::vector<std::string> command;  // argv; not empty
  int period_seconds = 10;           // >= 1
  int max_wait_seconds = 600;        // >= 0
  int timeout_seconds = 5;           // of one probe; >= 1

  friend bool operator==(const DrainPolicy&, const DrainPolicy&) = default;
};

// One warning of spec.restartSchedule: `command` runs in the container
// `before_seconds` before a scheduled restart (e.g. an RCON "restart in 15
// minutes").
struct ScheduleWarning {
  int before_seconds = 0;            // >= 1
  std::vector<std::string> command;  // argv; not empty
  int timeout_seconds = 10;          // >= 1

  friend bool operator==(const ScheduleWarning&, const ScheduleWarning&) = default;
};

// spec.restartSchedule: restarts the controller requests by itself, at the
// times of a cron expression (reconcile/schedule/cron.h) in a time zone of
// the system's tz database (docs/contract.md §2 "Scheduled restarts").
struct RestartSchedule {
  std::string cron;               // parses (CronExpression::Parse)
  std::string time_zone = "UTC";  // an IANA name, checked against the tz database
  // A restart missed while the controller was down runs once when it is
  // back if it is at most this late; unset: however late it is.
  std::optional<int> starting_deadline_seconds;
  std::vector<ScheduleWarning> warnings;  // any order; run earliest first

  friend bool operator==(const RestartSchedule&, const RestartSchedule&) = default;
};

// The signals spec.stopSignal may name ("SIGTERM", ...).
bool IsKnownStopSignal(std::string_view name);
inline constexpr std::string_view kStopSignalRule =
    "must be one of SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR1, SIGUSR2, "
    "SIGWINCH, SIGPWR, SIGKILL";

// spec.secretEnv: an environment variable whose value is the content of a
// file under the controller's --secrets-dir (reconcile/ports/secret_source.h),
// never written in a manifest, the store or any answer.
struct SecretEnvSource {
  std::string file;  // relative to --secrets-dir (IsCleanRelativePath)
  // The keyed digest of the file's content, stamped by the manifest sync
  // (reconcile/secret_digests.h): a changed secret changes the spec, and
  // so updates the container. Empty in a manifest.
  std::string digest;

  friend bool operator==(const SecretEnvSource&, const SecretEnvSource&) = default;
};

struct GameSpec {
  std::string image;  // the image_ref; required
  std::vector<std::string> command;  // argv; empty: the image's default
  std::map<std::string, std::string> env;
  // Variables whose values come from files (SecretEnvSource); a name is in
  // env or here, not both. Part of the container, through its digest.
  std::map<std::string, SecretEnvSource> secret_env;
  DesiredState state = DesiredState::kRunning;
  int64_t restart_generation = 0;
  std::vector<PortMapping> ports;
  std::optional<HealthCheck> health_check;
  int stop_timeout_seconds = 10;
  // The signal a stop sends first (SIGKILL follows after
  // stop_timeout_seconds); empty: the image's STOPSIGNAL, else SIGTERM. Part
  // of the container (set when it is created).
  std::string stop_signal;
  // Run in the container before every stop of it (stop, restart, update,
  // removal); its outcome goes into the stop's audit entry, and the stop
  // proceeds whatever it is. Not part of the container.
  std::optional<ExecHook> pre_stop;
  // Drain before a voluntary disruption; not part of the container.
  std::optional<DrainPolicy> drain;
  Resources resources;
  std::vector<VolumeMount> volumes;
  VolumeReclaimPolicy volume_reclaim_policy = VolumeReclaimPolicy::kRetain;
  // spec.maxConsecutiveFailures: self-heals of a container that keeps dying
  // before the game is given up (phase Failed until its generation
  // changes); unset: no limit. Not part of the container.
  std::optional<int> max_consecutive_failures;
  // Placement, for cluster mode (docs/cluster.md "Placement"); on one host
  // they are accepted and ignored. They are not part of the container: a
  // change of them alone is no reason to recreate it (SpecHash and
  // DifferingSpecFields leave them out).
  std::string node_name;  // pinned to the node of that name; empty: not pinned
  std::map<std::string, std::string> node_selector;  // empty: any node
  // Restarts on a schedule; not part of the container.
  std::optional<RestartSchedule> restart_schedule;

  friend bool operator==(const GameSpec&, const GameSpec&) = default;
};

// The rule of game ids and node names, as errors state it.
inline constexpr std::string_view kDnsLabelRule =
    "must be a DNS label (^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$)";

// A game id is a DNS label: ^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$
bool IsValidGameId(std::string_view id);

// A node name follows the rule of game ids (a DNS label).
bool IsValidNodeName(std::string_view name);

// nodeSelector entries, a simplified Kubernetes label syntax: a key is 1 to
// 253 characters, a value 1 to 63, both of [A-Za-z0-9._/-] only (no
// structure is imposed on prefixes or segments).
inline constexpr std::string_view kNodeSelectorKeyRule =
    "key must be 1..253 characters of [A-Za-z0-9._/-]";
inline constexpr std::string_view kNodeSelectorValueRule =
    "must be 1..63 characters of [A-Za-z0-9._/-]";
bool IsValidNodeSelectorKey(std::string_view key);
bool IsValidNodeSelectorValue(std::string_view value);

// The path of one nodeSelector entry in errors: spec.nodeSelector["zone"]
// (keys may hold dots and slashes, so they are not joined with '.').
std::string NodeSelectorEntryPath(std::string_view key);

// A host path as spec.volumes[].hostPath must be: absolute, no "." or ".."
// component, no empty component (no "//"), no trailing slash but "/".
bool IsCleanAbsolutePath(std::string_view path);

// A file under a directory as spec.secretEnv names it: not empty, not
// absolute, no "." or ".." component, no empty component.
bool IsCleanRelativePath(std::string_view path);

// Whether an environment variable's name says it holds a secret: it
// contains PASSWORD, TOKEN, SECRET or KEY, in any case. Such spec.env
// values are redacted in every answer and `validate` warns about them.
bool LooksLikeSecretName(std::string_view name);
inline constexpr std::string_view kRedactedValue = "<redacted>";

// Whether `path` (clean, absolute) is `prefix` or below it, component-wise:
// "/srv/games/eu" is under "/srv/games" but not under "/srv/gam".
bool IsUnderPrefix(std::string_view path, std::string_view prefix);

// Checks the invariants every lifecycle service relies on; the error
// (kInvalidRequest) names the offending field, e.g. "spec.ports[1].hostPort",
// "spec.nodeName" or "spec.nodeSelector[\"zone\"]".
Expected<void> ValidateGameSpec(const GameSpec& spec);

}  // namespace rtm
