// ParseRunOptions (controller/cli/run_options.h): defaults, and every
// invalid value refused with its flag named.
#include "controller/cli/run_options.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace rtm {
namespace {

using ::testing::AllOf;
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
  EXPECT_EQ(options->watch_max_unread_bytes, size_t{4} << 20);
  EXPECT_TRUE(options->api_tokens.empty());
  EXPECT_FALSE(options->metrics_public);
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
  EXPECT_THAT(ErrorOf({"--watch-max-unread-mib", "0"}), HasSubstr("--watch-max-unread-mib"));
  EXPECT_EQ(Parse({"--watch-max-unread-mib", "2"})->watch_max_unread_bytes, size_t{2} << 20);
}

TEST(RunOptionsTest, EtcdOverTlsAndEtcdAuthenticationAreSetOnTheStore) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("rtm_run_options_etcd_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string pem = (dir / "ca.pem").string();
  const std::string password = (dir / "password").string();
  std::ofstream(pem) << "pem\n";
  std::ofstream(password) << "s3cret pass\nignored\n";

  auto options = Parse({"--store", "etcd+https://10.0.0.1:2379,10.0.0.2", "--etcd-ca-file", pem,
                        "--etcd-cert-file", pem, "--etcd-key-file", pem, "--etcd-user", "rtm",
                        "--etcd-password-file", password});
  ASSERT_TRUE(options.has_value()) << options.error().message;
  ASSERT_EQ(options->etcd_endpoints.size(), 2u);
  for (const HttpEndpoint& endpoint : options->etcd_endpoints) {
    ASSERT_TRUE(endpoint.tls.has_value()) << endpoint.text;
    EXPECT_EQ(*endpoint.tls, (HttpTls{pem, pem, pem}));
  }
  EXPECT_EQ(options->etcd_user, "rtm");
  EXPECT_EQ(options->etcd_password, "s3cret pass") << "the first line, as written";
  EXPECT_FALSE(Parse({"--store", "etcd://10.0.0.1:2379"})->etcd_endpoints[0].tls.has_value());

  EXPECT_THAT(ErrorOf({"--store", "etcd://10.0.0.1", "--etcd-ca-file", pem}),
              HasSubstr("need --store etcd+https://HOST:PORT"));
  EXPECT_THAT(ErrorOf({"--store", "etcd+https://10.0.0.1", "--etcd-cert-file", pem}),
              HasSubstr("flags --etcd-cert-file and --etcd-key-file go together"));
  EXPECT_THAT(ErrorOf({"--store", "etcd+https://10.0.0.1", "--etcd-ca-file", "/nonexistent"}),
              HasSubstr("flag --etcd-ca-file: cannot read /nonexistent"));
  EXPECT_THAT(ErrorOf({"--store", "etcd://10.0.0.1", "--etcd-user", "rtm"}),
              HasSubstr("flags --etcd-user and --etcd-password-file go together"));
  EXPECT_THAT(ErrorOf({"--etcd-user", "rtm", "--etcd-password-file", password}),
              HasSubstr("flag --etcd-user: only with --store etcd://"));
  EXPECT_THAT(ErrorOf({"--store", "etcd://10.0.0.1", "--etcd-user", "rtm",
                       "--etcd-password-file", (dir / "missing").string()}),
              HasSubstr("flag --etcd-password-file: cannot read"));
  EXPECT_THAT(ErrorOf({"--store", "etcds://10.0.0.1"}),
              HasSubstr("not an etcd:// or etcd+https:// URL"));
  std::filesystem::remove_all(dir);
}

TEST(RunOptionsTest, TlsFlagsGoTogetherAndMustBeReadable) {
  const std::string pem = (std::filesystem::temp_directory_path() /
                           ("rtm_run_options_tls_" + std::to_string(::getpid()))).string();
  std::ofstream(pem) << "pem\n";
  EXPECT_THAT(ErrorOf({"--tls-cert-file", pem}),
              HasSubstr("flags --tls-cert-file and --tls-key-file go together"));
  EXPECT_THAT(ErrorOf({"--tls-cert-file", "/nonexistent/c.pem", "--tls-key-file", pem}),
              HasSubstr("flag --tls-cert-file: cannot read /nonexistent/c.pem"));
  auto options = Parse({"--tls-cert-file", pem, "--tls-key-file", pem});
  ASSERT_TRUE(options.has_value()) << options.error().message;
  EXPECT_EQ(options->tls_cert_file, pem);
  EXPECT_EQ(options->tls_key_file, pem);
  std::filesystem::remove(pem);
}

TEST(RunOptionsTest, NonLoopbackListenNeedsATokenFile) {
  EXPECT_THAT(ErrorOf({"--listen", "0.0.0.0:8088"}),
              HasSubstr("a non-loopback address needs --api-token-file"));
}

TEST(RunOptionsTest, TokenFilesAreReadWithTheirRolesAndTheirProblemsNamed) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("rtm_run_options_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string admin = (dir / "admin").string();
  const std::string readers = (dir / "readers").string();
  const std::string short_token = (dir / "short").string();
  std::ofstream(admin) << "  0123456789abcdef0123\n";
  std::ofstream(readers) << "# dashboards\ngrafana: read-0123456789abcdef\n"
                            "\nci-bot:read-abcdef0123456789\n";
  std::ofstream(short_token) << "abc\n";

  auto options = Parse({"--listen", "0.0.0.0:8088", "--api-token-file", admin,
                        "--api-read-token-file", readers, "--metrics-public"});
  ASSERT_TRUE(options.has_value()) << options.error().message;
  ASSERT_EQ(options->api_tokens.size(), 3u);
  EXPECT_EQ(options->api_tokens[0].name, "admin") << "a bare token's name";
  EXPECT_EQ(options->api_tokens[0].secret, "0123456789abcdef0123");
  EXPECT_EQ(options->api_tokens[0].role, ApiRole::kAdmin);
  EXPECT_EQ(options->api_tokens[1].name, "grafana");
  EXPECT_EQ(options->api_tokens[1].secret, "read-0123456789abcdef");
  EXPECT_EQ(options->api_tokens[1].role, ApiRole::kRead);
  EXPECT_EQ(options->api_tokens[2].name, "ci-bot");
  EXPECT_EQ(options->api_tokens[2].role, ApiRole::kRead);
  EXPECT_TRUE(options->metrics_public);
  EXPECT_EQ(options->api_read_token_file, readers) << "kept for the reload on SIGHUP";

  EXPECT_THAT(ErrorOf({"--api-token-file", short_token}),
              HasSubstr("flag --api-token-file: " + short_token +
                        ":1: the token of \"admin\" is shorter than 16 characters"));
  EXPECT_THAT(ErrorOf({"--api-read-token-file", short_token}),
              HasSubstr("flag --api-read-token-file: " + short_token +
                        ":1: the token of \"reader\" is shorter than 16 characters"));
  EXPECT_THAT(ErrorOf({"--api-token-file", (dir / "missing").string()}),
              HasSubstr("flag --api-token-file: cannot read token file"));
  std::filesystem::remove_all(dir);
}

// ----------------------------------------------------------- cluster mode

constexpr const char* kEtcd = "etcd://127.0.0.1:2379";

TEST(RunOptionsTest, ClusterModeIsOffByDefaultWithTheDocumentedTimings) {
  auto one_host = Parse({});
  ASSERT_TRUE(one_host.has_value()) << one_host.error().message;
  EXPECT_EQ(one_host->node, "");
  EXPECT_TRUE(one_host->node_labels.empty());

  auto options = Parse({"--store", kEtcd, "--node", "node-1"});
  ASSERT_TRUE(options.has_value()) << options.error().message;
  EXPECT_EQ(options->node, "node-1");
  EXPECT_TRUE(options->node_labels.empty());
  EXPECT_EQ(options->max_runtimes, 0u);
  EXPECT_EQ(options->node_ttl, std::chrono::seconds(10));
  EXPECT_EQ(options->node_lost_after, std::chrono::seconds(30));
}

TEST(RunOptionsTest, ClusterFlagsAreTaken) {
  auto options = Parse({"--store", kEtcd, "--node", "b", "--max-runtimes", "12",
                        "--node-ttl", "4s", "--node-lost-after", "1m"});
  ASSERT_TRUE(options.has_value()) << options.error().message;
  EXPECT_EQ(options->max_runtimes, 12u);
  EXPECT_EQ(options->node_ttl, std::chrono::seconds(4));
  EXPECT_EQ(options->node_lost_after, std::chrono::minutes(1));
  // --node-lost-after may equal --node-ttl.
  auto equal = Parse({"--store", kEtcd, "--node", "b", "--node-ttl", "20s",
                      "--node-lost-after", "20s"});
  ASSERT_TRUE(equal.has_value()) << equal.error().message;
  EXPECT_EQ(equal->node_lost_after, std::chrono::seconds(20));
}

TEST(RunOptionsTest, NodeNeedsTheEtcdStore) {
  EXPECT_THAT(ErrorOf({"--node", "a"}), HasSubstr("--store"));
  EXPECT_THAT(ErrorOf({"--node", "a"}), HasSubstr("flag --node"));
}

TEST(RunOptionsTest, ClusterFlagsNeedNode) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"--node-label", "zone=eu"},
           {"--max-runtimes", "3"},
           {"--node-ttl", "10s"},
           {"--node-lost-after", "30s"},
           {"--store", kEtcd, "--node-label", "zone=eu"}}) {
    EXPECT_THAT(ErrorOf(args), HasSubstr("need --node")) << ::testing::PrintToString(args);
  }
}

TEST(RunOptionsTest, RepeatedNodeLabelsAreCollected) {
  auto options = Parse({"--store", kEtcd, "--node", "a", "--node-label", "zone=eu",
                        "--node-label=gpu=true", "--node-label", "disk=ssd", "--node-label",
                        "zone=us"});
  ASSERT_TRUE(options.has_value()) << options.error().message;
  // "--node-label=gpu=true": the flag's value is "gpu=true"; a key given
  // twice: the last wins.
  EXPECT_EQ(options->node_labels, (std::map<std::string, std::string>{
                                      {"zone", "us"}, {"gpu", "true"}, {"disk", "ssd"}}));
}

TEST(RunOptionsTest, ANodeLabelWithoutKeyValueIsRefusedAndNamed) {
  EXPECT_THAT(ErrorOf({"--store", kEtcd, "--node", "a", "--node-label", "novalue"}),
              AllOf(HasSubstr("--node-label"), HasSubstr("\"novalue\" is not key=value")));
  EXPECT_THAT(ErrorOf({"--store", kEtcd, "--node", "a", "--node-label", "=eu"}),
              AllOf(HasSubstr("--node-label"), HasSubstr("\"=eu\"")));
  // One bad label among good ones is enough.
  EXPECT_THAT(ErrorOf({"--store", kEtcd, "--node", "a", "--node-label", "zone=eu",
                       "--node-label", "gpu"}),
              HasSubstr("\"gpu\" is not key=value"));
}

TEST(RunOptionsTest, AnInvalidNodeNameIsRefused) {
  for (const std::string& name :
       std::vector<std::string>{"Node_1", "-a", "a-", "a.b", std::string(64, 'a')}) {
    EXPECT_THAT(ErrorOf({"--store", kEtcd, "--node", name}),
                AllOf(HasSubstr("flag --node"), HasSubstr("\"" + name + "\""),
                      HasSubstr("must be a DNS label")))
        << name;
  }
  EXPECT_TRUE(Parse({"--store", kEtcd, "--node", std::string(63, 'a')}).has_value());
}

TEST(RunOptionsTest, ClusterTimingsAreChecked) {
  EXPECT_THAT(ErrorOf({"--store", kEtcd, "--node", "a", "--node-ttl", "1s"}),
              AllOf(HasSubstr("--node-ttl"), HasSubstr(">= 2s")));
  EXPECT_THAT(ErrorOf({"--store", kEtcd, "--node", "a", "--node-ttl", "1999ms"}),
              HasSubstr("--node-ttl"));
  EXPECT_TRUE(Parse({"--store", kEtcd, "--node", "a", "--node-ttl", "2s"}).has_value());
  EXPECT_THAT(ErrorOf({"--store", kEtcd, "--node", "a", "--node-ttl", "20s",
                       "--node-lost-after", "19s"}),
              AllOf(HasSubstr("--node-lost-after"), HasSubstr(">= --node-ttl")));
  // The default --node-lost-after (30s) against a longer --node-ttl.
  EXPECT_THAT(ErrorOf({"--store", kEtcd, "--node", "a", "--node-ttl", "1m"}),
              HasSubstr("--node-lost-after"));
  EXPECT_THAT(ErrorOf({"--store", kEtcd, "--node", "a", "--node-ttl", "soon"}),
              HasSubstr("--node-ttl"));
  EXPECT_THAT(ErrorOf({"--store", kEtcd, "--node", "a", "--node-lost-after", "5"}),
              HasSubstr("--node-lost-after"));
  EXPECT_THAT(ErrorOf({"--store", kEtcd, "--node", "a", "--max-runtimes", "-1"}),
              HasSubstr("--max-runtimes"));
}

}  // namespace
}  // namespace rtm

namespace rtm {
namespace {

TEST(RunOptionsTest, ManifestPollIsOffByDefaultAndBounded) {
  EXPECT_EQ(Parse({})->manifest_poll, Duration::zero());
  EXPECT_EQ(Parse({"--manifest-poll", "500ms"})->manifest_poll,
            std::chrono::milliseconds(500));
  EXPECT_EQ(Parse({"--manifest-poll", "0s"})->manifest_poll, Duration::zero());
  EXPECT_THAT(ErrorOf({"--manifest-poll", "50ms"}), HasSubstr("--manifest-poll"));
  EXPECT_THAT(ErrorOf({"--manifest-poll", "2h"}), HasSubstr("--manifest-poll"));
}

TEST(RunOptionsTest, ManifestRemovalGraceIsOneSecondByDefaultAndBounded) {
  EXPECT_EQ(Parse({})->manifest_removal_grace, std::chrono::seconds(1));
  EXPECT_EQ(Parse({"--manifest-removal-grace", "0s"})->manifest_removal_grace,
            Duration::zero());
  EXPECT_EQ(Parse({"--manifest-removal-grace", "30s"})->manifest_removal_grace,
            std::chrono::seconds(30));
  EXPECT_THAT(ErrorOf({"--manifest-removal-grace", "11m"}),
              HasSubstr("--manifest-removal-grace: must be in 0..10m"));
  EXPECT_THAT(ErrorOf({"--manifest-removal-grace", "soon"}),
              HasSubstr("--manifest-removal-grace"));
}

TEST(RunOptionsTest, AllowHostPathTakesCleanAbsolutePrefixes) {
  EXPECT_TRUE(Parse({})->allowed_host_paths.empty());
  EXPECT_EQ(Parse({"--allow-host-path", "/srv/games", "--allow-host-path", "/mnt/maps"})
                ->allowed_host_paths,
            (std::vector<std::string>{"/srv/games", "/mnt/maps"}));
  EXPECT_THAT(ErrorOf({"--allow-host-path", "srv/games"}),
              HasSubstr("--allow-host-path: \"srv/games\" is not a clean absolute path"));
  EXPECT_THAT(ErrorOf({"--allow-host-path", "/srv/../etc"}), HasSubstr("--allow-host-path"));
}

}  // namespace
}  // namespace rtm
