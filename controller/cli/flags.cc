#include "controller/cli/flags.h"

#include <charconv>

namespace rtm {
namespace {

const FlagSpec* FindSpec(const std::vector<FlagSpec>& specs,
                         std::string_view name) {
  for (const FlagSpec& spec : specs) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

const FlagSpec* FindShortSpec(const std::vector<FlagSpec>& specs,
                              char short_name) {
  for (const FlagSpec& spec : specs) {
    if (spec.short_name != '\0' && spec.short_name == short_name) return &spec;
  }
  return nullptr;
}

bool IsLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// `-x...`: a short flag (a letter after one dash).
bool IsShortFlag(std::string_view arg) {
  return arg.size() >= 2 && arg[0] == '-' && IsLetter(arg[1]);
}

}  // namespace

Expected<ParsedFlags> ParsedFlags::Parse(const std::vector<std::string>& args,
                                         const std::vector<FlagSpec>& specs) {
  ParsedFlags parsed;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (arg == "--") {
      parsed.positional_.insert(parsed.positional_.end(), args.begin() + i + 1,
                                args.end());
      break;
    }
    const FlagSpec* spec = nullptr;
    std::optional<std::string> inline_value;
    if (arg.starts_with("--") && arg.size() > 2) {
      arg.remove_prefix(2);
      if (auto eq = arg.find('='); eq != std::string_view::npos) {
        inline_value = std::string(arg.substr(eq + 1));
        arg = arg.substr(0, eq);
      }
      spec = FindSpec(specs, arg);
      if (spec == nullptr) {
        return Fail(ErrorCode::kInvalidRequest,
                    "unknown flag --" + std::string(arg));
      }
    } else if (IsShortFlag(arg)) {
      spec = FindShortSpec(specs, arg[1]);
      if (spec == nullptr) {
        return Fail(ErrorCode::kInvalidRequest,
                    "unknown flag -" + std::string(1, arg[1]));
      }
      std::string_view attached = arg.substr(2);
      if (attached.starts_with('=')) attached.remove_prefix(1);
      if (arg.size() > 2) inline_value = std::string(attached);
    } else {
      parsed.positional_.emplace_back(arg);
      continue;
    }
    if (!spec->takes_value) {
      if (inline_value) {
        return Fail(ErrorCode::kInvalidRequest,
                    "flag --" + spec->name + " takes no value");
      }
      parsed.values_[spec->name] = "true";
      continue;
    }
    if (inline_value) {
      parsed.values_[spec->name] = *inline_value;
    } else if (i + 1 < args.size()) {
      parsed.values_[spec->name] = args[++i];
    } else {
      return Fail(ErrorCode::kInvalidRequest,
                  "flag --" + spec->name + " needs a value");
    }
    parsed.all_values_[spec->name].push_back(parsed.values_[spec->name]);
  }
  return parsed;
}

std::vector<std::string> ParsedFlags::GetAll(std::string_view name) const {
  auto found = all_values_.find(name);
  return found == all_values_.end() ? std::vector<std::string>()
                                    : found->second;
}

bool ParsedFlags::Has(std::string_view name) const {
  return values_.contains(name);
}

std::string ParsedFlags::Get(std::string_view name,
                             std::string fallback) const {
  auto found = values_.find(name);
  return found == values_.end() ? std::move(fallback) : found->second;
}

Expected<int> ParsedFlags::GetInt(std::string_view name, int fallback, int min,
                                  int max) const {
  auto found = values_.find(name);
  if (found == values_.end()) return fallback;
  const std::string& text = found->second;
  int value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() ||
      value < min || value > max) {
    return Fail(ErrorCode::kInvalidRequest,
                "flag --" + std::string(name) + ": \"" + text +
                    "\" is not an integer in " + std::to_string(min) + ".." +
                    std::to_string(max));
  }
  return value;
}

Expected<Duration> ParsedFlags::GetDuration(std::string_view name,
                                            Duration fallback) const {
  auto found = values_.find(name);
  if (found == values_.end()) return fallback;
  auto parsed = ParseDuration(found->second);
  if (!parsed) {
    return Fail(ErrorCode::kInvalidRequest,
                "flag --" + std::string(name) + ": " + parsed.error().message);
  }
  return parsed;
}

std::string FormatFlagHelp(const std::vector<FlagSpec>& specs) {
  std::string out;
  for (const FlagSpec& spec : specs) {
    std::string left = spec.short_name != '\0'
                           ? "  -" + std::string(1, spec.short_name) + ", --"
                           : "  --";
    left += spec.name + (spec.takes_value ? " VALUE" : "");
    if (left.size() < 28) left.resize(28, ' ');
    out += left + " " + spec.help + "\n";
  }
  return out;
}

}  // namespace rtm
