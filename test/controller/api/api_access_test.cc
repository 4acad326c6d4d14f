// Who may call what (controller/api/api_access.h): the decision table as
// docs/contract.md §6 "Access" states it, and the token lookup.
#include "controller/api/api_access.h"

#include <gtest/gtest.h>

namespace rtm {
namespace {

constexpr AccessVerdict kAllowed = AccessVerdict::kAllowed;
constexpr AccessVerdict k401 = AccessVerdict::kUnauthenticated;
constexpr AccessVerdict k403 = AccessVerdict::kForbidden;

TEST(DecideAccessTest, WithoutTokensEverythingIsOpen) {
  for (EndpointClass endpoint : {EndpointClass::kHealth, EndpointClass::kMetrics,
                                 EndpointClass::kRead, EndpointClass::kMutate}) {
    EXPECT_EQ(DecideAccess(endpoint, std::nullopt, {}), kAllowed);
  }
}

TEST(DecideAccessTest, WithTokensTheTableOfTheContract) {
  const AccessRules rules{.tokens_required = true};
  struct Row {
    EndpointClass endpoint;
    AccessVerdict nobody, reader, admin;
  };
  for (const Row& row : {Row{EndpointClass::kHealth, kAllowed, kAllowed, kAllowed},
                         Row{EndpointClass::kMetrics, k401, kAllowed, kAllowed},
                         Row{EndpointClass::kRead, k401, kAllowed, kAllowed},
                         Row{EndpointClass::kMutate, k401, k403, kAllowed}}) {
    const int at = static_cast<int>(row.endpoint);
    EXPECT_EQ(DecideAccess(row.endpoint, std::nullopt, rules), row.nobody) << at;
    EXPECT_EQ(DecideAccess(row.endpoint, ApiRole::kRead, rules), row.reader) << at;
    EXPECT_EQ(DecideAccess(row.endpoint, ApiRole::kAdmin, rules), row.admin) << at;
  }
}

TEST(DecideAccessTest, PublicMetricsOpenOnlyMetrics) {
  const AccessRules rules{.tokens_required = true, .metrics_public = true};
  EXPECT_EQ(DecideAccess(EndpointClass::kMetrics, std::nullopt, rules), kAllowed);
  EXPECT_EQ(DecideAccess(EndpointClass::kRead, std::nullopt, rules), k401);
  EXPECT_EQ(DecideAccess(EndpointClass::kMutate, ApiRole::kRead, rules), k403);
}

TEST(ClassOfTest, HealthMetricsReadsAndTheRest) {
  EXPECT_EQ(ClassOf("GET", "/healthz"), EndpointClass::kHealth);
  EXPECT_EQ(ClassOf("GET", "/readyz"), EndpointClass::kHealth);
  EXPECT_EQ(ClassOf("POST", "/healthz"), EndpointClass::kHealth);
  EXPECT_EQ(ClassOf("GET", "/metrics"), EndpointClass::kMetrics);
  EXPECT_EQ(ClassOf("GET", "/v1/runtimes"), EndpointClass::kRead);
  EXPECT_EQ(ClassOf("HEAD", "/v1/runtimes"), EndpointClass::kRead);
  EXPECT_EQ(ClassOf("GET", "/apis/rtmanager.galaxy/v1/gameruntimes"), EndpointClass::kRead);
  EXPECT_EQ(ClassOf("POST", "/v1/runtimes/x/restart"), EndpointClass::kMutate);
  EXPECT_EQ(ClassOf("PATCH", "/apis/rtmanager.galaxy/v1/gameruntimes/x"),
            EndpointClass::kMutate);
  EXPECT_EQ(ClassOf("DELETE", "/v1/runtimes/x"), EndpointClass::kMutate)
      << "an unknown method is treated as a change";
}

TEST(ApiTokensTest, IdentifiesABearerTokenByItsNameAndRole) {
  ApiTokens tokens({{"ops", "admin-secret", ApiRole::kAdmin},
                    {"grafana", "read-secret", ApiRole::kRead}});
  EXPECT_FALSE(tokens.Empty());
  const auto admin = tokens.Identify("Bearer admin-secret");
  ASSERT_TRUE(admin.has_value());
  EXPECT_EQ(admin->name, "ops");
  EXPECT_EQ(admin->role, ApiRole::kAdmin);
  const auto reader = tokens.Identify("Bearer read-secret");
  ASSERT_TRUE(reader.has_value());
  EXPECT_EQ(reader->name, "grafana");
  EXPECT_EQ(reader->role, ApiRole::kRead);
  for (const char* wrong : {"", "admin-secret", "Basic admin-secret", "bearer admin-secret",
                            "Bearer admin-secre", "Bearer admin-secret2", "Bearer "}) {
    EXPECT_FALSE(tokens.Identify(wrong).has_value()) << wrong;
  }
  tokens.Replace({});
  EXPECT_TRUE(tokens.Empty());
  EXPECT_FALSE(tokens.Identify("Bearer admin-secret").has_value());
}

TEST(ConstantTimeEqualsTest, EqualOnlyForTheSameBytes) {
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
  EXPECT_FALSE(ConstantTimeEquals("ab", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("ab", std::string_view("ab\0", 3)));
}

}  // namespace
}  // namespace rtm
