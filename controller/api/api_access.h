// Who may call what on the API (docs/contract.md §6 "Access"): bearer
// tokens with a role, on the native and the Kubernetes surface alike.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rtm {

enum class ApiRole {
  kRead,   // GET, watch, logs, metrics
  kAdmin,  // every call
};

enum class EndpointClass {
  kHealth,   // /healthz, /readyz: open to all, always
  kMetrics,  // /metrics
  kRead,     // any other GET (lists, objects, watches, logs, plan)
  kMutate,   // anything else (restart, patch)
};

enum class AccessVerdict {
  kAllowed,
  kUnauthenticated,  // 401: no token, or one the server does not know
  kForbidden,        // 403: a read token on a mutating call
};

struct AccessRules {
  // Some token is configured: every call but health needs one.
  bool tokens_required = false;
  // --metrics-public: /metrics needs no token even then.
  bool metrics_public = false;
};

// `role`: that of the token the caller presented, nullopt for none or an
// unknown one. Pure.
AccessVerdict DecideAccess(EndpointClass endpoint, std::optional<ApiRole> role,
                           const AccessRules& rules);

// The class of `method` on `path` (no trailing '/').
EndpointClass ClassOf(std::string_view method, std::string_view path);

// The caller's name where no token is needed and none was presented.
inline constexpr std::string_view kAnonymousCaller = "anonymous";

// A token the server knows.
struct ApiToken {
  std::string name;  // the caller's identity in logs and the audit
  std::string secret;
  ApiRole role = ApiRole::kRead;
};

struct ApiIdentity {
  std::string name;
  ApiRole role = ApiRole::kRead;
};

// The server's tokens, replaced whole while serving (the token files
// re-read on SIGHUP). Thread-safe.
class ApiTokens {
 public:
  ApiTokens() = default;
  explicit ApiTokens(std::vector<ApiToken> tokens) : tokens_(std::move(tokens)) {}

  void Replace(std::vector<ApiToken> tokens);
  bool Empty() const;

  // Who an `Authorization` header value ("Bearer <token>") names; nullopt
  // for another scheme or a token not held. The token is compared with
  // every held one, each in constant time.
  std::optional<ApiIdentity> Identify(std::string_view authorization) const;

 private:
  mutable std::mutex mutex_;
  std::vector<ApiToken> tokens_;  // under mutex_
};

// Equal contents, in time independent of where they differ.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace rtm
