#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "test/fuzz/fuzz_targets.h"

namespace rtm::fuzz {

void Require(bool holds, std::string_view property) {
  if (holds) return;
  std::fprintf(stderr, "fuzz property broken: %.*s\n", static_cast<int>(property.size()),
               property.data());
  std::abort();
}

void FeedInPieces(std::string_view bytes, size_t max,
                  const std::function<void(std::string_view piece)>& feed) {
  size_t next = 0;
  for (std::string_view rest = bytes; !rest.empty();) {
    const auto byte = static_cast<unsigned char>(bytes[next++ % bytes.size()]);
    const size_t size = std::min<size_t>(1 + byte % max, rest.size());
    feed(rest.substr(0, size));
    rest.remove_prefix(size);
  }
}

}  // namespace rtm::fuzz
