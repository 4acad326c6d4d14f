// The fuzz targets (docs/reliability.md "Fuzzing"): each takes one input of
// any bytes and aborts, naming the broken property, when a decoder or the
// API handler does something it promises not to. The same functions run
// under libFuzzer (scripts/fuzz.sh, a build with RTM_FUZZ) and, on every
// committed corpus file, in the ordinary test suite (fuzz_corpus_test.cc).
#pragma once

#include <cstddef>
#include <functional>
#include <string_view>

namespace rtm::fuzz {

// A manifest file's content, read as YAML and as JSON (ParseManifest).
void ManifestInput(std::string_view bytes);
// One API request in the text form of test/fuzz/api_request_fuzzer.cc,
// answered by ApiHandler over a leveldb store holding a few games.
void ApiRequestInput(std::string_view bytes);
// Engine answers and stream bytes for the Docker wire decoders, fed whole
// and in pieces.
void DockerWireInput(std::string_view bytes);
// Stored values for every store codec (JSON records, leveldb values, etcd
// gateway answers and watch streams).
void StoreCodecInput(std::string_view bytes);

// Aborts with `property` when `holds` is false (a finding, not an error).
void Require(bool holds, std::string_view property);

// Feeds `bytes` to `feed` in pieces of 1..max bytes, the sizes derived
// from the input itself (cycling through its bytes) so that a finding
// replays.
void FeedInPieces(std::string_view bytes, size_t max,
                  const std::function<void(std::string_view piece)>& feed);

}  // namespace rtm::fuzz

// The libFuzzer entry point of a target, in the fuzz build only.
#ifdef RTM_LIBFUZZER
#define RTM_FUZZ_TARGET(function)                                              \
  extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, size_t size) { \
    function({reinterpret_cast<const char*>(data), size});                     \
    return 0;                                                                  \
  }
#else
#define RTM_FUZZ_TARGET(function)
#endif
