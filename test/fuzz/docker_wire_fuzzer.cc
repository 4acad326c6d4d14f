// The Docker wire decoders (controller/docker/docker_wire.h): every answer
// parser on the input as a body, and the two stream framings (the events
// stream's lines, the multiplexed stdout/stderr frames) fed whole and in
// pieces, which must read the same.
#include <string>
#include <vector>

#include "controller/docker/docker_wire.h"
#include "test/fuzz/fuzz_targets.h"

namespace rtm::fuzz {
namespace {

// The lines of `bytes` (without '\n'; an unterminated tail is no line).
std::vector<std::string> WholeLines(std::string_view bytes) {
  std::vector<std::string> lines;
  for (size_t end; (end = bytes.find('\n')) != std::string_view::npos;) {
    lines.emplace_back(bytes.substr(0, end));
    bytes.remove_prefix(end + 1);
  }
  return lines;
}

void EventStream(std::string_view bytes) {
  LineSplitter splitter;
  std::vector<std::string> lines;
  FeedInPieces(bytes, 64, [&](std::string_view piece) {
    splitter.Feed(piece);
    while (auto line = splitter.TakeLine()) lines.push_back(*std::move(line));
  });
  const std::vector<std::string> whole = WholeLines(bytes);
  Require(lines == whole, "the events stream splits into the same lines in any pieces");
  const size_t last_newline = bytes.rfind('\n');
  Require(splitter.pending_bytes() ==
              (last_newline == std::string_view::npos ? bytes.size()
                                                      : bytes.size() - last_newline - 1),
          "the pending bytes are the unterminated tail");
  for (const std::string& line : lines) {
    auto event = ParseContainerEvent(line);
    if (event && *event) {
      Require(!(*event)->container_id.empty() && !(*event)->action.empty(),
              "a container event names its container and action");
    }
  }
}

void Multiplexed(std::string_view bytes) {
  std::string whole;
  MultiplexedStreamDecoder().Feed(bytes, whole);
  std::string pieced;
  MultiplexedStreamDecoder decoder;
  FeedInPieces(bytes, 16, [&](std::string_view piece) { decoder.Feed(piece, pieced); });
  Require(whole == pieced, "multiplexed frames decode the same in any pieces");
  Require(whole.size() <= bytes.size(), "the payload is never longer than the frames");
}

}  // namespace

void DockerWireInput(std::string_view bytes) {
  (void)ParseVersion(bytes);
  (void)ParseContainerList(bytes);
  if (auto id = ParseCreatedId(bytes)) Require(!id->empty(), "a created id is not empty");
  (void)ParseContainerInspect(bytes);
  (void)ParseNetworkName(bytes);
  if (auto networks = ParseNetworkList(bytes)) (void)NetworkToKeep(*networks);
  (void)ParseExecInspect(bytes);
  EventStream(bytes);
  Multiplexed(bytes);
}

}  // namespace rtm::fuzz

RTM_FUZZ_TARGET(rtm::fuzz::DockerWireInput)
