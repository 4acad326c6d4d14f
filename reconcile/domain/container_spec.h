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
  std::vector<PortMapping> ports;
  std::optional<HealthCheck> health_check;
  std::optional<int64_t> memory_bytes;
  std::optional<int64_t> nano_cpus;

  friend bool operator==(const ContainerSpec&, const ContainerSpec&) = default;
};

std::string ContainerName(std::string_view game_id);  // "rtm-" + game_id

// Hex hash of every spec field whose change requires a recreate (all but
// state, restartGeneration, nodeName and nodeSelector: placement is not part
// of the container), prefixed by the hashing scheme version so a new release
// never silently changes the hash of an unchanged spec.
std::string SpecHash(const GameSpec& spec);

struct ContainerIdentity {
  std::string game_id;
  int64_t generation = 0;  // metadata.generation
};

// The labels selecting the containers a controller on `network` owns.
std::map<std::string, std::string> OwnedSelector(std::string_view network);
// True when `labels` carry the managed and network labels of `network`.
bool IsOwned(const std::map<std::string, std::string>& labels,
             std::string_view network);

ContainerSpec BuildContainerSpec(const ContainerIdentity& identity,
                                 const GameSpec& spec,
                                 std::string_view network);

}  // namespace rtm
