// The Docker Engine API (v1.41) wire format of the container-engine port's
// types: request bodies, query encoding and response parsing. Pure
// functions, no I/O. Parsers never throw: a body without the documented
// shape → kServiceUnavailable ("unexpected docker engine response ...").
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reconcile/domain/container_spec.h"
#include "reconcile/domain/error.h"
#include "reconcile/ports/container_engine.h"

namespace rtm {

// Every byte but RFC 3986 unreserved ones as %XX: safe for a path segment
// (image refs like "rtmanager/demo-game:1" included) and a query value.
std::string PercentEncode(std::string_view text);

// The `filters` query value: {"label":["k=v",...]} plus {"type":[type]}
// when `type` is not empty; percent-encoded.
std::string EncodedFilters(const std::map<std::string, std::string>& labels,
                           std::string_view type = {});

// POST /containers/create body: the whole ContainerSpec mapping (docs/contract.md §3).
std::string CreateContainerBody(const ContainerSpec& spec);

// POST /networks/create body: a bridge network labelled managed.
std::string CreateNetworkBody(std::string_view name);

Expected<EngineVersion> ParseVersion(std::string_view body);

// A GET /containers/json answer: container summaries. Exit code and health
// are read from the summary's Status text ("Exited (137) 2 seconds ago",
// "Up 5 seconds (healthy)"); the image is the reference rtmanager created it
// from (its `io.rtmanager.image` label), else the summary's Image.
// started_at/finished_at stay empty. A summary may still say "running" for
// a container whose `die` event was already published.
Expected<std::vector<ContainerState>> ParseContainerList(std::string_view body);

// The id in a POST /containers/create answer.
Expected<std::string> ParseCreatedId(std::string_view body);

// A GET /containers/{id}/json answer.
Expected<ContainerState> ParseContainerInspect(std::string_view body);

// The Name in a GET /networks/{id} answer.
Expected<std::string> ParseNetworkName(std::string_view body);

struct NetworkSummary {
  std::string id;
  std::string name;
  std::string created;  // RFC 3339 with up to nanoseconds, as the engine wrote it
};

// `filters` of GET /networks for the networks named exactly `name` (the
// engine's name filter also matches substrings; callers keep exact names).
std::string EncodedNameFilter(std::string_view name);
// A GET /networks answer.
Expected<std::vector<NetworkSummary>> ParseNetworkList(std::string_view body);
// Of several networks carrying one name (two creators raced; the engine's
// CheckDuplicate is best effort), the one every creator keeps: the oldest,
// then the smallest id. The oldest is the one a creator that saw no
// duplicate is already using. nullptr for an empty list.
const NetworkSummary* NetworkToKeep(const std::vector<NetworkSummary>& same_name);

// POST /containers/{id}/exec body: `command`, stdout and stderr attached,
// no TTY (the output comes multiplexed).
std::string ExecCreateBody(const std::vector<std::string>& command);
// POST /exec/{id}/start body: attached, no TTY.
std::string ExecStartBody();

struct ExecState {
  bool running = false;
  int exit_code = 0;  // meaningful once not running
};
// A GET /exec/{id}/json answer.
Expected<ExecState> ParseExecInspect(std::string_view body);

// The payload of a multiplexed stdout/stderr stream (exec and logs without a
// TTY): frames of an 8-byte header [stream, 0, 0, 0, size (big-endian
// uint32)] and `size` bytes. Bytes may be fed in pieces of any size.
class MultiplexedStreamDecoder {
 public:
  // Appends the payload bytes in `bytes` (of both streams, in order) to
  // `payload`; a header or frame cut at the end is continued by the next
  // call.
  void Feed(std::string_view bytes, std::string& payload);

 private:
  static constexpr size_t kHeaderBytes = 8;
  std::string header_;     // the bytes of a header read so far
  uint64_t frame_left_ = 0;  // payload bytes of the current frame not yet read
};

// The lines of a newline-delimited stream (GET /events), fed in pieces of
// any size: a line cut at the end of one piece is continued by the next.
class LineSplitter {
 public:
  void Feed(std::string_view bytes);
  // The next complete line, without its '\n'; nullopt until one is.
  std::optional<std::string> TakeLine();
  // Bytes fed and not yet taken as a line (a line still being received).
  size_t pending_bytes() const { return buffer_.size() - taken_; }

 private:
  std::string buffer_;
  size_t taken_ = 0;  // buffer_'s bytes before this were returned as lines
};

// One line of GET /events; nullopt for an event about something other than
// a container. The action is kept whole ("health_status: healthy").
Expected<std::optional<ContainerEvent>> ParseContainerEvent(
    std::string_view line);

}  // namespace rtm
