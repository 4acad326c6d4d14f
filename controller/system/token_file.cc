#include "controller/system/token_file.h"

#include <fstream>
#include <sstream>

namespace rtm {

Expected<std::string> ReadTokenFile(const std::string& path,
                                    size_t min_length) {
  std::ifstream in(path);
  std::stringstream content;
  content << in.rdbuf();
  if (!in) return Fail(ErrorCode::kInvalidRequest, "cannot read token file " + path);
  std::string token = content.str();
  const size_t end = token.find_last_not_of(" \t\r\n");
  token.erase(end == std::string::npos ? 0 : end + 1);
  token.erase(0, token.find_first_not_of(" \t\r\n"));
  if (token.empty()) {
    return Fail(ErrorCode::kInvalidRequest, "token file " + path + " is empty");
  }
  if (token.size() < min_length) {
    return Fail(ErrorCode::kInvalidRequest,
                "the token in " + path + " is shorter than " +
                    std::to_string(min_length) + " characters");
  }
  return token;
}

}  // namespace rtm
