#include "reconcile/lifecycle/service_support.h"

namespace rtm {

std::string Quoted(std::string_view text) {
  return "\"" + std::string(text) + "\"";
}

Expected<void> ValidateOperationTarget(std::string_view game_id,
                                       OpSource source) {
  if (game_id.empty()) {
    return Fail(ErrorCode::kInvalidRequest, "game id must not be empty");
  }
  if (!IsValidGameId(game_id)) {
    return Fail(ErrorCode::kInvalidRequest,
                "game id " + Quoted(game_id) +
                    " must be a DNS label "
                    "(^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$)");
  }
  if (ToString(source) == "unknown") {
    return Fail(ErrorCode::kInvalidRequest,
                "op source " +
                    std::to_string(static_cast<int>(source)) +
                    " is unsupported");
  }
  return {};
}

Expected<void> ValidateSpecOperation(std::string_view game_id, OpSource source,
                                     int64_t generation, const GameSpec& spec) {
  if (auto target = ValidateOperationTarget(game_id, source); !target) {
    return target;
  }
  if (generation < 0) {
    return Fail(ErrorCode::kInvalidRequest, "generation must be >= 0");
  }
  return ValidateGameSpec(spec);
}

Expected<RuntimeRecord> LoadActiveRecord(
    RuntimeRecordStore& records, std::string_view game_id,
    std::string_view verb) {
  Expected<RuntimeRecord> record = records.Get(game_id);
  if (!record && record.error().code == ErrorCode::kNotFound) {
    return std::unexpected(Error{
        ErrorCode::kNotFound,
        "runtime record for game " + Quoted(game_id) + " does not exist",
        {},
        {}});
  }
  if (!record) {
    return std::unexpected(Error{
        ErrorCode::kInternal,
        "load runtime record: " + record.error().message, {}, {}});
  }
  if (record->status == RuntimeStatus::kRemoved) {
    return std::unexpected(Error{
        ErrorCode::kConflict,
        "runtime for game " + Quoted(game_id) + " is removed; cannot " +
            std::string(verb),
        record->current_image_ref,
        {}});
  }
  return std::move(*record);
}

}  // namespace rtm
