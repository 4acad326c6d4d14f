#include "store/etcd/etcd_keys.h"

#include <limits>
#include <utility>

namespace rtm {
namespace {

constexpr size_t kSequenceDigits = 20;

std::string Padded(uint64_t value) {
  std::string digits = std::to_string(value);
  return std::string(kSequenceDigits - digits.size(), '0') + digits;
}

}  // namespace

EtcdKeys::EtcdKeys(std::string prefix, std::string node)
    : prefix_(std::move(prefix)), node_(std::move(node)) {}

std::string EtcdKeys::RuntimesPrefix() const { return prefix_ + "runtimes/"; }
std::string EtcdKeys::DesiredPrefix() const {
  return RuntimesPrefix() + "desired/";
}
std::string EtcdKeys::RecordsPrefix() const {
  return node_.empty() ? prefix_ + "records/"
                       : prefix_ + "noderecords/" + node_ + "/";
}
std::string EtcdKeys::OperationsPrefix() const { return prefix_ + "oplog/all/"; }
std::string EtcdKeys::OperationsByGamePrefix(std::string_view game_id) const {
  return prefix_ + "oplog/game/" + std::string(game_id) + "/";
}

std::string EtcdKeys::Desired(std::string_view name) const {
  return DesiredPrefix() + std::string(name);
}
std::string EtcdKeys::Status(std::string_view name) const {
  return RuntimesPrefix() + "status/" + std::string(name);
}
std::string EtcdKeys::Record(std::string_view game_id) const {
  return RecordsPrefix() + std::string(game_id);
}
std::string EtcdKeys::Lease(std::string_view game_id) const {
  return prefix_ + "leases/" + std::string(game_id);
}
std::string EtcdKeys::OperationSequence() const {
  return prefix_ + "oplog/sequence";
}
std::string EtcdKeys::Operation(uint64_t sequence) const {
  return OperationsPrefix() + Padded(sequence);
}
std::string EtcdKeys::OperationByGame(std::string_view game_id,
                                      uint64_t sequence) const {
  return OperationsByGamePrefix(game_id) +
         Padded(std::numeric_limits<uint64_t>::max() - sequence);
}

std::string EtcdKeys::ClusterPrefix() const { return prefix_ + "cluster/"; }
std::string EtcdKeys::Node(std::string_view node) const {
  return ClusterPrefix() + "nodes/" + std::string(node);
}
std::string EtcdKeys::Alive(std::string_view node) const {
  return ClusterPrefix() + "alive/" + std::string(node);
}
std::string EtcdKeys::NodeState(std::string_view node) const {
  return ClusterPrefix() + "nodestate/" + std::string(node);
}
std::string EtcdKeys::Assignment(std::string_view game) const {
  return ClusterPrefix() + "assign/" + std::string(game);
}
std::string EtcdKeys::Election() const { return ClusterPrefix() + "election"; }

std::optional<EtcdKeys::RuntimeKey> EtcdKeys::ParseRuntimeKey(
    std::string_view key) const {
  const std::string runtimes = RuntimesPrefix();
  if (!key.starts_with(runtimes)) return std::nullopt;
  key.remove_prefix(runtimes.size());
  for (const auto& [part, folder] :
       {std::pair{RuntimePart::kDesired, std::string_view("desired/")},
        std::pair{RuntimePart::kStatus, std::string_view("status/")}}) {
    if (key.starts_with(folder) && key.size() > folder.size()) {
      return RuntimeKey{part, std::string(key.substr(folder.size()))};
    }
  }
  return std::nullopt;
}

}  // namespace rtm
