#include "controller/system/token_file.h"

#include <fstream>

namespace rtm {
namespace {

std::string_view Trimmed(std::string_view text) {
  const size_t begin = text.find_first_not_of(" \t\r");
  if (begin == std::string_view::npos) return {};
  const size_t end = text.find_last_not_of(" \t\r");
  return text.substr(begin, end - begin + 1);
}

bool IsTokenName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '@' ||
                    c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

Expected<std::vector<NamedToken>> ReadTokenList(const std::string& path,
                                                std::string_view default_name,
                                                size_t min_length) {
  std::ifstream in(path);
  if (!in) return Fail(ErrorCode::kInvalidRequest, "cannot read token file " + path);
  std::vector<NamedToken> tokens;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    const std::string_view text = Trimmed(line);
    if (text.empty() || text.starts_with('#')) continue;
    const std::string where = path + ":" + std::to_string(number);
    NamedToken named{std::string(default_name), std::string(text)};
    if (const size_t colon = text.find(':'); colon != std::string_view::npos) {
      named.name = std::string(Trimmed(text.substr(0, colon)));
      named.token = std::string(Trimmed(text.substr(colon + 1)));
      if (!IsTokenName(named.name)) {
        return Fail(ErrorCode::kInvalidRequest,
                    where + ": token name \"" + named.name +
                        "\" must be 1 to 64 of A-Z a-z 0-9 . _ @ -");
      }
    }
    if (named.token.size() < min_length) {
      return Fail(ErrorCode::kInvalidRequest,
                  where + ": the token of \"" + named.name + "\" is shorter than " +
                      std::to_string(min_length) + " characters");
    }
    tokens.push_back(std::move(named));
  }
  if (in.bad()) return Fail(ErrorCode::kInvalidRequest, "cannot read token file " + path);
  if (tokens.empty()) {
    return Fail(ErrorCode::kInvalidRequest, "token file " + path + " holds no token");
  }
  return tokens;
}

}  // namespace rtm
