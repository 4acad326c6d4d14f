#include "store/codec/cluster_codec.h"

#include <cstdint>

#include "store/codec/json_reader.h"

namespace rtm {
namespace {

using codec_internal::DecodeGuarded;
using codec_internal::DumpJson;
using codec_internal::ObjectReader;
using codec_internal::ParseJsonText;
using nlohmann::json;

int64_t UnixMs(Timestamp at) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             at.time_since_epoch())
      .count();
}

Timestamp FromUnixMs(int64_t ms) {
  return Timestamp(std::chrono::duration_cast<Duration>(
      std::chrono::milliseconds(ms)));
}

template <typename Value, typename Read>
Expected<Value> DecodeText(std::string_view text, Read read) {
  auto parsed = ParseJsonText(text);
  if (!parsed) return std::unexpected(parsed.error());
  return DecodeGuarded<Value>([&] { return read(ObjectReader(*parsed, "")); });
}

}  // namespace

std::string EncodeNodeInfo(const NodeInfo& info) {
  return DumpJson({{"name", info.name},
                   {"labels", info.labels},
                   {"maxRuntimes", info.max_runtimes},
                   {"startedAtUnixMs", UnixMs(info.started_at)}});
}

Expected<NodeInfo> DecodeNodeInfo(std::string_view text) {
  return DecodeText<NodeInfo>(text, [](const ObjectReader& reader) {
    NodeInfo info;
    info.name = reader.String("name");
    info.labels = reader.StringMap("labels");
    info.max_runtimes = static_cast<size_t>(reader.Uint64("maxRuntimes"));
    info.started_at = FromUnixMs(reader.Int64("startedAtUnixMs"));
    return info;
  });
}

std::string EncodeNodeState(const StoredNodeState& state) {
  return DumpJson({{"state", std::string(ToString(state.state))},
                   {"sinceUnixMs", UnixMs(state.since)}});
}

Expected<StoredNodeState> DecodeNodeState(std::string_view text) {
  return DecodeText<StoredNodeState>(text, [](const ObjectReader& reader) {
    StoredNodeState state;
    const std::string name = reader.String("state");
    if (name == "Lost") {
      state.state = NodeState::kLost;
    } else if (name == "Ready") {
      state.state = NodeState::kReady;
    } else {
      reader.Mistyped("state", "Ready or Lost");
    }
    state.since = FromUnixMs(reader.Int64("sinceUnixMs"));
    return state;
  });
}

std::string EncodeAssignment(const Assignment& assignment) {
  return DumpJson({{"node", assignment.node}, {"reason", assignment.reason}});
}

Expected<Assignment> DecodeAssignment(std::string_view text) {
  return DecodeText<Assignment>(text, [](const ObjectReader& reader) {
    Assignment assignment;
    assignment.node = reader.String("node");
    assignment.reason = reader.String("reason");
    return assignment;
  });
}

}  // namespace rtm
