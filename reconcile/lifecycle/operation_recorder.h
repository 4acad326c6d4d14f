#pragma once

#include <expected>
#include <string>

#include "reconcile/domain/error.h"
#include "reconcile/domain/operation.h"
#include "reconcile/domain/runtime_record.h"
#include "reconcile/lifecycle/lifecycle_ports.h"

namespace rtm {

// Writes the audit entry, telemetry and log line of one operation. Created
// when the operation starts (that instant is its startedAt). The audit
// append is best effort: a failed append is logged at error level and never
// changes the operation's outcome.
//
// Fail and Succeed also give the operation's result at the services'
// boundary, an Expected<RuntimeRecord> (docs/contract.md §4): the record
// after the operation, or the Error with its stable code and message. The
// failure is returned as a value, once its audit entry is written.
class OperationRecorder {
 public:
  OperationRecorder(const LifecyclePorts& ports, OpKind kind,
                    std::string game_id, OpSource source,
                    std::string source_ref);

  // The correlation id written by the entries recorded from now on; set
  // when the operation generates one because its source_ref was empty.
  void set_correlation_ref(std::string ref) { source_ref_ = std::move(ref); }
  const std::string& correlation_ref() const { return source_ref_; }

  // What the entry also says: the spec.preStop run before the stop, how
  // the disruption got past its drain gate.
  void set_pre_stop(HookRun run) { pre_stop_ = std::move(run); }
  void set_drain(std::optional<DrainRecord> drain) { drain_ = drain; }
  // Who asked for it through the API (OperationEntry::requested_by).
  void set_requested_by(std::optional<Requester> requester) {
    requested_by_ = std::move(requester);
  }

  // The failure's code, message, image and container go into the entry;
  // returns the failure, to be returned as the operation's result.
  std::unexpected<Error> Fail(Error failure);
  // Success; the entry names the record's image and container. Returns the
  // record, the operation's result.
  Expected<RuntimeRecord> Succeed(RuntimeRecord record);
  // Success of an operation whose audited container is not the record's
  // current one (a removal, a stray container, a recovered restart).
  void SucceedWith(std::string image_ref, std::string container_id);

 private:
  // Writes the entry of the finished operation and its telemetry.
  const OperationEntry& Finish(Outcome outcome, std::optional<ErrorCode> code,
                               std::string message, std::string image_ref,
                               std::string container_id);
  void Append(const OperationEntry& entry);
  // The log line of the finished operation: its entry's identifying fields
  // and `details`.
  void LogFinished(LogLevel level, std::string_view verb,
                   std::vector<LogField> details) const;

  const LifecyclePorts& ports_;
  OpKind kind_;
  std::string game_id_;
  OpSource source_;
  std::string source_ref_;
  Timestamp started_at_;
  std::optional<HookRun> pre_stop_;
  std::optional<DrainRecord> drain_;
  std::optional<Requester> requested_by_;
  OperationEntry entry_;  // the entry Finish wrote
};

}  // namespace rtm
