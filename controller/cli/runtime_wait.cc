#include "controller/cli/runtime_wait.h"

#include <optional>
#include <thread>

#include "controller/cli/api_reply.h"
#include "controller/cli/runtime_views.h"
#include "controller/cli/text_table.h"

namespace rtm {
namespace {

using Json = nlohmann::json;

bool ConditionIs(const Json& runtime, std::string_view type, std::string_view status) {
  const Json* condition = FindCondition(runtime, type);
  return condition != nullptr && FieldText(*condition, "/status") == status;
}

std::string ConditionStatusText(const Json& runtime, std::string_view type) {
  const Json* condition = FindCondition(runtime, type);
  const std::string status = condition ? FieldText(*condition, "/status") : "";
  return status.empty() ? "Unknown" : status;
}

// status.lastRestart when it is newer than `previous_restart_generation`.
const Json* NewLastRestart(const Json& runtime, int64_t previous_restart_generation) {
  if (!runtime.contains("status") || !runtime["status"].is_object()) return nullptr;
  const Json& status = runtime["status"];
  if (!status.contains("lastRestart") || !status["lastRestart"].is_object()) return nullptr;
  const Json& restart = status["lastRestart"];
  return FieldInt(restart, "/restartGeneration", -1) > previous_restart_generation
             ? &restart
             : nullptr;
}

// Follows one runtime; see WaitForRuntime.
class RuntimeWaiter {
 public:
  RuntimeWaiter(ApiClient& client, std::string name, const WaitCheck& check,
                const WaitOptions& options)
      : client_(client), name_(std::move(name)), check_(check), options_(options) {}

  Expected<WaitResult> Run() {
    while (true) {
      Expected<std::optional<WaitResult>> round =
          watch_available_ ? ListAndWatch() : Poll();
      if (!round) {
        // A runtime not declared yet (its manifest was just written) is
        // waited for; an unreachable server at the first read is not.
        const bool not_yet = round.error().code == ErrorCode::kNotFound;
        if (!seen_any_ && !not_yet) return std::unexpected(round.error());
        last_problem_ = round.error().message;
        watch_available_ = false;
      } else if (*round) {
        return std::move(**round);
      }
      if (Now() >= options_.deadline) {
        return WaitResult{WaitResult::Kind::kTimedOut, last_, last_problem_};
      }
      if (!watch_available_) std::this_thread::sleep_for(PollPause());
    }
  }

 private:
  static std::chrono::steady_clock::time_point Now() {
    return std::chrono::steady_clock::now();
  }

  std::chrono::steady_clock::duration PollPause() const {
    return std::min<std::chrono::steady_clock::duration>(
        options_.poll_interval, std::max(options_.deadline - Now(),
                                         std::chrono::steady_clock::duration::zero()));
  }

  std::string RuntimeTarget() const { return "/v1/runtimes/" + name_; }

  // Records one version; the result when the wait is over.
  std::optional<WaitResult> See(const Json& runtime) {
    seen_any_ = true;
    last_ = runtime;
    if (options_.on_seen) options_.on_seen(runtime);
    switch (check_(runtime)) {
      case WaitVerdict::kMet:
        return WaitResult{WaitResult::Kind::kMet, runtime, last_problem_};
      case WaitVerdict::kFailed:
        return WaitResult{WaitResult::Kind::kFailed, runtime, last_problem_};
      case WaitVerdict::kPending:
        break;
    }
    return std::nullopt;
  }

  Expected<std::optional<WaitResult>> Poll() {
    Expected<Json> runtime = GetJson(client_, RuntimeTarget());
    if (!runtime) return std::unexpected(runtime.error());
    return See(*runtime);
  }

  Expected<std::optional<WaitResult>> ListAndWatch() {
    Expected<Json> list = GetJson(client_, "/v1/runtimes");
    if (!list) return std::unexpected(list.error());
    const Json* runtime = FindItem(*list);
    if (runtime == nullptr) return Poll();  // the server's not_found, or a race
    if (auto done = See(*runtime)) return done;
    const int64_t revision = FieldInt(*list, "/revision", -1);
    if (revision < 0) {
      watch_available_ = false;
      return std::nullopt;
    }
    return Watch(revision);
  }

  const Json* FindItem(const Json& list) const {
    if (!list.contains("items") || !list["items"].is_array()) return nullptr;
    for (const Json& item : list["items"]) {
      if (FieldText(item, "/metadata/name") == name_) return &item;
    }
    return nullptr;
  }

  Expected<std::optional<WaitResult>> Watch(int64_t revision) {
    std::optional<WaitResult> outcome;
    size_t events = 0;
    auto on_line = [&](std::string_view line) {
      if (line.empty()) return true;
      const Json event = Json::parse(line, nullptr, false);
      if (!event.is_object() || !event.contains("type") || !event.contains("object")) {
        watch_available_ = false;  // not an event stream: an older server
        return false;
      }
      ++events;
      const Json& object = event["object"];
      if (FieldText(object, "/metadata/name") != name_) return true;
      if (FieldText(event, "/type") == "DELETED") {
        outcome = WaitResult{WaitResult::Kind::kDeleted, object, last_problem_};
        return false;
      }
      outcome = See(object);
      return !outcome;
    };
    Expected<HttpReply> reply = client_.Stream(
        "/v1/runtimes?watch=true&since=" + std::to_string(revision),
        options_.deadline, on_line);
    if (!reply) return std::unexpected(reply.error());
    if (outcome) return outcome;
    if (reply->status == 410) return std::nullopt;  // too old: relist
    const bool ended_at_once = events == 0 && Now() < options_.deadline;
    if (reply->status != 200 || ended_at_once) watch_available_ = false;
    return std::nullopt;
  }

  ApiClient& client_;
  const std::string name_;
  const WaitCheck& check_;
  const WaitOptions& options_;
  bool watch_available_ = true;
  bool seen_any_ = false;
  Json last_;
  std::string last_problem_;
};

}  // namespace

bool IsConverged(const Json& runtime) {
  const int64_t generation = FieldInt(runtime, "/metadata/generation", -1);
  const int64_t observed = FieldInt(runtime, "/status/observedGeneration", -1);
  return generation >= 0 && observed >= generation &&
         ConditionIs(runtime, "Progressing", "False");
}

bool IsReady(const Json& runtime) { return ConditionIs(runtime, "Ready", "True"); }

WaitVerdict RestartVerdict(const Json& runtime, int64_t generation,
                           int64_t previous_restart_generation) {
  if (FieldInt(runtime, "/status/observedGeneration", -1) >= generation) {
    return WaitVerdict::kMet;
  }
  const Json* restart = NewLastRestart(runtime, previous_restart_generation);
  if (restart != nullptr && FieldText(*restart, "/outcome") == "failure") {
    return WaitVerdict::kFailed;
  }
  return WaitVerdict::kPending;
}

RestartOutcome DescribeRestartOutcome(const std::string& name, const Json& runtime,
                                      int64_t generation,
                                      int64_t previous_restart_generation) {
  const std::string object = "runtime/" + name;
  const Json* restart = NewLastRestart(runtime, previous_restart_generation);
  if (restart == nullptr) {
    return {true, object + " observed generation " + std::to_string(generation) +
                      "; no restart outcome recorded (phase " +
                      FieldText(runtime, "/status/phase") + ")"};
  }
  const std::string restart_generation = FieldText(*restart, "/restartGeneration");
  if (FieldText(*restart, "/outcome") == "success") {
    return {true, object + " restart succeeded (restartGeneration " + restart_generation +
                      ", container " +
                      ShortContainerId(FieldText(*restart, "/containerId")) + ")"};
  }
  std::string why = FieldText(*restart, "/errorCode");
  if (const std::string message = FieldText(runtime, "/status/lastError/message");
      !message.empty()) {
    why += (why.empty() ? "" : ": ") + message;
  }
  return {false, object + " restart failed (restartGeneration " + restart_generation +
                     ")" + (why.empty() ? "" : ": " + why)};
}

std::string WaitProgressLine(const std::string& name, const Json& runtime) {
  return "runtime/" + name + ": phase " + FieldText(runtime, "/status/phase") +
         ", generation " + FieldText(runtime, "/status/observedGeneration") + "/" +
         FieldText(runtime, "/metadata/generation") + ", Ready " +
         ConditionStatusText(runtime, "Ready") + ", Progressing " +
         ConditionStatusText(runtime, "Progressing");
}

Expected<WaitResult> WaitForRuntime(ApiClient& client, const std::string& name,
                                    const WaitCheck& check,
                                    const WaitOptions& options) {
  return RuntimeWaiter(client, name, check, options).Run();
}

}  // namespace rtm
