#pragma once

#include <string>

#include "reconcile/ports/token_generator.h"

namespace rtm {

// 32 bytes from the kernel's CSPRNG (getrandom), base64url without padding
// (43 chars). Keeps no per-thread state.
class RandomTokenGenerator : public TokenGenerator {
 public:
  std::string NewToken() override;
};

std::string Base64UrlEncode(const unsigned char* bytes, size_t size);

}  // namespace rtm
