#include "controller/manifests/yaml_reader.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <exception>
#include <initializer_list>
#include <optional>
#include <sstream>
#include <string>

namespace rtm {
namespace {

constexpr std::string_view kStringTag = "tag:yaml.org,2002:str";
constexpr std::string_view kNonPlainTag = "!";

bool IsOneOf(std::string_view text,
             std::initializer_list<std::string_view> words) {
  return std::find(words.begin(), words.end(), text) != words.end();
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

size_t CountDigits(std::string_view text, size_t from) {
  size_t end = from;
  while (end < text.size() && IsDigit(text[end])) ++end;
  return end - from;
}

size_t SignLength(std::string_view text) {
  return !text.empty() && (text[0] == '+' || text[0] == '-') ? 1 : 0;
}

// [-+]?[0-9]+
bool IsDecimalInteger(std::string_view text) {
  const size_t sign = SignLength(text);
  const size_t digits = CountDigits(text, sign);
  return digits > 0 && sign + digits == text.size();
}

// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
bool IsDecimalFloat(std::string_view text) {
  size_t at = SignLength(text);
  const size_t whole = CountDigits(text, at);
  at += whole;
  size_t fraction = 0;
  if (at < text.size() && text[at] == '.') {
    fraction = CountDigits(text, ++at);
    at += fraction;
  }
  if (whole == 0 && fraction == 0) return false;
  if (at < text.size() && (text[at] == 'e' || text[at] == 'E')) {
    ++at;
    at += SignLength(text.substr(at));
    const size_t exponent = CountDigits(text, at);
    if (exponent == 0) return false;
    at += exponent;
  }
  return at == text.size();
}

bool IsSpecialFloat(std::string_view text) {
  text.remove_prefix(SignLength(text));
  return IsOneOf(text, {".inf", ".Inf", ".INF", ".nan", ".NaN", ".NAN"});
}

// The YAML 1.2 core schema without its hex and octal integer forms.
NodeKind ResolvePlainScalar(std::string_view text) {
  if (text.empty() || IsOneOf(text, {"~", "null", "Null", "NULL"})) {
    return NodeKind::kNull;
  }
  if (IsOneOf(text, {"true", "True", "TRUE", "false", "False", "FALSE"})) {
    return NodeKind::kBool;
  }
  if (IsDecimalInteger(text)) return NodeKind::kInteger;
  if (IsDecimalFloat(text) || IsSpecialFloat(text)) return NodeKind::kFloat;
  return NodeKind::kString;
}

NodeKind ScalarKind(const YAML::Node& node) {
  const std::string& tag = node.Tag();
  if (tag == kNonPlainTag || tag == kStringTag) return NodeKind::kString;
  return ResolvePlainScalar(node.Scalar());
}

int LineOf(const YAML::Node& node, int fallback) {
  const YAML::Mark mark = node.Mark();
  return mark.is_null() ? fallback : mark.line + 1;
}

// Copies yaml-cpp's node graph into a ManifestNode tree, expanding aliases
// under the read budget.
class YamlConverter {
 public:
  explicit YamlConverter(const ManifestLimits& limits) : budget_(limits) {}

  // False when the budget ran out or a key is not a scalar; see failure().
  bool Convert(const YAML::Node& node, int fallback_line, size_t depth,
               ManifestNode& out) {
    out.line = LineOf(node, fallback_line);
    switch (node.Type()) {
      case YAML::NodeType::Sequence:
        out.kind = NodeKind::kList;
        return Charge(0, depth, out.line) && ConvertList(node, depth, out);
      case YAML::NodeType::Map:
        out.kind = NodeKind::kMap;
        return Charge(0, depth, out.line) && ConvertMap(node, depth, out);
      case YAML::NodeType::Scalar:
        out.kind = ScalarKind(node);
        out.text = node.Scalar();
        return Charge(out.text.size(), depth, out.line);
      default:
        out.kind = NodeKind::kNull;
        return Charge(0, depth, out.line);
    }
  }

  const ReadFailure& failure() const { return failure_; }

 private:
  bool ConvertList(const YAML::Node& node, size_t depth, ManifestNode& out) {
    for (const YAML::Node& item : node) {
      if (!Convert(item, out.line, depth + 1, out.items.emplace_back())) {
        return false;
      }
    }
    return true;
  }

  bool ConvertMap(const YAML::Node& node, size_t depth, ManifestNode& out) {
    for (const auto& entry : node) {
      ManifestMember& member = out.members.emplace_back();
      member.key_line = LineOf(entry.first, out.line);
      if (!entry.first.IsScalar() && !entry.first.IsNull()) {
        return Fail(member.key_line, "map keys must be scalars");
      }
      member.key = entry.first.Scalar();
      if (!Charge(member.key.size(), depth + 1, member.key_line) ||
          !Convert(entry.second, member.key_line, depth + 1, member.value)) {
        return false;
      }
    }
    return true;
  }

  bool Charge(size_t text_bytes, size_t depth, int line) {
    std::optional<std::string> exceeded = budget_.Charge(text_bytes, depth);
    return !exceeded || Fail(line, std::move(*exceeded));
  }

  bool Fail(int line, std::string message) {
    failure_.line = line;
    failure_.message = std::move(message);
    return false;
  }

  ReadBudget budget_;
  ReadFailure failure_;
};

// yaml-cpp 0.7 (Debian 12's) loops forever in YAML::LoadAll, allocating
// as it goes, on some malformed streams (a lone ',' at the top level, an
// unclosed flow map before a quote, found by test/fuzz/manifest_fuzzer.cc):
// its parser reports the same empty document again and again without
// consuming input. Fixed upstream in yaml-cpp 0.8.0 (jbeder/yaml-cpp#1319).
// This pass walks the stream's events before LoadAll builds nodes and
// throws a syntax error, at the stuck position, instead.
class StalledParserGuard final : public YAML::EventHandler {
 public:
  static void Check(const std::string& content) {
    std::istringstream stream(content);
    YAML::Parser parser(stream);
    StalledParserGuard guard;
    while (parser.HandleNextDocument(guard)) {
    }
  }

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (previous_start_ && previous_start_->pos == mark.pos) {
      throw YAML::ParserException(mark, "unexpected character");
    }
    previous_start_ = mark;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}

 private:
  std::optional<YAML::Mark> previous_start_;
};

ReadFailure SyntaxFailure(const YAML::Exception& error) {
  return ReadFailure{.document_index = -1,
                     .line = error.mark.is_null() ? 0 : error.mark.line + 1,
                     .message = error.msg};
}

bool IsEmptyDocument(const YAML::Node& node) {
  return node.IsNull() || !node.IsDefined();
}

ReadResult ConvertDocuments(const std::vector<YAML::Node>& nodes,
                            const ManifestLimits& limits) {
  YamlConverter converter(limits);
  std::vector<ManifestDocument> documents;
  for (size_t index = 0; index < nodes.size(); ++index) {
    if (IsEmptyDocument(nodes[index])) continue;
    if (documents.size() == limits.max_documents) {
      return std::unexpected(
          ReadFailure{.document_index = -1,
                      .line = LineOf(nodes[index], 0),
                      .message = TooManyDocumentsMessage(limits)});
    }
    ManifestDocument& document = documents.emplace_back();
    document.index = static_cast<int>(index);
    document.line = LineOf(nodes[index], 1);
    if (!converter.Convert(nodes[index], document.line, 1, document.root)) {
      ReadFailure failure = converter.failure();
      failure.document_index = document.index;
      return std::unexpected(std::move(failure));
    }
  }
  return documents;
}

}  // namespace

ReadResult ReadYamlDocuments(std::string_view content,
                             const ManifestLimits& limits) {
  try {
    const std::string text(content);
    StalledParserGuard::Check(text);
    return ConvertDocuments(YAML::LoadAll(text), limits);
  } catch (const YAML::Exception& error) {
    return std::unexpected(SyntaxFailure(error));
  } catch (const std::exception& error) {
    return std::unexpected(ReadFailure{.message = error.what()});
  }
}

}  // namespace rtm
