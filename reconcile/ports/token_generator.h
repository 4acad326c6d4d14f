#pragma once

#include <string>

namespace rtm {

// Unique opaque tokens, used for leases and for correlation ids when an
// operation arrives without a source_ref. The production generator returns
// 32 random bytes, base64url-encoded without padding.
class TokenGenerator {
 public:
  virtual ~TokenGenerator() = default;
  virtual std::string NewToken() = 0;
};

}  // namespace rtm
