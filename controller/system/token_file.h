#pragma once

#include <cstddef>
#include <string>

#include "reconcile/domain/error.h"

namespace rtm {

// The bearer token held in the file at `path` (the server's
// --api-token-file, the CLI's --token-file): its content with surrounding
// white space trimmed. kInvalidRequest naming the file when it cannot be
// read, is empty, or holds a token shorter than `min_length` characters.
Expected<std::string> ReadTokenFile(const std::string& path,
                                    size_t min_length = 1);

}  // namespace rtm
