#include "controller/manifests/manifest_tree.h"

namespace rtm {

std::optional<std::string> ReadBudget::Charge(size_t text_bytes, size_t depth) {
  ++nodes_;
  text_bytes_ += text_bytes;
  if (depth > limits_.max_depth) {
    return "nesting deeper than " + std::to_string(limits_.max_depth) +
           " levels";
  }
  if (nodes_ > limits_.max_nodes) {
    return "more than " + std::to_string(limits_.max_nodes) +
           " nodes (a YAML alias counts once per use)";
  }
  if (text_bytes_ > limits_.max_scalar_bytes) {
    return "more than " + std::to_string(limits_.max_scalar_bytes) +
           " bytes of text (a YAML alias counts once per use)";
  }
  return std::nullopt;
}

std::string TooManyDocumentsMessage(const ManifestLimits& limits) {
  return "more than " + std::to_string(limits.max_documents) + " documents";
}

}  // namespace rtm
