#include "controller/docker/docker_engine.h"

#include <algorithm>
#include <cctype>
#include <thread>
#include <utility>

#include "controller/docker/docker_wire.h"

namespace rtm {
namespace {

constexpr size_t kMaxEventLineBytes = 1024 * 1024;
// The lines ContainerLogs asks for; its byte bound cuts them further.
constexpr int kLogTailLines = 20000;
// How often an exec whose output ended is asked for its exit code.
constexpr std::chrono::milliseconds kExecStatePoll{20};

std::unexpected<Error> Refused(ErrorCode code, std::string_view what,
                               const HttpResponse& response) {
  return Fail(code, std::string(what) + ": " + EngineMessage(response) +
                        " (docker engine answered HTTP " +
                        std::to_string(response.status) + ")");
}

bool ContainsNoCase(std::string_view text, std::string_view needle) {
  return std::search(text.begin(), text.end(), needle.begin(), needle.end(),
                     [](char a, char b) {
                       return std::tolower(static_cast<unsigned char>(a)) ==
                              std::tolower(static_cast<unsigned char>(b));
                     }) != text.end();
}

bool SaysNoSuchContainer(const HttpResponse& response) {
  return ContainsNoCase(EngineMessage(response), "no such container");
}

bool SaysNoSuchImage(const HttpResponse& response) {
  return ContainsNoCase(EngineMessage(response), "no such image");
}

std::unexpected<Error> EmptyArgument(std::string_view what) {
  return Fail(ErrorCode::kInvalidRequest,
              std::string(what) + ": empty container id or name");
}

std::string ContainerPath(std::string_view id, std::string_view suffix = {}) {
  return "/containers/" + PercentEncode(id) + std::string(suffix);
}

// Runs `body`, turning any exception into a kInternal error.
template <typename Body>
auto Guarded(std::string_view what, Body&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const std::exception& error) {
    return Fail(ErrorCode::kInternal,
                std::string(what) + ": unexpected error: " + error.what());
  } catch (...) {
    return Fail(ErrorCode::kInternal,
                std::string(what) + ": unexpected non-standard exception");
  }
}

// Newline-delimited JSON events read incrementally from a streamed body.
class DockerEventStream final : public ContainerEventStream {
 public:
  explicit DockerEventStream(std::unique_ptr<HttpBodyStream> body)
      : body_(std::move(body)) {}

  Expected<std::optional<ContainerEvent>> Next(Duration wait) override {
    return Guarded("docker events", [&] { return NextEvent(wait); });
  }

 private:
  Expected<std::optional<ContainerEvent>> NextEvent(Duration wait) {
    if (broken_) return std::unexpected(*broken_);
    const Deadline deadline = std::chrono::steady_clock::now() + wait;
    for (;;) {
      while (auto line = lines_.TakeLine()) {
        if (line->find_first_not_of(" \t\r") == std::string::npos) continue;
        auto event = ParseContainerEvent(*line);
        if (!event) return Break(event.error());
        if (*event) return std::move(*event);
      }
      if (lines_.pending_bytes() > kMaxEventLineBytes) {
        return Break(Error{ErrorCode::kServiceUnavailable,
                           "docker events stream: an event over 1 MiB"});
      }
      auto bytes = body_->ReadSome(deadline);
      if (!bytes) return Break(bytes.error());
      if (!*bytes) return std::optional<ContainerEvent>();
      lines_.Feed(**bytes);
    }
  }

  std::unexpected<Error> Break(Error error) {
    broken_ = error;
    return std::unexpected(std::move(error));
  }

  std::unique_ptr<HttpBodyStream> body_;
  LineSplitter lines_;
  std::optional<Error> broken_;
};

// A followed container's output, demultiplexed as it comes.
class DockerLogStream final : public ContainerLogStream {
 public:
  explicit DockerLogStream(std::unique_ptr<HttpBodyStream> body)
      : body_(std::move(body)) {}

  Expected<LogChunk> Next(Duration wait) override {
    return Guarded("docker logs stream", [&]() -> Expected<LogChunk> {
      if (ended_) return LogChunk{.ended = true};
      auto bytes = body_->ReadSome(std::chrono::steady_clock::now() + wait);
      if (!bytes) {
        if (!body_->ended()) return std::unexpected(bytes.error());
        ended_ = true;
        return LogChunk{.ended = true};
      }
      LogChunk chunk;
      if (*bytes) decoder_.Feed(**bytes, chunk.bytes);
      return chunk;
    });
  }

 private:
  std::unique_ptr<HttpBodyStream> body_;
  MultiplexedStreamDecoder decoder_;
  bool ended_ = false;
};

}  // namespace

DockerEngine::DockerEngine(HttpEndpoint endpoint, DockerEngineOptions options)
    : options_(options), http_(std::move(endpoint)) {}

Expected<HttpResponse> DockerEngine::Call(HttpMethod method,
                                          const std::string& path,
                                          std::optional<std::string> json_body,
                                          std::optional<Duration> timeout) {
  auto response = http_.Call(method, path, std::move(json_body),
                             timeout.value_or(options_.call_timeout));
  if (options_.on_request) {
    options_.on_request(response ? std::to_string(response->status) : "error");
  }
  return response;
}

Expected<EngineVersion> DockerEngine::Version() {
  return Guarded("docker version", [&]() -> Expected<EngineVersion> {
    auto response = Call(HttpMethod::kGet, "/version");
    if (!response) return std::unexpected(response.error());
    if (response->status != 200) {
      return Refused(ErrorCode::kServiceUnavailable, "docker version",
                     *response);
    }
    return ParseVersion(response->body);
  });
}

Expected<std::vector<ContainerState>> DockerEngine::ListContainers(
    const std::map<std::string, std::string>& labels) {
  return Guarded("list containers",
                 [&]() -> Expected<std::vector<ContainerState>> {
                   std::string path = "/containers/json?all=1";
                   if (!labels.empty()) {
                     path += "&filters=" + EncodedFilters(labels);
                   }
                   auto response = Call(HttpMethod::kGet, path);
                   if (!response) return std::unexpected(response.error());
                   if (response->status != 200) {
                     return Refused(ErrorCode::kServiceUnavailable,
                                    "list containers", *response);
                   }
                   auto summaries = ParseContainerList(response->body);
                   if (!summaries) return std::unexpected(summaries.error());
                   return ConfirmRunning(std::move(*summaries));
                 });
}

Expected<std::vector<ContainerState>> DockerEngine::ConfirmRunning(
    std::vector<ContainerState> summaries) {
  std::vector<ContainerState> states;
  states.reserve(summaries.size());
  for (ContainerState& summary : summaries) {
    if (!summary.running) {
      states.push_back(std::move(summary));
      continue;
    }
    auto state = InspectContainer(summary.id);
    if (state) {
      states.push_back(std::move(*state));
    } else if (state.error().code != ErrorCode::kNotFound) {
      return std::unexpected(state.error());
    }
  }
  return states;
}

Expected<ContainerState> DockerEngine::InspectContainer(
    std::string_view id_or_name) {
  const std::string what = "inspect container " + std::string(id_or_name);
  return Guarded(what, [&]() -> Expected<ContainerState> {
    if (id_or_name.empty()) return EmptyArgument(what);
    auto response = Call(HttpMethod::kGet, ContainerPath(id_or_name, "/json"));
    if (!response) return std::unexpected(response.error());
    if (response->status == 200) return ParseContainerInspect(response->body);
    if (response->status == 404) {
      return Refused(ErrorCode::kNotFound, what, *response);
    }
    return Refused(ErrorCode::kServiceUnavailable, what, *response);
  });
}

Expected<std::string> DockerEngine::CreateContainer(const ContainerSpec& spec) {
  const std::string what = "create container " + spec.name;
  return Guarded(what, [&]() -> Expected<std::string> {
    std::string path = "/containers/create";
    if (!spec.name.empty()) path += "?name=" + PercentEncode(spec.name);
    auto response = Call(HttpMethod::kPost, path, CreateContainerBody(spec));
    if (!response) return std::unexpected(response.error());
    if (response->status == 201) return ParseCreatedId(response->body);
    if (response->status == 404 && SaysNoSuchImage(*response)) {
      return Refused(ErrorCode::kImageNotFound, what, *response);
    }
    if (response->status == 409) {  // the name is taken
      return Refused(ErrorCode::kConflict, what, *response);
    }
    return Refused(ErrorCode::kStartFailed, what, *response);
  });
}

Expected<void> DockerEngine::StartContainer(std::string_view id) {
  const std::string what = "start container " + std::string(id);
  return Guarded(what, [&]() -> Expected<void> {
    if (id.empty()) return EmptyArgument(what);
    auto response = Call(HttpMethod::kPost, ContainerPath(id, "/start"));
    if (!response) return std::unexpected(response.error());
    if (response->status == 204 || response->status == 304) return {};
    if (response->status == 404 && SaysNoSuchContainer(*response)) {
      return Refused(ErrorCode::kNotFound, what, *response);
    }
    return Refused(ErrorCode::kStartFailed, what, *response);
  });
}

Expected<void> DockerEngine::StopContainer(std::string_view id,
                                           int timeout_seconds) {
  const std::string what = "stop container " + std::string(id);
  return Guarded(what, [&]() -> Expected<void> {
    if (id.empty()) return EmptyArgument(what);
    const int grace_seconds = std::max(timeout_seconds, 0);
    const Duration bound =
        std::chrono::seconds(grace_seconds) + options_.stop_grace;
    auto response = Call(
        HttpMethod::kPost,
        ContainerPath(id, "/stop?t=" + std::to_string(grace_seconds)),
        std::nullopt, bound);
    if (!response) return std::unexpected(response.error());
    if (response->status == 204 || response->status == 304) return {};
    if (response->status == 404) {
      return Refused(ErrorCode::kNotFound, what, *response);
    }
    return Refused(ErrorCode::kServiceUnavailable, what, *response);
  });
}

Expected<void> DockerEngine::RemoveContainer(std::string_view id, bool force) {
  const std::string what = "remove container " + std::string(id);
  return Guarded(what, [&]() -> Expected<void> {
    if (id.empty()) return EmptyArgument(what);
    auto response =
        Call(HttpMethod::kDelete,
             ContainerPath(id, force ? "?force=1&v=1" : "?force=0&v=1"));
    if (!response) return std::unexpected(response.error());
    if (response->status == 204 || response->status == 404) return {};
    if (response->status == 409) {
      return Refused(ErrorCode::kConflict, what, *response);
    }
    return Refused(ErrorCode::kServiceUnavailable, what, *response);
  });
}

Expected<void> DockerEngine::RemoveVolume(std::string_view name) {
  const std::string what = "remove volume " + std::string(name);
  return Guarded(what, [&]() -> Expected<void> {
    if (name.empty()) return EmptyArgument(what);
    auto response = Call(HttpMethod::kDelete, "/volumes/" + PercentEncode(name));
    if (!response) return std::unexpected(response.error());
    if (response->status == 204 || response->status == 404) return {};
    if (response->status == 409) {
      return Refused(ErrorCode::kConflict, what, *response);
    }
    return Refused(ErrorCode::kServiceUnavailable, what, *response);
  });
}

Expected<ExecResult> DockerEngine::Exec(std::string_view id,
                                        const std::vector<std::string>& command,
                                        Duration timeout) {
  const std::string what = "exec in container " + std::string(id);
  return Guarded(what, [&]() -> Expected<ExecResult> {
    if (id.empty()) return EmptyArgument(what);
    if (command.empty()) {
      return Fail(ErrorCode::kInvalidRequest, what + ": empty command");
    }
    const Deadline deadline = std::chrono::steady_clock::now() + timeout;
    auto created = Call(HttpMethod::kPost, ContainerPath(id, "/exec"),
                        ExecCreateBody(command));
    if (!created) return std::unexpected(created.error());
    if (created->status == 404) {
      return Refused(ErrorCode::kNotFound, what, *created);
    }
    if (created->status == 409) {  // not running, paused or restarting
      return Refused(ErrorCode::kConflict, what, *created);
    }
    if (created->status != 201) {
      return Refused(ErrorCode::kServiceUnavailable, what, *created);
    }
    auto exec_id = ParseCreatedId(created->body);
    if (!exec_id) return std::unexpected(exec_id.error());
    const std::string exec_path = "/exec/" + PercentEncode(*exec_id);

    auto stream = http_.OpenStream(HttpMethod::kPost, exec_path + "/start",
                                   ExecStartBody(), options_.call_timeout);
    if (!stream) return std::unexpected(stream.error());
    std::string output;
    MultiplexedStreamDecoder decoder;
    while (std::chrono::steady_clock::now() < deadline) {
      auto bytes = (*stream)->ReadSome(deadline);
      // The output ended (the command exited) or the connection broke:
      // the exec's state below tells which.
      if (!bytes) break;
      if (!*bytes) continue;
      decoder.Feed(**bytes, output);
      if (output.size() > 2 * kExecOutputTailBytes) {
        output.erase(0, output.size() - kExecOutputTailBytes);
      }
    }
    stream->reset();  // a command still running keeps running, detached
    if (output.size() > kExecOutputTailBytes) {
      output.erase(0, output.size() - kExecOutputTailBytes);
    }
    // The engine records the exit code a moment after the output ends.
    for (;;) {
      auto inspected = Call(HttpMethod::kGet, exec_path + "/json");
      if (!inspected) return std::unexpected(inspected.error());
      if (inspected->status != 200) {
        return Refused(ErrorCode::kServiceUnavailable, what, *inspected);
      }
      auto state = ParseExecInspect(inspected->body);
      if (!state) return std::unexpected(state.error());
      if (!state->running) return ExecResult{state->exit_code, std::move(output)};
      const auto now = std::chrono::steady_clock::now();
      if (now >= deadline) return ExecResult{std::nullopt, std::move(output)};
      std::this_thread::sleep_for(
          std::min<std::chrono::steady_clock::duration>(kExecStatePoll,
                                                        deadline - now));
    }
  });
}

Expected<std::string> DockerEngine::ContainerLogs(std::string_view id,
                                                  size_t max_bytes) {
  const std::string what = "logs of container " + std::string(id);
  return Guarded(what, [&]() -> Expected<std::string> {
    if (id.empty()) return EmptyArgument(what);
    auto response = Call(HttpMethod::kGet,
                         ContainerPath(id, "/logs?stdout=1&stderr=1&tail=" +
                                               std::to_string(kLogTailLines)));
    if (!response) return std::unexpected(response.error());
    if (response->status == 404) {
      return Refused(ErrorCode::kNotFound, what, *response);
    }
    if (response->status != 200) {
      return Refused(ErrorCode::kServiceUnavailable, what, *response);
    }
    std::string text;
    MultiplexedStreamDecoder().Feed(response->body, text);
    if (text.size() > max_bytes) text.erase(0, text.size() - max_bytes);
    return text;
  });
}

Expected<std::unique_ptr<ContainerLogStream>> DockerEngine::FollowLogs(
    std::string_view id, size_t tail_lines) {
  const std::string what = "follow logs of container " + std::string(id);
  return Guarded(what, [&]() -> Expected<std::unique_ptr<ContainerLogStream>> {
    if (id.empty()) return EmptyArgument(what);
    auto body = http_.OpenStream(
        ContainerPath(id, "/logs?follow=1&stdout=1&stderr=1&tail=" +
                              std::to_string(tail_lines)),
        options_.call_timeout);
    if (!body) return std::unexpected(body.error());
    return std::make_unique<DockerLogStream>(std::move(*body));
  });
}

Expected<void> DockerEngine::InspectImage(std::string_view image_ref) {
  const std::string what = "inspect image " + std::string(image_ref);
  return Guarded(what, [&]() -> Expected<void> {
    if (image_ref.empty()) {
      return Fail(ErrorCode::kInvalidRequest, what + ": empty image reference");
    }
    auto response =
        Call(HttpMethod::kGet, "/images/" + PercentEncode(image_ref) + "/json");
    if (!response) return std::unexpected(response.error());
    if (response->status == 200) return {};
    if (response->status == 404) {
      return Refused(ErrorCode::kImageNotFound, what, *response);
    }
    return Refused(ErrorCode::kServiceUnavailable, what, *response);
  });
}

Expected<void> DockerEngine::EnsureNetwork(std::string_view name) {
  const std::string what = "ensure network " + std::string(name);
  return Guarded(what, [&]() -> Expected<void> {
    if (name.empty()) {
      return Fail(ErrorCode::kInvalidRequest, what + ": empty network name");
    }
    auto response = Call(HttpMethod::kGet, "/networks/" + PercentEncode(name));
    if (!response) return std::unexpected(response.error());
    if (response->status == 200) {
      // The engine also matches an id prefix: only the exact name counts.
      auto found_name = ParseNetworkName(response->body);
      if (!found_name) return std::unexpected(found_name.error());
      if (*found_name == name) return {};
    } else if (response->status == 400) {
      // "network X is ambiguous": creators raced before; settle it.
      return RemoveDuplicateNetworks(name);
    } else if (response->status != 404) {
      return Refused(ErrorCode::kServiceUnavailable, what, *response);
    }
    if (auto created = CreateNetwork(name); !created) return created;
    return RemoveDuplicateNetworks(name);
  });
}

Expected<void> DockerEngine::RemoveDuplicateNetworks(std::string_view name) {
  const std::string what = "networks named " + std::string(name);
  auto response =
      Call(HttpMethod::kGet, "/networks?filters=" + EncodedNameFilter(name));
  if (!response) return std::unexpected(response.error());
  if (response->status != 200) {
    return Refused(ErrorCode::kServiceUnavailable, "list " + what, *response);
  }
  auto listed = ParseNetworkList(response->body);
  if (!listed) return std::unexpected(listed.error());
  std::vector<NetworkSummary> same_name;
  for (NetworkSummary& network : *listed) {
    if (network.name == name) same_name.push_back(std::move(network));
  }
  const NetworkSummary* keep = NetworkToKeep(same_name);
  for (const NetworkSummary& network : same_name) {
    if (&network == keep) continue;
    auto removed = Call(HttpMethod::kDelete, "/networks/" + network.id);
    if (!removed) return std::unexpected(removed.error());
    // 404: another creator removed it first.
    if (removed->status != 204 && removed->status != 404) {
      return Refused(ErrorCode::kConflict,
                     "remove duplicate network " + network.id + " of " + what,
                     *removed);
    }
  }
  return {};
}

Expected<void> DockerEngine::CreateNetwork(std::string_view name) {
  const std::string what = "create network " + std::string(name);
  auto response =
      Call(HttpMethod::kPost, "/networks/create", CreateNetworkBody(name));
  if (!response) return std::unexpected(response.error());
  // 409: another process created it meanwhile, which is what we want.
  if (response->status == 201 || response->status == 409) return {};
  if (response->status == 400) {
    return Refused(ErrorCode::kInvalidRequest, what, *response);
  }
  return Refused(ErrorCode::kServiceUnavailable, what, *response);
}

Expected<std::unique_ptr<ContainerEventStream>> DockerEngine::WatchEvents(
    const std::map<std::string, std::string>& labels) {
  return Guarded("watch docker events",
                 [&]() -> Expected<std::unique_ptr<ContainerEventStream>> {
                   auto body = http_.OpenStream(
                       "/events?filters=" + EncodedFilters(labels, "container"),
                       options_.call_timeout);
                   if (!body) return std::unexpected(body.error());
                   return std::make_unique<DockerEventStream>(std::move(*body));
                 });
}

}  // namespace rtm
