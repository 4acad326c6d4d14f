#include "controller/api/kube/kube_api.h"

#include <charconv>
#include <optional>
#include <utility>
#include <vector>

#include "controller/api/kube/kube_event_representation.h"
#include "controller/api/kube/kube_representation.h"
#include "controller/api/kube/kube_table.h"
#include "controller/api/kube/kube_watch_event.h"
#include "controller/api/kube/label_selector.h"
#include "controller/api/representation/representation_support.h"
#include "reconcile/domain/game_spec.h"

namespace rtm {

struct KubeApi::Selection {
  kube::LabelSelector labels;
  kube::FieldSelector fields;
};

namespace {

using nlohmann::json;

constexpr std::string_view kGroupPath = "/apis/rtmanager.galaxy";
constexpr std::string_view kVersionPath = "/apis/rtmanager.galaxy/v1";
constexpr std::string_view kResourcePath = "/apis/rtmanager.galaxy/v1/gameruntimes";

ApiResponse JsonResponse(int status, const json& body) {
  return ApiResponse{status, api::JsonText(body), "application/json", std::nullopt};
}

ApiResponse ErrorOf(const Error& error, std::string_view name = "") {
  const kube::StatusReason reason = kube::StatusReasonOf(error.code);
  return JsonResponse(reason.code,
                      kube::RenderStatus(reason.code, reason.reason, error.message, name));
}

// The decoded value of `key` in a query string; nullopt when absent.
Expected<std::optional<std::string>> QueryParameter(std::string_view query,
                                                    std::string_view key) {
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const size_t eq = pair.find('=');
    if (pair.substr(0, eq) == key) {
      auto decoded = kube::PercentDecode(
          eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
      if (!decoded) return std::unexpected(decoded.error());
      return std::optional<std::string>(std::move(*decoded));
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return std::optional<std::string>();
}

std::optional<uint64_t> ParseRevision(std::string_view text) {
  uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

using Selection = KubeApi::Selection;

Expected<Selection> ParseSelection(std::string_view query) {
  Selection selection;
  auto label_text = QueryParameter(query, "labelSelector");
  if (!label_text) return std::unexpected(label_text.error());
  if (*label_text) {
    auto labels = kube::LabelSelector::Parse(**label_text);
    if (!labels) return std::unexpected(labels.error());
    selection.labels = std::move(*labels);
  }
  auto field_text = QueryParameter(query, "fieldSelector");
  if (!field_text) return std::unexpected(field_text.error());
  if (*field_text) {
    auto fields = kube::FieldSelector::Parse(**field_text);
    if (!fields) return std::unexpected(fields.error());
    selection.fields = std::move(*fields);
  }
  return selection;
}

}  // namespace

bool AcceptsTable(std::string_view accept) {
  // Each media range: "application/json;as=Table;v=v1;g=meta.k8s.io".
  while (!accept.empty()) {
    const size_t comma = accept.find(',');
    const std::string_view range = accept.substr(0, comma);
    if (range.find("as=Table") != std::string_view::npos &&
        range.find("g=meta.k8s.io") != std::string_view::npos &&
        range.find("v=v1") != std::string_view::npos &&
        range.find("v=v1beta1") == std::string_view::npos) {
      return true;
    }
    if (comma == std::string_view::npos) break;
    accept.remove_prefix(comma + 1);
  }
  return false;
}

KubeApi::KubeApi(KubeApiDependencies dependencies) : deps_(dependencies) {}

bool KubeApi::Serves(std::string_view path) {
  return path == "/version" || path == "/api" || path.starts_with("/api/") ||
         path == "/apis" || path.starts_with("/apis/");
}

ApiResponse KubeApi::Refuse(int http_status, std::string_view reason,
                            std::string_view message) {
  return JsonResponse(http_status, kube::RenderStatus(http_status, reason, message));
}

ApiResponse KubeApi::Handle(const ApiRequest& request, std::string_view path) {
  const bool get = request.method == "GET";
  const auto not_allowed = [&] {
    return Refuse(405, "MethodNotAllowed",
                  "method " + request.method + " is not allowed on " + std::string(path));
  };
  if (path == "/version") return get ? JsonResponse(200, kube::RenderVersion()) : not_allowed();
  if (path == "/apis") {
    return get ? JsonResponse(200, kube::RenderApiGroupList()) : not_allowed();
  }
  if (path == kGroupPath) return get ? JsonResponse(200, kube::RenderApiGroup()) : not_allowed();
  if (path == kVersionPath) {
    return get ? JsonResponse(200, kube::RenderApiResourceList()) : not_allowed();
  }
  if (path == kResourcePath) return get ? List(request) : not_allowed();
  if (path.starts_with(kResourcePath) && path[kResourcePath.size()] == '/') {
    const std::string_view name = path.substr(kResourcePath.size() + 1);
    if (name.find('/') == std::string_view::npos) {
      if (request.method == "PATCH") return Patch(request, name);
      return get ? Get(request, name) : not_allowed();
    }
  }
  if (path == "/api/v1/events" ||
      (path.starts_with("/api/v1/namespaces/") && path.ends_with("/events") &&
       path.find('/', 19) == path.size() - 7)) {
    return get ? Events(request) : not_allowed();
  }
  return Refuse(404, "NotFound",
                "the server could not find the requested resource (" + request.method +
                    " " + std::string(path) + "); it serves " +
                    std::string(kube::kGroupVersion) + " gameruntimes only");
}

// One object as it stands: its desired half and its status (absent when
// not reconciled yet); kNotFound, naming the object as Kubernetes does,
// when it is not stored, not a valid name, or gone.
Expected<KubeApi::Object> KubeApi::Load(std::string_view name) {
  const Error not_found{ErrorCode::kNotFound,
                        "gameruntimes.rtmanager.galaxy \"" + std::string(name) + "\" not found"};
  if (!IsValidGameId(name)) return std::unexpected(not_found);
  auto desired = deps_.desired.Get(name);
  if (!desired) {
    return std::unexpected(desired.error().code == ErrorCode::kNotFound ? not_found
                                                                        : desired.error());
  }
  auto status = deps_.statuses.Get(name);
  if (!status && status.error().code != ErrorCode::kNotFound) {
    return std::unexpected(status.error());
  }
  Object object{*std::move(desired),
                status ? std::optional(*std::move(status)) : std::nullopt};
  if (RuntimeIsGone(&object.desired, object.status())) return std::unexpected(not_found);
  return object;
}

ApiResponse KubeApi::Get(const ApiRequest& request, std::string_view name) {
  auto object = Load(name);
  if (!object) return ErrorOf(object.error(), name);
  const DesiredRuntime* desired = &object->desired;
  const RuntimeStatusView* view = object->status();
  auto accept = request.headers.find("accept");
  if (accept != request.headers.end() && AcceptsTable(accept->second)) {
    return JsonResponse(200, kube::RenderTable({{desired, view}},
                                               kube::ResourceVersionOf(*desired, view),
                                               {.now = deps_.clock.Now()}));
  }
  return JsonResponse(200, kube::RenderObject(*desired, view));
}

namespace {

// The objects a list or the start of a watch shows: stored, not gone,
// selected.
struct Listed {
  std::vector<DesiredRuntime> desired;
  std::vector<std::optional<RuntimeStatusView>> statuses;  // parallel
};

Expected<Listed> Collect(DesiredStateStore& desired_store, StatusStore& status_store,
                         const Selection& selection) {
  auto desired = desired_store.List();
  if (!desired) return std::unexpected(desired.error());
  Listed listed;
  for (DesiredRuntime& runtime : *desired) {
    if (!selection.fields.Matches(runtime.name) ||
        !selection.labels.Matches(runtime.labels)) {
      continue;
    }
    auto status = status_store.Get(runtime.name);
    if (!status && status.error().code != ErrorCode::kNotFound) {
      return std::unexpected(status.error());
    }
    std::optional<RuntimeStatusView> view =
        status ? std::optional(std::move(*status)) : std::nullopt;
    if (RuntimeIsGone(&runtime, view ? &*view : nullptr)) continue;
    listed.desired.push_back(std::move(runtime));
    listed.statuses.push_back(std::move(view));
  }
  return listed;
}

}  // namespace

ApiResponse KubeApi::List(const ApiRequest& request) {
  // Read before the objects: a watch from it misses nothing (docs/contract.md §11).
  auto revision = deps_.changes.Revision();
  if (!revision) return ErrorOf(revision.error());
  auto selection = ParseSelection(request.query);
  if (!selection) return ErrorOf(selection.error());
  if (auto limit = QueryParameter(request.query, "limit"); !limit) {
    return ErrorOf(limit.error());
  } else if (*limit && !ParseRevision(**limit)) {
    return ErrorOf({ErrorCode::kInvalidRequest,
                    "limit \"" + **limit + "\" is not a non-negative integer"});
  }
  auto watch = QueryParameter(request.query, "watch");
  if (!watch) return ErrorOf(watch.error());
  if (*watch && (**watch == "true" || **watch == "1")) {
    return Watch(request, *selection, *revision);
  }
  auto listed = Collect(deps_.desired, deps_.statuses, *selection);
  if (!listed) return ErrorOf(listed.error());
  const size_t count = listed->desired.size();
  auto accept = request.headers.find("accept");
  if (accept != request.headers.end() && AcceptsTable(accept->second)) {
    std::vector<kube::TableRowSource> rows;
    rows.reserve(count);
    for (size_t i = 0; i < count; ++i) {
      const auto& view = listed->statuses[i];
      rows.push_back({&listed->desired[i], view ? &*view : nullptr});
    }
    return JsonResponse(200, kube::RenderTable(rows, *revision, {.now = deps_.clock.Now()}));
  }
  json items = json::array();
  for (size_t i = 0; i < count; ++i) {
    const auto& view = listed->statuses[i];
    items.push_back(kube::RenderObject(listed->desired[i], view ? &*view : nullptr));
  }
  return JsonResponse(200, kube::RenderList(std::move(items), *revision));
}

ApiResponse KubeApi::Watch(const ApiRequest& request, const Selection& selection,
                           uint64_t current_revision) {
  WatchRequest watch;
  auto accept = request.headers.find("accept");
  watch.format = accept != request.headers.end() && AcceptsTable(accept->second)
                     ? WatchFormat::kKubeTable
                     : WatchFormat::kKube;
  watch.accepts = [selection](const DesiredRuntime& desired) {
    return selection.fields.Matches(desired.name) &&
           selection.labels.Matches(desired.labels);
  };
  auto version = QueryParameter(request.query, "resourceVersion");
  if (!version) return ErrorOf(version.error());
  const bool from_now = !*version || **version == "" || **version == "0";
  if (from_now) {
    watch.since = current_revision;
  } else {
    auto since = ParseRevision(**version);
    if (!since) {
      return ErrorOf({ErrorCode::kInvalidRequest,
                      "resourceVersion \"" + **version + "\" is not a revision"});
    }
    watch.since = *since;
  }
  auto bookmarks = QueryParameter(request.query, "allowWatchBookmarks");
  if (!bookmarks) return ErrorOf(bookmarks.error());
  watch.bookmarks = *bookmarks && (**bookmarks == "true" || **bookmarks == "1");
  auto timeout = QueryParameter(request.query, "timeoutSeconds");
  if (!timeout) return ErrorOf(timeout.error());
  if (*timeout) {
    auto seconds = ParseRevision(**timeout);
    if (!seconds) {
      return ErrorOf({ErrorCode::kInvalidRequest,
                      "timeoutSeconds \"" + **timeout + "\" is not a number of seconds"});
    }
    watch.timeout = std::chrono::seconds(*seconds);
  }
  // From "0" or unset: the objects as they stand first, as ADDED events.
  if (from_now) {
    auto listed = Collect(deps_.desired, deps_.statuses, selection);
    if (!listed) return ErrorOf(listed.error());
    const Timestamp now = deps_.clock.Now();
    for (size_t i = 0; i < listed->desired.size(); ++i) {
      const auto& view = listed->statuses[i];
      const RuntimeStatusView* status = view ? &*view : nullptr;
      watch.initial_lines +=
          (watch.format == WatchFormat::kKubeTable
               ? kube::RenderAddedTableEvent(listed->desired[i], status, i == 0, now)
               : kube::RenderAddedEvent(listed->desired[i], status)) +
          "\n";
    }
  }
  ApiResponse streaming;
  streaming.watch = std::move(watch);
  return streaming;
}

// The Events of one game: its newest operations.
ApiResponse KubeApi::Events(const ApiRequest& request) {
  constexpr size_t kEvents = 50;
  auto selector = QueryParameter(request.query, "fieldSelector");
  if (!selector) return ErrorOf(selector.error());
  std::string name;
  std::string kind;
  std::string_view rest = *selector ? std::string_view(**selector) : std::string_view();
  while (!rest.empty()) {
    const size_t comma = rest.find(',');
    const std::string_view requirement = rest.substr(0, comma);
    const size_t eq = requirement.find('=');
    if (eq != std::string_view::npos) {
      const std::string_view field = requirement.substr(0, eq);
      std::string_view value = requirement.substr(eq + 1);
      if (value.starts_with('=')) value.remove_prefix(1);
      if (field == "involvedObject.name") name = std::string(value);
      if (field == "involvedObject.kind") kind = std::string(value);
    }
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  auto revision = deps_.changes.Revision();
  if (!revision) return ErrorOf(revision.error());
  const auto none = [&] {
    return JsonResponse(200, kube::RenderEventList(DesiredRuntime{}, {}, *revision));
  };
  if (name.empty() || (!kind.empty() && kind != kube::kKind) || !IsValidGameId(name)) {
    return none();
  }
  auto desired = deps_.desired.Get(name);
  if (!desired) {
    if (desired.error().code == ErrorCode::kNotFound) return none();
    return ErrorOf(desired.error());
  }
  auto entries = deps_.operation_log.ListByGame(name, kEvents);
  if (!entries) return ErrorOf(entries.error());
  return JsonResponse(200, kube::RenderEventList(*desired, *entries, *revision));
}

namespace {

// What a patch asks for, once it is known to touch nothing but the restart
// annotations: the resourceVersion it requires, if any, and whether the
// restart skips the game's drain wait.
struct RestartPatch {
  std::optional<std::string> resource_version;
  bool skip_drain = false;
};

// Why a patch is refused: the field it touches and what is wrong.
struct PatchRefusal {
  std::string field;
  std::string message;
};

constexpr std::string_view kOwnedByManifests =
    "manifests own the desired state of a GameRuntime: a patch may only set the "
    "annotation rtmanager.galaxy/restartedAt (a restart request), with "
    "rtmanager.galaxy/skipDrain";

// Reads one annotation a restart patch may set into `restart`; false for
// any other annotation or value.
bool ReadRestartAnnotation(std::string_view annotation, const json& text,
                           RestartPatch& restart, bool& sets_restart) {
  if (!text.is_string()) return false;
  if (annotation == kRestartedAtAnnotation) {
    sets_restart = true;
    return true;
  }
  if (annotation == kSkipDrainAnnotation) {
    const std::string value = text.get<std::string>();
    if (value != "true" && value != "false") return false;
    restart.skip_drain = value == "true";
    return true;
  }
  return false;
}

// A JSON pointer token as written ("rtmanager.galaxy~1restartedAt") → the
// key it names ("rtmanager.galaxy/restartedAt").
std::string UnescapePointerToken(std::string_view token) {
  std::string key;
  for (size_t i = 0; i < token.size(); ++i) {
    if (token[i] == '~' && i + 1 < token.size() && (token[i + 1] == '0' || token[i + 1] == '1')) {
      key += token[i + 1] == '1' ? '/' : '~';
      ++i;
    } else {
      key += token[i];
    }
  }
  return key;
}

std::unexpected<PatchRefusal> Refused(std::string field, std::string what) {
  return std::unexpected(
      PatchRefusal{std::move(field), what + "; " + std::string(kOwnedByManifests)});
}

std::expected<RestartPatch, PatchRefusal> ReadMergePatch(const json& patch) {
  if (!patch.is_object()) return Refused("", "the merge patch is not a JSON object");
  RestartPatch restart;
  bool sets_annotation = false;
  for (const auto& [key, value] : patch.items()) {
    if (key != "metadata") return Refused(key, "may not be changed");
    if (!value.is_object()) return Refused("metadata", "may not be replaced");
    for (const auto& [field, content] : value.items()) {
      if (field == "resourceVersion" && content.is_string()) {
        restart.resource_version = content.get<std::string>();
      } else if (field == "annotations" && content.is_object()) {
        for (const auto& [annotation, text] : content.items()) {
          if (!ReadRestartAnnotation(annotation, text, restart, sets_annotation)) {
            return Refused("metadata.annotations[" + annotation + "]", "may not be changed");
          }
        }
      } else {
        return Refused("metadata." + field, "may not be changed");
      }
    }
  }
  if (!sets_annotation) {
    return Refused("metadata.annotations[rtmanager.galaxy/restartedAt]", "is not set");
  }
  return restart;
}

std::expected<RestartPatch, PatchRefusal> ReadJsonPatch(const json& patch) {
  if (!patch.is_array()) return Refused("", "the JSON patch is not an array");
  // "~1" is how a JSON pointer writes "/".
  const std::string annotations_path = "/metadata/annotations/";
  RestartPatch restart;
  bool sets_annotation = false;
  for (const json& operation : patch) {
    if (!operation.is_object() || !operation.contains("op") || !operation.contains("path") ||
        !operation["op"].is_string() || !operation["path"].is_string()) {
      return Refused("", "a JSON patch operation lacks op or path");
    }
    const std::string op = operation["op"];
    const std::string path = operation["path"];
    if (op == "test") continue;
    if ((op == "add" || op == "replace") && path.starts_with(annotations_path) &&
        operation.contains("value") &&
        ReadRestartAnnotation(UnescapePointerToken(path.substr(annotations_path.size())),
                              operation["value"], restart, sets_annotation)) {
      continue;
    }
    // kubectl's form for an object without annotations yet.
    if (op == "add" && path == "/metadata/annotations" && operation.contains("value") &&
        operation["value"].is_object()) {
      bool all_allowed = true;
      for (const auto& [annotation, text] : operation["value"].items()) {
        all_allowed = all_allowed &&
                      ReadRestartAnnotation(annotation, text, restart, sets_annotation);
      }
      if (all_allowed) continue;
    }
    return Refused(path, "the operation \"" + op + " " + path + "\" is not allowed");
  }
  if (!sets_annotation) {
    return Refused("metadata.annotations[rtmanager.galaxy/restartedAt]", "is not set");
  }
  return restart;
}

}  // namespace

ApiResponse KubeApi::Patch(const ApiRequest& request, std::string_view name) {
  const std::string quoted = "gameruntimes.rtmanager.galaxy \"" + std::string(name) + "\"";
  auto type_header = request.headers.find("content-type");
  std::string type = type_header == request.headers.end() ? "" : type_header->second;
  type = type.substr(0, type.find(';'));
  const bool merge = type == "application/merge-patch+json";
  const bool json_patch = type == "application/json-patch+json";
  if (!merge && !json_patch) {
    return Refuse(415, "UnsupportedMediaType",
                  "the body of type \"" + type +
                      "\" is not supported: a GameRuntime takes "
                      "application/merge-patch+json or application/json-patch+json "
                      "(kubectl patch --type=merge or --type=json; kubectl annotate)");
  }
  const json patch = json::parse(request.body, nullptr, false);
  if (patch.is_discarded()) {
    return Refuse(400, "BadRequest", "the patch body is not JSON");
  }
  auto restart = merge ? ReadMergePatch(patch) : ReadJsonPatch(patch);
  if (!restart) {
    return JsonResponse(422, kube::RenderInvalidStatus(name, restart.error().field,
                                                       restart.error().message));
  }
  auto object = Load(name);
  if (!object) return ErrorOf(object.error(), name);
  const RuntimeStatusView* view = object->status();
  if (restart->resource_version &&
      *restart->resource_version !=
          std::to_string(kube::ResourceVersionOf(object->desired, view))) {
    return ErrorOf({ErrorCode::kConflict,
                    "Operation cannot be fulfilled on " + quoted +
                        ": the object has been modified; please apply your changes "
                        "to the latest version and try again"},
                   name);
  }
  if (!deps_.request_restart) {
    return Refuse(405, "MethodNotAllowed", "restarts are not served here");
  }
  auto request_id = request.headers.find("x-request-id");
  std::string id = request_id == request.headers.end() ? "" : request_id->second;
  if (id.size() > 256) {
    return ErrorOf({ErrorCode::kInvalidRequest, "X-Request-Id longer than 256 characters"});
  }
  if (id.empty()) id = deps_.tokens.NewToken();
  auto generation =
      deps_.request_restart(name, RestartRequest{std::move(id), restart->skip_drain,
                                                 Requester{request.caller,
                                                           request.remote_address}});
  if (!generation) return ErrorOf(generation.error(), name);
  auto after = deps_.desired.Get(name);
  if (!after) return ErrorOf(after.error(), name);
  return JsonResponse(200, kube::RenderObject(*after, view));
}

}  // namespace rtm
