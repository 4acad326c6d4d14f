// spec.secretEnv values on files (controller/system/file_secret_source.h):
// what is read, what is refused, and digests under a key of their own.
#include "controller/system/file_secret_source.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace rtm {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class FileSecretSourceTest : public ::testing::Test {
 protected:
  FileSecretSourceTest()
      : dir_(fs::temp_directory_path() / ("rtm_secrets_" + std::to_string(::getpid()))) {
    fs::create_directories(dir_ / "secrets" / "nested");
    Write("secrets/rcon", "hunter2");
    Write("secrets/nested/admin", "s3cret\n");
  }
  ~FileSecretSourceTest() override { fs::remove_all(dir_); }

  void Write(const std::string& name, const std::string& content) {
    std::ofstream(dir_ / name, std::ios::binary | std::ios::trunc) << content;
  }
  std::string Secrets() const { return (dir_ / "secrets").string(); }

  fs::path dir_;
};

TEST_F(FileSecretSourceTest, ReadsFilesUnderTheDirectoryByteForByte) {
  FileSecretSource secrets(Secrets(), std::string(32, 'k'));
  EXPECT_EQ(secrets.Read("rcon").value_or(""), "hunter2");
  EXPECT_EQ(secrets.Read("nested/admin").value_or(""), "s3cret\n");
}

TEST_F(FileSecretSourceTest, RefusesWhatIsNotAFileUnderTheDirectory) {
  FileSecretSource secrets(Secrets(), std::string(32, 'k'));
  const auto code_of = [&](std::string_view file) { return secrets.Read(file).error().code; };
  EXPECT_EQ(code_of("missing"), ErrorCode::kNotFound);
  EXPECT_EQ(code_of("../secrets/rcon"), ErrorCode::kInvalidRequest);
  EXPECT_EQ(code_of("/etc/passwd"), ErrorCode::kInvalidRequest);
  EXPECT_EQ(code_of("nested"), ErrorCode::kInvalidRequest) << "a directory";
  Write("secrets/huge", std::string(64 * 1024 + 1, 'x'));
  EXPECT_THAT(secrets.Read("huge").error().message, HasSubstr("larger than 64 KiB"));
  EXPECT_THAT(secrets.Read("missing").error().message,
              HasSubstr("secret file " + Secrets() + "/missing"));

  FileSecretSource none("", std::string(32, 'k'));
  EXPECT_EQ(none.Read("rcon").error().code, ErrorCode::kInvalidRequest);
  EXPECT_THAT(none.Read("rcon").error().message, HasSubstr("needs rtmanager run --secrets-dir"));
}

TEST_F(FileSecretSourceTest, DigestsAreKeyedAndFollowTheContent) {
  FileSecretSource one(Secrets(), std::string(32, 'a'));
  FileSecretSource other(Secrets(), std::string(32, 'b'));
  const std::string digest = one.Digest("rcon").value_or("");
  EXPECT_EQ(digest.size(), 64u) << "HMAC-SHA256, hex";
  EXPECT_EQ(one.Digest("rcon").value_or(""), digest);
  EXPECT_NE(other.Digest("rcon").value_or(""), digest) << "another key, another digest";
  EXPECT_EQ(digest.find("hunter2"), std::string::npos);
  Write("secrets/rcon", "hunter3");
  EXPECT_NE(one.Digest("rcon").value_or(""), digest) << "a changed secret";
  EXPECT_EQ(one.Digest("missing").error().code, ErrorCode::kNotFound);
}

TEST_F(FileSecretSourceTest, TheDigestKeyIsMadeOnceOwnerOnlyAndKept) {
  const std::string path = (dir_ / "data" / "secret-digest.key").string();
  auto made = LoadOrCreateDigestKey(path);
  ASSERT_TRUE(made.has_value()) << made.error().message;
  EXPECT_EQ(made->size(), 32u);
  EXPECT_EQ(fs::status(path).permissions() & fs::perms::mask,
            fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_EQ(fs::status(dir_ / "data").permissions() & fs::perms::mask, fs::perms::owner_all);
  EXPECT_EQ(LoadOrCreateDigestKey(path).value_or(""), *made) << "read back, not made again";
  std::ofstream(path, std::ios::trunc) << "short";
  auto refused = LoadOrCreateDigestKey(path);
  ASSERT_FALSE(refused.has_value());
  EXPECT_THAT(refused.error().message, HasSubstr("holds 5 bytes, not 32"));
}

}  // namespace
}  // namespace rtm
