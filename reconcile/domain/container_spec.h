// The Docker mapping of docs/contract.md §3 as pure data: what container a game's spec
// asks the engine for. The container-engine adapter only translates this to
// the wire; every decision about names, labels and hashes is made here.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reconcile/domain/game_spec.h"

namespace rtm {

inline constexpr std::string_view kLabelManaged = "io.rtmanager.managed";
inline constexpr std::string_view kLabelGame = "io.rtmanager.game";
inline constexpr std::string_view kLabelGeneration = "io.rtmanager.generation";
inline constexpr std::string_view kLabelRestartGeneration =
    "io.rtmanager.restart-generation";
inline constexpr std::string_view kLabelSpecHash = "io.rtmanager.spec-hash";
// The image reference the container was created from, as the spec wrote it
// (the engine's list shows an image id once the tag has moved).
inline constexpr std::string_view kLabelImage = "io.rtmanager.image";
// The controller's network: one controller owns the managed containers of
// its network only, so several controllers (or test runs) can share one
// engine without touching each other's games.
inline constexpr std::string_view kLabelNetwork = "io.rtmanager.network";

// The label a game's named volumes carry (with kLabelManaged and
// kLabelNetwork): whose they are.
inline constexpr std::string_view kLabelVolumeOf = "io.rtmanager.volume-of";

// One mount of a container: a named volume (created by the engine when
// missing, with `volume_labels`) or a bind mount of a host path.
struct ContainerMount {
  bool bind = false;
  std::string source;  // the volume's name, or the host path
  std::string target;  // the path inside the container
  bool read_only = false;
  std::map<std::string, std::string> volume_labels;  // named volumes only

  friend bool operator==(const ContainerMount&, const ContainerMount&) = default;
};

// The Docker volume of spec.volumes[] entry `volume` of `game_id`:
// "rtm-<game>-<name>", one per game, so games never share a world save.
std::string VolumeName(std::string_view game_id, std::string_view volume);

// The Docker volumes a game's spec names (its named volumes, not its bind
// mounts), in spec order.
std::vector<std::string> NamedVolumesOf(std::string_view game_id, const GameSpec& spec);

struct ContainerSpec {
  std::string name;      // rtm-<game>
  std::string hostname;  // <game>
  std::string image;
  std::vector<std::string> command;
  std::vector<std::string> env;  // "KEY=value", sorted by key
  std::map<std::string, std::string> labels;
  std::string network;
  std::vector<std::string> network_aliases;  // {<game>}
  bool init = true;
  int stop_timeout_seconds = 10;
  std::string stop_signal;  // empty: the image's, else SIGTERM
  std::vector<PortMapping> ports;
  std::optional<HealthCheck> health_check;
  std::optional<int64_t> memory_bytes;
  std::optional<int64_t> nano_cpus;
  std::vector<ContainerMount> mounts;

  friend bool operator==(const ContainerSpec&, const ContainerSpec&) = default;
};

std::string ContainerName(std::string_view game_id);  // "rtm-" + game_id

// Hex hash of every spec field whose change requires a recreate (all but
// state, restartGeneration, nodeName, nodeSelector, volumeReclaimPolicy,
// maxConsecutiveFailures, preStop and drain: placement, what happens around
// the container and at removal are not part of it; volumes and stopSignal
// count only when set, so that specs written before they existed keep their
// hash), prefixed by the hashing scheme version so a new release
// never silently changes the hash of an unchanged spec.
std::string SpecHash(const GameSpec& spec);

// Copies onto `spec` (a runtime record's) the fields of `desired` that are
// not part of the container and that operations read from the record:
// preStop, drain, volumeReclaimPolicy, maxConsecutiveFailures, nodeName and
// nodeSelector. A change of them alone recreates nothing, so the record
// follows them this way. Returns whether anything changed.
bool FollowFieldsOutsideContainer(GameSpec& spec, const GameSpec& desired);

struct ContainerIdentity {
  std::string game_id;
  int64_t generation = 0;  // metadata.generation
};

// The labels selecting the containers a controller on `network` owns.
std::map<std::string, std::string> OwnedSelector(std::string_view network);
// True when `labels` carry the managed and network labels of `network`.
bool IsOwned(const std::map<std::string, std::string>& labels,
             std::string_view network);

// The container of `spec`, without its spec.secretEnv values (the labels
// carry their digests through the spec hash).
ContainerSpec BuildContainerSpec(const ContainerIdentity& identity,
                                 const GameSpec& spec,
                                 std::string_view network);

// `spec` with "NAME=value" of each of `values` added to its environment,
// which stays sorted by name: what is created, and nowhere else kept.
ContainerSpec WithSecretValues(ContainerSpec spec,
                               const std::map<std::string, std::string>& values);

}  // namespace rtm
