// JSON → manifest tree, with nlohmann's SAX parser: one object is one
// document, an array holds one document per element.
#pragma once

#include <string_view>

#include "controller/manifests/manifest_parser.h"
#include "controller/manifests/manifest_tree.h"

namespace rtm {

// Lines are exact: the lexer reads through an iterator that records how far
// it got (see manifest_parser.h). Syntax errors carry nlohmann's message and
// the line of the offending character. Never throws.
ReadResult ReadJsonDocuments(std::string_view content,
                             const ManifestLimits& limits);

}  // namespace rtm
