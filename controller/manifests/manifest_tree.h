// The format-neutral tree both manifest readers (YAML, JSON) produce and the
// one validator consumes: typed scalars, lists and ordered maps, each node
// with its 1-based line.
#pragma once

#include <cstddef>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "controller/manifests/manifest_parser.h"

namespace rtm {

enum class NodeKind { kNull, kBool, kInteger, kFloat, kString, kList, kMap };

struct ManifestMember;

struct ManifestNode {
  NodeKind kind = NodeKind::kNull;
  int line = 0;
  std::string text;  // scalars: the text as written (JSON numbers too)
  std::vector<ManifestNode> items;      // kList
  std::vector<ManifestMember> members;  // kMap, in document order

  bool IsScalar() const {
    return kind != NodeKind::kList && kind != NodeKind::kMap;
  }
};

struct ManifestMember {
  std::string key;
  int key_line = 0;
  ManifestNode value;
};

// One non-empty document of a file.
struct ManifestDocument {
  int index = 0;  // 0-based position in the file, empty documents included
  int line = 0;   // line of the document's root node
  ManifestNode root;
};

// Why a file could not be read into documents (syntax, limits).
struct ReadFailure {
  int document_index = -1;  // -1 when not attributable to one document
  int line = 0;
  std::string message;
};

using ReadResult = std::expected<std::vector<ManifestDocument>, ReadFailure>;

// Charges every node a reader materialises against ManifestLimits.
class ReadBudget {
 public:
  explicit ReadBudget(const ManifestLimits& limits) : limits_(limits) {}

  // One node holding `text_bytes` of key and scalar text at nesting `depth`
  // (the root is depth 1). nullopt while within the limits, else what was
  // exceeded; the reader then stops.
  std::optional<std::string> Charge(size_t text_bytes, size_t depth);

 private:
  const ManifestLimits& limits_;
  size_t nodes_ = 0;
  size_t text_bytes_ = 0;
};

// The "too many documents" message, shared by both readers.
std::string TooManyDocumentsMessage(const ManifestLimits& limits);

}  // namespace rtm
