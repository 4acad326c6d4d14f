#include "reconcile/lifecycle/operation_recorder.h"

#include <utility>

namespace rtm {

OperationRecorder::OperationRecorder(const LifecyclePorts& ports, OpKind kind,
                                     std::string game_id, OpSource source,
                                     std::string source_ref)
    : ports_(ports),
      kind_(kind),
      game_id_(std::move(game_id)),
      source_(source),
      source_ref_(std::move(source_ref)),
      started_at_(ports.clock.Now()) {}

std::unexpected<Error> OperationRecorder::Fail(Error failure) {
  const OperationEntry& entry =
      Finish(Outcome::kFailure, failure.code, failure.message,
             failure.image_ref, failure.container_id);
  LogFinished(LogLevel::kWarn, "failed",
              {{"image_ref", entry.image_ref},
               {"error_code", std::string(ToString(failure.code))},
               {"error_message", entry.error_message}});
  return std::unexpected(std::move(failure));
}

Expected<RuntimeRecord> OperationRecorder::Succeed(RuntimeRecord record) {
  SucceedWith(record.current_image_ref, record.current_container_id);
  return record;
}

void OperationRecorder::SucceedWith(std::string image_ref,
                                    std::string container_id) {
  const OperationEntry& entry =
      Finish(Outcome::kSuccess, std::nullopt, {}, std::move(image_ref),
             std::move(container_id));
  LogFinished(LogLevel::kDebug, "succeeded",
              {{"image_ref", entry.image_ref}, {"container_id", entry.container_id}});
}

void OperationRecorder::LogFinished(LogLevel level, std::string_view verb,
                                    std::vector<LogField> details) const {
  std::vector<LogField> fields{{"game_id", game_id_},
                               {"op_kind", std::string(ToString(kind_))},
                               {"op_source", std::string(ToString(source_))},
                               {"source_ref", source_ref_}};
  if (requested_by_) {
    fields.push_back({"requested_by", requested_by_->name});
    fields.push_back({"remote_address", requested_by_->address});
  }
  for (LogField& detail : details) fields.push_back(std::move(detail));
  ports_.logger.Log(level, "runtime " + std::string(ToString(kind_)) + " " + std::string(verb),
                    fields);
}

const OperationEntry& OperationRecorder::Finish(
    Outcome outcome, std::optional<ErrorCode> code, std::string message,
    std::string image_ref, std::string container_id) {
  entry_ = OperationEntry{
      .game_id = game_id_,
      .op_kind = kind_,
      .op_source = source_,
      .source_ref = source_ref_,
      .image_ref = std::move(image_ref),
      .container_id = std::move(container_id),
      .outcome = outcome,
      .error_code = code,
      .error_message = std::move(message),
      .started_at = started_at_,
      .finished_at = ports_.clock.Now(),
      .pre_stop = pre_stop_,
      .drain = drain_,
      .requested_by = requested_by_,
  };
  Append(entry_);
  ports_.telemetry.RecordOperation(kind_, outcome, code,
                                   entry_.finished_at - started_at_);
  return entry_;
}

void OperationRecorder::Append(const OperationEntry& entry) {
  if (auto appended = ports_.operation_log.Append(entry); !appended) {
    ports_.logger.Log(
        LogLevel::kError, "append operation log",
        {{"game_id", entry.game_id},
         {"op_kind", std::string(ToString(entry.op_kind))},
         {"outcome", std::string(ToString(entry.outcome))},
         {"error_code",
          entry.error_code ? std::string(ToString(*entry.error_code)) : ""},
         {"err", appended.error().message}});
  }
}

}  // namespace rtm
