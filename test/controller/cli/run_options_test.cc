// ParseRunOptions (controller/cli/run_options.h): defaults, and every
// invalid value refused with its flag named.
#include "controller/cli/run_options.h"

#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace rtm {
namespace {

using ::testing::HasSubstr;

Expected<RunOptions> Parse(std::vector<std::string> args,
                           const char* docker_host_env = nullptr) {
  auto flags = ParsedFlags::Parse(args, RunFlags());
  if (!flags) return std::unexpected(flags.error());
  return ParseRunOptions(*flags, docker_host_env);
}

std::string ErrorOf(std::vector<std::string> args) {
  auto options = Parse(std::move(args));
  if (options) return "<accepted>";
  EXPECT_EQ(options.error().code, ErrorCode::kInvalidRequest);
  return options.error().message;
}

TEST(RunOptionsTest, DefaultsAreTheDocumentedOnes) {
  auto options = Parse({});
  ASSERT_TRUE(options.has_value()) << options.error().message;
  EXPECT_EQ(options->manifests, "./manifests");
  EXPECT_EQ(options->data_dir, "./data");
  EXPECT_EQ(options->docker_host, "unix:///var/run/docker.sock");
  EXPECT_EQ(options->listen, "127.0.0.1:8088");
  EXPECT_EQ(options->network, "rtmanager");
  EXPECT_EQ(options->workers, 8);
  EXPECT_EQ(options->lease_ttl, std::chrono::seconds(60));
  EXPECT_EQ(options->resync, std::chrono::minutes(5));
  EXPECT_EQ(options->manifest_debounce, std::chrono::milliseconds(10));
  EXPECT_EQ(options->max_ops_per_second, 20);
  EXPECT_EQ(options->watch_history_bytes, size_t{16} << 20);
  EXPECT_FALSE(options->api_token.has_value());
}

TEST(RunOptionsTest, DockerHostComesFromTheFlagThenTheEnvironment) {
  EXPECT_EQ(Parse({}, "tcp://127.0.0.1:2375")->docker_host, "tcp://127.0.0.1:2375");
  EXPECT_EQ(Parse({"--docker-host", "unix:///tmp/d.sock"}, "tcp://127.0.0.1:2375")
                ->docker_host,
            "unix:///tmp/d.sock");
}

TEST(RunOptionsTest, InvalidValuesNameTheirFlag) {
  EXPECT_THAT(ErrorOf({"--workers", "0"}), HasSubstr("--workers"));
  EXPECT_THAT(ErrorOf({"--lease-ttl", "500ms"}), HasSubstr("--lease-ttl"));
  EXPECT_THAT(ErrorOf({"--resync", "soon"}), HasSubstr("--resync"));
  EXPECT_THAT(ErrorOf({"--manifest-debounce", "11s"}), HasSubstr("--manifest-debounce"));
  EXPECT_THAT(ErrorOf({"--backoff-base", "10s", "--backoff-cap", "1s"}),
              HasSubstr("--backoff-base/--backoff-cap"));
  EXPECT_THAT(ErrorOf({"--self-heal-base", "0s"}), HasSubstr("--self-heal-base"));
  EXPECT_THAT(ErrorOf({"--log-format", "xml"}), HasSubstr("--log-format"));
  EXPECT_THAT(ErrorOf({"--log-level", "loud"}), HasSubstr("--log-level"));
  EXPECT_THAT(ErrorOf({"--watch-history-mib", "0"}), HasSubstr("--watch-history-mib"));
}

TEST(RunOptionsTest, NonLoopbackListenNeedsATokenFile) {
  EXPECT_THAT(ErrorOf({"--listen", "0.0.0.0:8088"}),
              HasSubstr("a non-loopback address needs --api-token-file"));
}

TEST(RunOptionsTest, TokenFileIsReadAndItsProblemsNamed) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("rtm_run_options_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string good = (dir / "good").string();
  const std::string short_token = (dir / "short").string();
  std::ofstream(good) << "  0123456789abcdef0123\n";
  std::ofstream(short_token) << "abc\n";

  auto options = Parse({"--listen", "0.0.0.0:8088", "--api-token-file", good});
  ASSERT_TRUE(options.has_value()) << options.error().message;
  EXPECT_EQ(options->api_token, "0123456789abcdef0123");
  EXPECT_THAT(ErrorOf({"--api-token-file", short_token}),
              HasSubstr("flag --api-token-file: the token in " + short_token +
                        " is shorter than 16 characters"));
  EXPECT_THAT(ErrorOf({"--api-token-file", (dir / "missing").string()}),
              HasSubstr("flag --api-token-file: cannot read token file"));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace rtm
