// spec.secretEnv in the manifest sync (reconcile/secret_digests.h): each
// secret's digest is stamped into the declared spec; a secret that cannot
// be digested makes its file invalid, so nothing it declared changes.
#include "reconcile/secret_digests.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test/mocks/mock_secret_source.h"

namespace rtm {
namespace {

using ::testing::Return;

DeclaredRuntime WithSecret(std::string name, std::string file, int line) {
  DeclaredRuntime runtime{.name = std::move(name), .spec = GameSpec{.image = "img:1"}};
  runtime.spec.secret_env["RCON_PASSWORD"] = SecretEnvSource{.file = std::move(file)};
  runtime.source = ManifestSource{"games.yaml", 0, line};
  return runtime;
}

TEST(SecretDigestsTest, EverySecretGetsItsDigest) {
  MockSecretSource secrets;
  EXPECT_CALL(secrets, Digest(std::string_view("rcon-a"))).WillOnce(Return(std::string("da")));
  EXPECT_CALL(secrets, Digest(std::string_view("rcon-b"))).WillOnce(Return(std::string("db")));
  ManifestScan scan{.files = {ScannedFile{.path = "games.yaml",
                                          .runtimes = {WithSecret("a", "rcon-a", 1),
                                                       WithSecret("b", "rcon-b", 9),
                                                       {.name = "plain"}}}}};

  StampSecretDigests(scan, secrets);

  ASSERT_EQ(scan.files[0].runtimes.size(), 3u);
  EXPECT_EQ(scan.files[0].problems, "");
  EXPECT_EQ(scan.files[0].runtimes[0].spec.secret_env.at("RCON_PASSWORD").digest, "da");
  EXPECT_EQ(scan.files[0].runtimes[1].spec.secret_env.at("RCON_PASSWORD").digest, "db");
}

TEST(SecretDigestsTest, ASecretThatCannotBeReadMakesItsFileInvalid) {
  MockSecretSource secrets;
  EXPECT_CALL(secrets, Digest(std::string_view("rcon-a"))).WillOnce(Return(std::string("da")));
  EXPECT_CALL(secrets, Digest(std::string_view("gone")))
      .WillOnce(Return(Expected<std::string>(
          Fail(ErrorCode::kNotFound, "secret file /s/gone: No such file or directory"))));
  ManifestScan scan{.files = {ScannedFile{.path = "games.yaml",
                                          .runtimes = {WithSecret("a", "rcon-a", 1),
                                                       WithSecret("b", "gone", 9)},
                                          .budgets = {DisruptionBudget{.name = "fleet"}}},
                              ScannedFile{.path = "other.yaml",
                                          .runtimes = {{.name = "c"}}}}};

  StampSecretDigests(scan, secrets);

  EXPECT_EQ(scan.files[0].problems,
            "games.yaml:9: spec.secretEnv.RCON_PASSWORD: secret file /s/gone: No such file or "
            "directory");
  EXPECT_TRUE(scan.files[0].runtimes.empty()) << "an invalid file declares nothing";
  EXPECT_TRUE(scan.files[0].budgets.empty());
  EXPECT_EQ(scan.files[1].runtimes.size(), 1u) << "other files are not touched";
}

}  // namespace
}  // namespace rtm
