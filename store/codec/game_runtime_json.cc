#include "store/codec/game_runtime_json.h"

#include <string>
#include <utility>

#include "reconcile/domain/disruption_budget.h"
#include "store/codec/game_spec_json.h"
#include "store/codec/json_reader.h"
#include "store/codec/operation_entry_json.h"
#include "store/codec/runtime_record_json.h"

namespace rtm {
namespace {

using codec_internal::ObjectReader;
using codec_internal::ReadEnum;
using nlohmann::json;

constexpr Phase kPhases[] = {Phase::kPending, Phase::kRunning, Phase::kStopped,
                             Phase::kFailed, Phase::kRemoved, Phase::kUnknown};
constexpr ConditionStatus kConditionStatuses[] = {
    ConditionStatus::kTrue, ConditionStatus::kFalse, ConditionStatus::kUnknown};

std::string_view ErrorCodeOrEmpty(const std::optional<ErrorCode>& code) {
  return code ? ToString(*code) : "";
}

std::optional<ErrorCode> ReadOptionalErrorCode(const ObjectReader& reader,
                                               std::string_view name) {
  if (!reader.Has(name) || reader.String(name).empty()) return std::nullopt;
  return ReadEnum(reader, name, &ParseErrorCode);
}

json SourceToJson(const ManifestSource& source) {
  return {{"path", source.path},
          {"documentIndex", source.document_index},
          {"line", source.line}};
}

ManifestSource ReadSource(const ObjectReader& reader) {
  ManifestSource source;
  source.path = reader.String("path");
  source.document_index = reader.Int("documentIndex");
  source.line = reader.Int("line");
  return source;
}

json LastRestartToJson(const LastRestart& restart) {
  return {{"restartGeneration", restart.restart_generation},
          {"outcome", restart.outcome},
          {"errorCode", ErrorCodeOrEmpty(restart.error_code)},
          {"containerId", restart.container_id},
          {"sourceRef", restart.source_ref},
          {"finishedAt", FormatRfc3339(restart.finished_at)}};
}

LastRestart ReadLastRestart(const ObjectReader& reader) {
  LastRestart restart;
  restart.restart_generation = reader.Int64("restartGeneration");
  restart.outcome = reader.String("outcome");
  restart.error_code = ReadOptionalErrorCode(reader, "errorCode");
  restart.container_id = reader.String("containerId");
  restart.source_ref = reader.String("sourceRef");
  restart.finished_at = reader.Time("finishedAt");
  return restart;
}

json LastErrorToJson(const LastError& error) {
  return {{"code", ToString(error.code)},
          {"message", error.message},
          {"at", FormatRfc3339(error.at)}};
}

LastError ReadLastError(const ObjectReader& reader) {
  LastError error;
  error.code = ReadEnum(reader, "code", &ParseErrorCode);
  error.message = reader.String("message");
  error.at = reader.Time("at");
  return error;
}

json ConditionToJson(const Condition& condition) {
  return {
      {"type", condition.type},
      {"status", ToString(condition.status)},
      {"reason", condition.reason},
      {"message", condition.message},
      {"lastTransitionTime", FormatRfc3339(condition.last_transition_time)}};
}

Condition ReadCondition(const ObjectReader& reader) {
  Condition condition;
  condition.type = reader.String("type");
  condition.status = ReadEnum(reader, "status", &ParseConditionStatus);
  condition.reason = reader.String("reason");
  condition.message = reader.String("message");
  condition.last_transition_time = reader.Time("lastTransitionTime");
  return condition;
}

}  // namespace

std::optional<Phase> ParsePhase(std::string_view name) {
  for (Phase phase : kPhases) {
    if (ToString(phase) == name) return phase;
  }
  return std::nullopt;
}

std::optional<ConditionStatus> ParseConditionStatus(std::string_view name) {
  for (ConditionStatus status : kConditionStatuses) {
    if (ToString(status) == name) return status;
  }
  return std::nullopt;
}

json ToJson(const DesiredRuntime& runtime) {
  json out = {{"apiVersion", kGameRuntimeApiVersion},
          {"kind", kGameRuntimeKind},
          {"metadata",
           {{"name", runtime.name},
            {"labels", runtime.labels},
            {"generation", runtime.generation},
            {"source", SourceToJson(runtime.source)},
            {"apiRestartCount", runtime.api_restart_count},
            {"restartSource", ToString(runtime.restart_source)},
            {"restartSourceRef", runtime.restart_source_ref},
            {"deleted", runtime.deleted},
            {"manifestError", runtime.manifest_error},
            {"creationTimestamp", runtime.created_at == Timestamp{}
                                      ? json(nullptr)
                                      : json(FormatRfc3339(runtime.created_at))}}},
          {"spec", ToJson(runtime.spec)}};
  if (runtime.force_restart_generation != 0) {
    out["metadata"]["forceRestartGeneration"] = runtime.force_restart_generation;
  }
  if (runtime.restart_requested_by) {
    out["metadata"]["restartRequestedBy"] = ToJson(*runtime.restart_requested_by);
  }
  if (runtime.schedule_checked_through != Timestamp{}) {
    out["metadata"]["scheduleCheckedThrough"] =
        FormatRfc3339(runtime.schedule_checked_through);
  }
  if (runtime.disruption_budget) {
    const BudgetTerms& terms = *runtime.disruption_budget;
    out["metadata"]["disruptionBudget"] = {
        {"name", terms.name},
        {"maxUnavailable", terms.max_unavailable.ToString()},
        {"minReadySeconds", terms.min_ready_seconds},
        {"sourcePath", terms.source_path}};
  }
  return out;
}

Expected<DesiredRuntime> DesiredRuntimeFromJson(const json& value) {
  return codec_internal::DecodeGuarded<DesiredRuntime>([&] {
    const ObjectReader reader(value, "");
    const ObjectReader metadata = reader.Object("metadata");
    DesiredRuntime runtime;
    runtime.name = metadata.String("name");
    runtime.labels = metadata.StringMap("labels");
    runtime.generation = metadata.Int64("generation");
    runtime.source = ReadSource(metadata.Object("source"));
    runtime.api_restart_count = metadata.Int64("apiRestartCount");
    runtime.restart_source =
        ReadEnum(metadata, "restartSource", &ParseOpSource);
    runtime.restart_source_ref = metadata.String("restartSourceRef");
    runtime.deleted = metadata.Bool("deleted");
    runtime.manifest_error = metadata.String("manifestError");
    if (metadata.Has("creationTimestamp")) {
      runtime.created_at = metadata.Time("creationTimestamp");
    }
    if (metadata.Has("restartRequestedBy")) {
      runtime.restart_requested_by =
          codec_internal::ReadRequester(metadata.Object("restartRequestedBy"));
    }
    if (metadata.Has("forceRestartGeneration")) {
      runtime.force_restart_generation = metadata.Int64("forceRestartGeneration");
    }
    if (metadata.Has("scheduleCheckedThrough")) {
      runtime.schedule_checked_through = metadata.Time("scheduleCheckedThrough");
    }
    if (metadata.Has("disruptionBudget")) {
      const ObjectReader budget = metadata.Object("disruptionBudget");
      BudgetTerms terms{.name = budget.String("name"),
                        .min_ready_seconds = budget.Int("minReadySeconds"),
                        .source_path = budget.String("sourcePath")};
      const std::string max = budget.String("maxUnavailable");
      auto parsed = ParseMaxUnavailable(max);
      if (!parsed) {
        throw codec_internal::DecodeError(budget.PathOf("maxUnavailable") +
                                          ": not a count or percentage: " + max);
      }
      terms.max_unavailable = *parsed;
      runtime.disruption_budget = std::move(terms);
    }
    runtime.spec = codec_internal::ReadGameSpec(reader.Object("spec"));
    return runtime;
  });
}

json ToJson(const RuntimeStatusView& status) {
  json conditions = json::array();
  for (const Condition& condition : status.conditions) {
    conditions.push_back(ConditionToJson(condition));
  }
  json out = {{"phase", ToString(status.phase)},
              {"observedGeneration", status.observed_generation},
              {"observedRestartGeneration", status.observed_restart_generation},
              {"containerId", status.container_id},
              {"imageRef", status.image_ref},
              {"hostname", status.hostname},
              {"health", status.health},
              {"restartCount", status.restart_count},
              {"conditions", std::move(conditions)}};
  if (!status.node_name.empty()) out["nodeName"] = status.node_name;
  if (status.last_restart) {
    out["lastRestart"] = LastRestartToJson(*status.last_restart);
  }
  if (status.last_error) out["lastError"] = LastErrorToJson(*status.last_error);
  if (status.self_heal) {
    out["selfHeal"] = {
        {"consecutive", status.self_heal->consecutive},
        {"lastHealAt", FormatRfc3339(status.self_heal->last_heal_at)},
        {"notBefore", FormatRfc3339(status.self_heal->not_before)}};
    if (status.self_heal->gave_up_generation != 0) {
      out["selfHeal"]["gaveUpGeneration"] = status.self_heal->gave_up_generation;
    }
  }
  if (status.last_termination) {
    out["lastTermination"] = codec_internal::TerminationToJson(*status.last_termination);
  }
  if (status.drain_wait) {
    const DrainWait& wait = *status.drain_wait;
    out["drainWait"] = {{"action", wait.action},
                        {"since", FormatRfc3339(wait.since)},
                        {"deadline", FormatRfc3339(wait.deadline)},
                        {"lastProbeAt", FormatRfc3339(wait.last_probe_at)},
                        {"lastProbe", wait.last_probe}};
  }
  return out;
}

Expected<RuntimeStatusView> RuntimeStatusViewFromJson(const json& value) {
  return codec_internal::DecodeGuarded<RuntimeStatusView>([&] {
    const ObjectReader reader(value, "");
    RuntimeStatusView status;
    status.phase = ReadEnum(reader, "phase", &ParsePhase);
    status.observed_generation = reader.Int64("observedGeneration");
    status.observed_restart_generation =
        reader.Int64("observedRestartGeneration");
    if (reader.Has("lastRestart")) {
      status.last_restart = ReadLastRestart(reader.Object("lastRestart"));
    }
    status.container_id = reader.String("containerId");
    status.image_ref = reader.String("imageRef");
    status.hostname = reader.String("hostname");
    // Absent in values written before cluster mode.
    if (reader.Has("nodeName")) status.node_name = reader.String("nodeName");
    status.health = reader.String("health");
    status.restart_count = reader.Int64("restartCount");
    if (reader.Has("lastError")) {
      status.last_error = ReadLastError(reader.Object("lastError"));
    }
    if (reader.Has("selfHeal")) {
      const ObjectReader self_heal = reader.Object("selfHeal");
      status.self_heal = SelfHealBackoff{
          .consecutive = self_heal.Int64("consecutive"),
          .last_heal_at = self_heal.Time("lastHealAt"),
          .not_before = self_heal.Time("notBefore"),
          .gave_up_generation = self_heal.Has("gaveUpGeneration")
                                    ? self_heal.Int64("gaveUpGeneration")
                                    : 0,
      };
    }
    if (reader.Has("lastTermination")) {
      status.last_termination =
          codec_internal::ReadTermination(reader.Object("lastTermination"));
    }
    if (reader.Has("drainWait")) {
      const ObjectReader wait = reader.Object("drainWait");
      status.drain_wait = DrainWait{
          .action = wait.String("action"),
          .since = wait.Time("since"),
          .deadline = wait.Time("deadline"),
          .last_probe_at = wait.Time("lastProbeAt"),
          .last_probe = wait.String("lastProbe"),
      };
    }
    const json& conditions = reader.Array("conditions");
    for (size_t i = 0; i < conditions.size(); ++i) {
      status.conditions.push_back(ReadCondition(
          ObjectReader(conditions[i], reader.PathOf("conditions", i))));
    }
    return status;
  });
}

}  // namespace rtm
