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

void RunPreStop(const LifecyclePorts& ports, const RuntimeRecord& record,
                OperationRecorder& recorder) {
  if (!record.spec.pre_stop || record.current_container_id.empty()) return;
  const ExecHook& hook = *record.spec.pre_stop;
  const Timestamp started = ports.clock.Now();
  Expected<ExecResult> result =
      ports.engine.Exec(record.current_container_id, hook.command,
                        std::chrono::seconds(hook.timeout_seconds));
  if (!result && (result.error().code == ErrorCode::kConflict ||
                  result.error().code == ErrorCode::kNotFound)) {
    return;  // not running: nobody to prepare for the stop
  }
  HookRun run;
  run.duration = ports.clock.Now() - started;
  if (result) {
    run.exit_code = result->exit_code;
    run.timed_out = !result->exit_code.has_value();
    run.output_tail = std::move(result->output_tail);
  } else {
    run.error = result.error().message;
  }
  if (run.exit_code != 0) {
    ports.logger.Log(
        LogLevel::kWarn, "preStop did not succeed; stopping anyway",
        {{"game_id", record.game_id},
         {"container_id", record.current_container_id},
         {"exit_code", run.exit_code ? std::to_string(*run.exit_code) : ""},
         {"timed_out", run.timed_out ? "true" : "false"},
         {"err", run.error}});
  }
  recorder.set_pre_stop(std::move(run));
}

std::optional<Termination> TerminationOf(const ContainerState& state) {
  if (state.running || !state.finished_at) return std::nullopt;
  return Termination{
      .container_id = state.id,
      .exit_code = state.exit_code,
      .reason = std::string(TerminationReason(state.exit_code, state.oom_killed)),
      .started_at = state.started_at.value_or(Timestamp{}),
      .finished_at = *state.finished_at,
  };
}

std::optional<Termination> KeepLastWords(const LifecyclePorts& ports,
                                         const std::string& game_id,
                                         const std::string& container_id) {
  const auto warn = [&](std::string message, const Error& error) {
    ports.logger.Log(LogLevel::kWarn, std::move(message),
                     {{"game_id", game_id},
                      {"container_id", container_id},
                      {"err", error.message}});
  };
  if (auto logs = ports.engine.ContainerLogs(container_id, kArchivedLogBytes); !logs) {
    warn("cannot read the logs of the stopped container", logs.error());
  } else if (auto kept = ports.logs.Keep(
                 game_id, ArchivedLogs{container_id, ports.clock.Now(), std::move(*logs)});
             !kept) {
    warn("cannot keep the logs of the stopped container", kept.error());
  }
  auto state = ports.engine.InspectContainer(container_id);
  if (!state) {
    warn("cannot read how the stopped container ended", state.error());
    return std::nullopt;
  }
  return TerminationOf(*state);
}

std::string LastLine(std::string_view output) {
  constexpr size_t kMaxBytes = 120;
  const size_t end = output.find_last_not_of(" \t\r\n");
  if (end == std::string_view::npos) return {};
  const size_t newline = output.rfind('\n', end);
  const size_t begin = newline == std::string_view::npos ? 0 : newline + 1;
  std::string_view line = output.substr(begin, end + 1 - begin);
  if (line.size() > kMaxBytes) line = line.substr(0, kMaxBytes);
  return std::string(line);
}

}  // namespace rtm
