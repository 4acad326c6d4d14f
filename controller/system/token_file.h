#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "reconcile/domain/error.h"

namespace rtm {

// One bearer token of a token file and the name it is known by (the
// caller's identity in logs and the audit).
struct NamedToken {
  std::string name;
  std::string token;
};

// The tokens in the file at `path` (the server's --api-token-file and
// --api-read-token-file, the CLI's --token-file), one per line:
// `name:token`, or a bare token, which is named `default_name`. Blank lines
// and lines starting with '#' are skipped; white space around the name and
// the token is trimmed. Several lines allow a rotation without downtime.
// kInvalidRequest naming the file (and the line) when it cannot be read,
// holds no token, names a token with anything but 1..64 of
// [A-Za-z0-9._@-], or holds a token shorter than `min_length` characters.
Expected<std::vector<NamedToken>> ReadTokenList(const std::string& path,
                                                std::string_view default_name,
                                                size_t min_length = 1);

}  // namespace rtm
