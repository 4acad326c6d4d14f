// YAML (multi-document) → manifest tree, with yaml-cpp.
#pragma once

#include <string_view>

#include "controller/manifests/manifest_parser.h"
#include "controller/manifests/manifest_tree.h"

namespace rtm {

// Every non-empty document of `content` (empty ones, e.g. after a trailing
// `---`, are skipped, keep their index and do not count against
// max_documents). Syntax errors carry yaml-cpp's line and message; aliases
// are expanded under `limits`. Never throws.
ReadResult ReadYamlDocuments(std::string_view content,
                             const ManifestLimits& limits);

}  // namespace rtm
