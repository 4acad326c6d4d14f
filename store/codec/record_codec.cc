#include "store/codec/record_codec.h"

#include <nlohmann/json.hpp>

#include "store/codec/game_runtime_json.h"
#include "store/codec/json_reader.h"
#include "store/codec/operation_entry_json.h"
#include "store/codec/runtime_record_json.h"

namespace rtm {
namespace {

using codec_internal::DumpJson;
using codec_internal::ParseJsonText;

template <typename Value>
Expected<Value> DecodeText(std::string_view text, Expected<Value> (*from_json)(
                                                      const nlohmann::json&)) {
  auto value = ParseJsonText(text);
  if (!value) return std::unexpected(value.error());
  return from_json(*value);
}

}  // namespace

std::string EncodeRuntimeRecord(const RuntimeRecord& record) {
  return DumpJson(ToJson(record));
}

Expected<RuntimeRecord> DecodeRuntimeRecord(std::string_view text) {
  return DecodeText(text, &RuntimeRecordFromJson);
}

std::string EncodeOperationEntry(const OperationEntry& entry) {
  return DumpJson(ToJson(entry));
}

Expected<OperationEntry> DecodeOperationEntry(std::string_view text) {
  return DecodeText(text, &OperationEntryFromJson);
}

std::string EncodeDesiredRuntime(const DesiredRuntime& runtime) {
  return DumpJson(ToJson(runtime));
}

Expected<DesiredRuntime> DecodeDesiredRuntime(std::string_view text) {
  return DecodeText(text, &DesiredRuntimeFromJson);
}

std::string EncodeRuntimeStatusView(const RuntimeStatusView& status) {
  return DumpJson(ToJson(status));
}

Expected<RuntimeStatusView> DecodeRuntimeStatusView(std::string_view text) {
  return DecodeText(text, &RuntimeStatusViewFromJson);
}

}  // namespace rtm
