// The stored text of the values the leveldb store keeps: the compact JSON
// of the codecs in store/codec/ (one codec per type; the store's format,
// not the REST API's, which controller/api/representation/ renders). Encoding never throws on content (invalid UTF-8 in strings is
// replaced by U+FFFD). Decoding never throws: a value that is not JSON, or
// a field that is missing, mistyped or out of range is kInternal naming the
// field (e.g. "spec.ports[1].hostPort"). Unknown fields are ignored, so
// that an older binary reads newer values.
#pragma once

#include <string>
#include <string_view>

#include "reconcile/domain/error.h"
#include "reconcile/domain/game_runtime.h"
#include "reconcile/domain/operation.h"
#include "reconcile/domain/runtime_record.h"

namespace rtm {

std::string EncodeRuntimeRecord(const RuntimeRecord& record);
Expected<RuntimeRecord> DecodeRuntimeRecord(std::string_view text);

std::string EncodeOperationEntry(const OperationEntry& entry);
Expected<OperationEntry> DecodeOperationEntry(std::string_view text);

std::string EncodeDesiredRuntime(const DesiredRuntime& runtime);
Expected<DesiredRuntime> DecodeDesiredRuntime(std::string_view text);

std::string EncodeRuntimeStatusView(const RuntimeStatusView& status);
Expected<RuntimeStatusView> DecodeRuntimeStatusView(std::string_view text);

}  // namespace rtm
