// Which games this process may act on (docs/cluster.md). On one host, all
// of them (every game is this process's: pass no GameOwnership); in a
// cluster, those the scheduler assigned to this node, and only while the
// node's liveness lease holds.
#pragma once

#include <string>
#include <string_view>

namespace rtm {

struct Ownership {
  enum class Kind {
    kOwned,      // act on it as on one host
    kElsewhere,  // not this node's: remove what this node still runs of it,
                 // write nothing else for it
    kSuspended,  // unknown (the node's lease lapsed): do nothing; ask again
  };
  Kind kind = Kind::kOwned;
  std::string detail;  // why, for logs and audit entries: "assigned to node b"
};

class GameOwnership {
 public:
  virtual ~GameOwnership() = default;

  // Thread-safe; answers from memory (no I/O).
  virtual Ownership Check(std::string_view game) = 0;
};

}  // namespace rtm
