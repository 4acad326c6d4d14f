// Token files (controller/system/token_file.h): one token per line, with an
// optional name, and each problem named with its file and line.
#include "controller/system/token_file.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace rtm {
namespace {

using ::testing::HasSubstr;

class TokenFileTest : public ::testing::Test {
 protected:
  TokenFileTest()
      : dir_(std::filesystem::temp_directory_path() /
             ("rtm_token_file_" + std::to_string(::getpid()))) {
    std::filesystem::create_directories(dir_);
  }
  ~TokenFileTest() override { std::filesystem::remove_all(dir_); }

  std::string Write(const std::string& content) {
    const std::string path = (dir_ / "tokens").string();
    std::ofstream(path, std::ios::trunc) << content;
    return path;
  }
  std::string ErrorOf(const std::string& content, size_t min_length = 1) {
    auto listed = ReadTokenList(Write(content), "admin", min_length);
    EXPECT_FALSE(listed.has_value()) << content;
    if (listed.has_value()) return "";
    EXPECT_EQ(listed.error().code, ErrorCode::kInvalidRequest);
    return listed.error().message;
  }

  std::filesystem::path dir_;
};

TEST_F(TokenFileTest, NamedAndBareTokensCommentsAndBlankLines) {
  auto listed = ReadTokenList(Write("# rotated 2026-12\n\n  old-token  \n"
                                    "ops: new-token\r\nci.bot@eu-1:abc:def\n"),
                              "admin");
  ASSERT_TRUE(listed.has_value()) << listed.error().message;
  ASSERT_EQ(listed->size(), 3u);
  EXPECT_EQ((*listed)[0].name, "admin");
  EXPECT_EQ((*listed)[0].token, "old-token");
  EXPECT_EQ((*listed)[1].name, "ops");
  EXPECT_EQ((*listed)[1].token, "new-token");
  EXPECT_EQ((*listed)[2].name, "ci.bot@eu-1");
  EXPECT_EQ((*listed)[2].token, "abc:def") << "the name ends at the first colon";
}

TEST_F(TokenFileTest, EachProblemIsNamedWithItsFileAndLine) {
  const std::string path = (dir_ / "tokens").string();
  EXPECT_EQ(ErrorOf("# nothing\n\n"), "token file " + path + " holds no token");
  EXPECT_EQ(ErrorOf("good-token-0123456789\nbad name:token-0123456789\n"),
            path + ":2: token name \"bad name\" must be 1 to 64 of A-Z a-z 0-9 . _ @ -");
  EXPECT_THAT(ErrorOf(":token-0123456789\n"), HasSubstr(":1: token name \"\" must be"));
  EXPECT_THAT(ErrorOf(std::string(65, 'n') + ":token-0123456789\n"),
              HasSubstr(":1: token name"));
  EXPECT_EQ(ErrorOf("ops:short\n", 16),
            path + ":1: the token of \"ops\" is shorter than 16 characters");
  EXPECT_EQ(ErrorOf("ops:\n"), path + ":1: the token of \"ops\" is shorter than 1 characters");
  auto missing = ReadTokenList((dir_ / "missing").string(), "admin");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().message, "cannot read token file " + (dir_ / "missing").string());
}

}  // namespace
}  // namespace rtm
