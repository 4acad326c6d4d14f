#include "controller/api/kube/label_selector.h"

#include <algorithm>
#include <cctype>

namespace rtm::kube {
namespace {

std::string_view Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

// Label keys: an optional DNS-subdomain prefix and '/', then a name of
// alphanumerics, '-', '_' and '.'; values are names or empty.
bool IsNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ||
         c == '.';
}
bool IsValidValue(std::string_view value) {
  return value.size() <= 63 && std::all_of(value.begin(), value.end(), IsNameChar);
}
bool IsValidKey(std::string_view key) {
  const size_t slash = key.find('/');
  std::string_view name = key;
  if (slash != std::string_view::npos) {
    const std::string_view prefix = key.substr(0, slash);
    if (prefix.empty() || prefix.size() > 253 ||
        !std::all_of(prefix.begin(), prefix.end(), IsNameChar)) {
      return false;
    }
    name = key.substr(slash + 1);
  }
  return !name.empty() && IsValidValue(name);
}

// Splits on commas outside parentheses.
std::vector<std::string_view> SplitRequirements(std::string_view text) {
  std::vector<std::string_view> parts;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '(') ++depth;
    if (text[i] == ')') --depth;
    if (text[i] == ',' && depth == 0) {
      parts.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  parts.push_back(text.substr(start));
  return parts;
}

Error Invalid(std::string_view selector, std::string_view requirement,
              std::string_view why) {
  return Error{ErrorCode::kInvalidRequest,
               std::string(selector) + " \"" + std::string(requirement) +
                   "\": " + std::string(why)};
}

}  // namespace

Expected<LabelSelector> LabelSelector::Parse(std::string_view text) {
  LabelSelector selector;
  if (Trim(text).empty()) return selector;
  for (std::string_view raw : SplitRequirements(text)) {
    const std::string_view part = Trim(raw);
    if (part.empty()) {
      return std::unexpected(Invalid("labelSelector", text, "empty requirement"));
    }
    Requirement requirement;
    const auto key_error = [&](std::string_view key) {
      return std::unexpected(Invalid("labelSelector", part,
                                     "invalid label key \"" + std::string(key) + "\""));
    };
    if (part.front() == '!') {
      requirement.key = std::string(Trim(part.substr(1)));
      requirement.op = Operator::kDoesNotExist;
      if (!IsValidKey(requirement.key)) return key_error(requirement.key);
      selector.requirements_.push_back(std::move(requirement));
      continue;
    }
    // Set-based: "key in (a,b)" / "key notin (a,b)".
    const size_t open = part.find('(');
    if (open != std::string_view::npos) {
      if (part.back() != ')') {
        return std::unexpected(Invalid("labelSelector", part, "missing ')'"));
      }
      const std::string_view head = Trim(part.substr(0, open));
      const size_t space = head.find_last_of(" \t");
      if (space == std::string_view::npos) {
        return std::unexpected(
            Invalid("labelSelector", part, "expected \"key in (...)\" or \"key notin (...)\""));
      }
      const std::string_view op = head.substr(space + 1);
      requirement.key = std::string(Trim(head.substr(0, space)));
      if (op == "in") {
        requirement.op = Operator::kIn;
      } else if (op == "notin") {
        requirement.op = Operator::kNotIn;
      } else {
        return std::unexpected(Invalid("labelSelector", part,
                                       "unknown operator \"" + std::string(op) + "\""));
      }
      if (!IsValidKey(requirement.key)) return key_error(requirement.key);
      std::string_view list = part.substr(open + 1, part.size() - open - 2);
      if (Trim(list).empty()) {
        return std::unexpected(Invalid("labelSelector", part, "empty value list"));
      }
      while (true) {
        const size_t comma = list.find(',');
        const std::string_view value = Trim(list.substr(0, comma));
        if (!IsValidValue(value)) {
          return std::unexpected(Invalid("labelSelector", part,
                                         "invalid label value \"" + std::string(value) + "\""));
        }
        requirement.values.emplace_back(value);
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
      }
      selector.requirements_.push_back(std::move(requirement));
      continue;
    }
    // Equality: "k=v", "k==v", "k!=v"; or existence: "k".
    const size_t not_equal = part.find("!=");
    const size_t equal = part.find('=');
    if (not_equal == std::string_view::npos && equal == std::string_view::npos) {
      requirement.key = std::string(part);
      requirement.op = Operator::kExists;
      if (!IsValidKey(requirement.key)) return key_error(requirement.key);
      selector.requirements_.push_back(std::move(requirement));
      continue;
    }
    std::string_view key;
    std::string_view value;
    if (not_equal != std::string_view::npos && not_equal < equal) {
      key = part.substr(0, not_equal);
      value = part.substr(not_equal + 2);
      requirement.op = Operator::kNotIn;
    } else {
      key = part.substr(0, equal);
      value = part.substr(equal + 1);
      if (value.starts_with('=')) value.remove_prefix(1);
      requirement.op = Operator::kIn;
    }
    requirement.key = std::string(Trim(key));
    value = Trim(value);
    if (!IsValidKey(requirement.key)) return key_error(requirement.key);
    if (!IsValidValue(value)) {
      return std::unexpected(Invalid("labelSelector", part,
                                     "invalid label value \"" + std::string(value) + "\""));
    }
    requirement.values.emplace_back(value);
    selector.requirements_.push_back(std::move(requirement));
  }
  return selector;
}

bool LabelSelector::Matches(const std::map<std::string, std::string>& labels) const {
  for (const Requirement& requirement : requirements_) {
    auto found = labels.find(requirement.key);
    const bool present = found != labels.end();
    const bool listed =
        present && std::find(requirement.values.begin(), requirement.values.end(),
                             found->second) != requirement.values.end();
    switch (requirement.op) {
      case Operator::kIn:
        if (!listed) return false;
        break;
      case Operator::kNotIn:
        if (listed) return false;
        break;
      case Operator::kExists:
        if (!present) return false;
        break;
      case Operator::kDoesNotExist:
        if (present) return false;
        break;
    }
  }
  return true;
}

Expected<FieldSelector> FieldSelector::Parse(std::string_view text) {
  FieldSelector selector;
  if (Trim(text).empty()) return selector;
  for (std::string_view raw : SplitRequirements(text)) {
    const std::string_view part = Trim(raw);
    const size_t not_equal = part.find("!=");
    const size_t equal = part.find('=');
    if (equal == std::string_view::npos) {
      return std::unexpected(Invalid("fieldSelector", part, "expected field=value"));
    }
    std::string_view field;
    std::string_view value;
    Requirement requirement;
    if (not_equal != std::string_view::npos && not_equal < equal) {
      field = part.substr(0, not_equal);
      value = part.substr(not_equal + 2);
      requirement.equal = false;
    } else {
      field = part.substr(0, equal);
      value = part.substr(equal + 1);
      if (value.starts_with('=')) value.remove_prefix(1);
    }
    field = Trim(field);
    if (field != "metadata.name") {
      return std::unexpected(Invalid(
          "fieldSelector", part,
          "field \"" + std::string(field) +
              "\" is not supported; GameRuntime selects on metadata.name only"));
    }
    requirement.value = std::string(Trim(value));
    selector.requirements_.push_back(std::move(requirement));
  }
  return selector;
}

bool FieldSelector::Matches(std::string_view name) const {
  return std::all_of(requirements_.begin(), requirements_.end(),
                     [&](const Requirement& requirement) {
                       return (name == requirement.value) == requirement.equal;
                     });
}

Expected<std::string> PercentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%') {
      if (i + 2 >= text.size()) {
        return Fail(ErrorCode::kInvalidRequest, "malformed percent escape in query");
      }
      const auto hex = [](char h) -> int {
        if (h >= '0' && h <= '9') return h - '0';
        if (h >= 'a' && h <= 'f') return h - 'a' + 10;
        if (h >= 'A' && h <= 'F') return h - 'A' + 10;
        return -1;
      };
      const int high = hex(text[i + 1]);
      const int low = hex(text[i + 2]);
      if (high < 0 || low < 0) {
        return Fail(ErrorCode::kInvalidRequest, "malformed percent escape in query");
      }
      out += static_cast<char>(high * 16 + low);
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace rtm::kube
