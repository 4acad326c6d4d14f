#include "controller/system/random_token_generator.h"

#include <gtest/gtest.h>

#include <set>

namespace rtm {
namespace {

TEST(Base64UrlTest, MatchesRfc4648VectorsWithoutPadding) {
  auto encode = [](std::string_view text) {
    return Base64UrlEncode(reinterpret_cast<const unsigned char*>(text.data()),
                           text.size());
  };
  EXPECT_EQ(encode(""), "");
  EXPECT_EQ(encode("f"), "Zg");
  EXPECT_EQ(encode("fo"), "Zm8");
  EXPECT_EQ(encode("foo"), "Zm9v");
  EXPECT_EQ(encode("foob"), "Zm9vYg");
  EXPECT_EQ(encode("\xfb\xff"), "-_8");
}

TEST(RandomTokenGeneratorTest, Returns43UrlSafeCharactersEveryTimeDifferent) {
  RandomTokenGenerator tokens;
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    std::string token = tokens.NewToken();
    ASSERT_EQ(token.size(), 43u);
    EXPECT_EQ(token.find_first_not_of(
                  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                  "0123456789-_"),
              std::string::npos);
    seen.insert(token);
  }
  EXPECT_EQ(seen.size(), 100u);
}

}  // namespace
}  // namespace rtm
