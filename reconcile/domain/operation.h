// Operation-log entries (docs/contract.md §4): the durable audit trail of every
// lifecycle operation.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "reconcile/domain/error.h"
#include "reconcile/domain/time.h"

namespace rtm {

enum class OpKind { kStart, kStop, kRestart, kUpdate, kRemove };
enum class OpSource { kManifest, kRest, kReconciler };
enum class Outcome { kSuccess, kFailure };

std::string_view ToString(OpKind kind);
std::string_view ToString(OpSource source);
std::string_view ToString(Outcome outcome);
std::optional<OpKind> ParseOpKind(std::string_view name);
std::optional<OpSource> ParseOpSource(std::string_view name);
std::optional<Outcome> ParseOutcome(std::string_view name);

struct OperationEntry {
  // Assigned by the operation log on append; 0 before.
  uint64_t sequence = 0;
  std::string game_id;
  OpKind op_kind = OpKind::kStart;
  OpSource op_source = OpSource::kReconciler;
  std::string source_ref;  // correlation id shared by outer and inner entries
  std::string image_ref;
  std::string container_id;
  Outcome outcome = Outcome::kSuccess;
  std::optional<ErrorCode> error_code;  // set iff outcome == kFailure
  std::string error_message;
  Timestamp started_at{};
  Timestamp finished_at{};

  friend bool operator==(const OperationEntry&,
                         const OperationEntry&) = default;
};

}  // namespace rtm
