#include "controller/manifests/json_reader.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <iterator>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace rtm {
namespace {

// A char iterator that records, in *furthest, the end of what nlohmann's
// lexer has consumed so far.
class TrackingIterator {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  TrackingIterator(const char* at, const char** furthest)
      : at_(at), furthest_(furthest) {}

  reference operator*() const { return *at_; }
  TrackingIterator& operator++() {
    *furthest_ = ++at_;
    return *this;
  }
  TrackingIterator operator++(int) {
    TrackingIterator before = *this;
    ++*this;
    return before;
  }
  friend bool operator==(const TrackingIterator& a, const TrackingIterator& b) {
    return a.at_ == b.at_;
  }

 private:
  const char* at_;
  const char** furthest_;
};

// Byte offset → 1-based line.
class LineIndex {
 public:
  explicit LineIndex(std::string_view text) {
    for (size_t offset = 0; offset < text.size(); ++offset) {
      if (text[offset] == '\n') newlines_.push_back(offset);
    }
  }

  int LineAt(size_t offset) const {
    const auto before =
        std::lower_bound(newlines_.begin(), newlines_.end(), offset);
    return 1 + static_cast<int>(before - newlines_.begin());
  }

 private:
  std::vector<size_t> newlines_;
};

bool IsIntegerText(std::string_view text) {
  return text.find_first_of(".eE") == std::string_view::npos;
}

// "parse error at line 1, column 5: syntax error ..." → "syntax error ...".
std::string WithoutPosition(const std::string& what) {
  const size_t column = what.find("column ");
  const size_t colon = what.find(": ", column);
  if (column == std::string::npos || colon == std::string::npos) return what;
  return what.substr(colon + 2);
}

// nlohmann SAX handler building a ManifestNode tree under the read budget.
class TreeBuilder {
 public:
  TreeBuilder(std::string_view content, const char* const* furthest,
              const ManifestLimits& limits)
      : begin_(content.data()),
        furthest_(furthest),
        lines_(content),
        budget_(limits) {}

  bool null() { return AddScalar(NodeKind::kNull, "", TokenEndLine()); }
  bool boolean(bool value) {
    return AddScalar(NodeKind::kBool, value ? "true" : "false", TokenEndLine());
  }
  bool number_integer(std::int64_t value) {
    return AddScalar(NodeKind::kInteger, std::to_string(value), NumberLine());
  }
  bool number_unsigned(std::uint64_t value) {
    return AddScalar(NodeKind::kInteger, std::to_string(value), NumberLine());
  }
  bool number_float(double, const std::string& text) {
    const NodeKind kind =
        IsIntegerText(text) ? NodeKind::kInteger : NodeKind::kFloat;
    return AddScalar(kind, text, NumberLine());
  }
  bool string(std::string& value) {
    return AddScalar(NodeKind::kString, std::move(value), TokenEndLine());
  }
  bool binary(nlohmann::json::binary_t&) { return false; }

  bool start_object(std::size_t) { return Open(NodeKind::kMap); }
  bool end_object() { return Close(); }
  bool start_array(std::size_t) { return Open(NodeKind::kList); }
  bool end_array() { return Close(); }

  bool key(std::string& name) {
    ManifestMember& member = open_.back()->members.emplace_back();
    member.key = std::move(name);
    member.key_line = TokenEndLine();
    return Charge(member.key.size(), open_.size() + 1, member.key_line);
  }

  // The offending character is the last one the lexer consumed.
  bool parse_error(std::size_t, const std::string&,
                   const nlohmann::json::exception& error) {
    return Fail(TokenEndLine(), WithoutPosition(error.what()));
  }

  ManifestNode& root() { return root_; }
  const std::optional<ReadFailure>& failure() const { return failure_; }

 private:
  size_t Consumed() const { return static_cast<size_t>(*furthest_ - begin_); }
  int TokenEndLine() const {
    return lines_.LineAt(Consumed() > 0 ? Consumed() - 1 : 0);
  }
  // The lexer reads one character past a number before it reports it.
  int NumberLine() const {
    return lines_.LineAt(Consumed() > 1 ? Consumed() - 2 : 0);
  }

  ManifestNode& NextSlot() {
    if (open_.empty()) return root_;
    ManifestNode& parent = *open_.back();
    if (parent.kind == NodeKind::kList) return parent.items.emplace_back();
    return parent.members.back().value;
  }

  bool AddScalar(NodeKind kind, std::string text, int line) {
    ManifestNode& node = NextSlot();
    node.kind = kind;
    node.text = std::move(text);
    node.line = line;
    return Charge(node.text.size(), open_.size() + 1, line);
  }

  bool Open(NodeKind kind) {
    ManifestNode& node = NextSlot();
    node.kind = kind;
    node.line = TokenEndLine();
    open_.push_back(&node);
    return Charge(0, open_.size(), node.line);
  }

  bool Close() {
    open_.pop_back();
    return true;
  }

  bool Charge(size_t text_bytes, size_t depth, int line) {
    std::optional<std::string> exceeded = budget_.Charge(text_bytes, depth);
    return !exceeded || Fail(line, std::move(*exceeded));
  }

  bool Fail(int line, std::string message) {
    failure_ = ReadFailure{.line = line, .message = std::move(message)};
    return false;
  }

  const char* begin_;
  const char* const* furthest_;
  LineIndex lines_;
  ReadBudget budget_;
  ManifestNode root_;
  std::vector<ManifestNode*> open_;  // containers being filled, innermost last
  std::optional<ReadFailure> failure_;
};

ReadResult SplitDocuments(ManifestNode root, const ManifestLimits& limits) {
  std::vector<ManifestDocument> documents;
  if (root.kind == NodeKind::kMap) {
    documents.push_back(
        {.index = 0, .line = root.line, .root = std::move(root)});
    return documents;
  }
  if (root.kind != NodeKind::kList) {
    return std::unexpected(
        ReadFailure{.line = root.line,
                    .message = "must be an object or an array of objects"});
  }
  if (root.items.size() > limits.max_documents) {
    return std::unexpected(
        ReadFailure{.line = root.items[limits.max_documents].line,
                    .message = TooManyDocumentsMessage(limits)});
  }
  for (size_t index = 0; index < root.items.size(); ++index) {
    ManifestNode& item = root.items[index];
    documents.push_back({.index = static_cast<int>(index),
                         .line = item.line,
                         .root = std::move(item)});
  }
  return documents;
}

ReadResult ParseJson(std::string_view content, const ManifestLimits& limits) {
  const char* furthest = content.data();
  TreeBuilder builder(content, &furthest, limits);
  const bool parsed = nlohmann::json::sax_parse(
      TrackingIterator(content.data(), &furthest),
      TrackingIterator(content.data() + content.size(), &furthest), &builder);
  if (builder.failure()) return std::unexpected(*builder.failure());
  if (!parsed) return std::unexpected(ReadFailure{.message = "invalid JSON"});
  return SplitDocuments(std::move(builder.root()), limits);
}

}  // namespace

ReadResult ReadJsonDocuments(std::string_view content,
                             const ManifestLimits& limits) {
  try {
    return ParseJson(content, limits);
  } catch (const std::exception& error) {
    return std::unexpected(ReadFailure{.message = error.what()});
  }
}

}  // namespace rtm
