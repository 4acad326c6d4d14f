#include "controller/api/api_access.h"

#include <algorithm>
#include <utility>

namespace rtm {

AccessVerdict DecideAccess(EndpointClass endpoint, std::optional<ApiRole> role,
                           const AccessRules& rules) {
  if (endpoint == EndpointClass::kHealth || !rules.tokens_required) {
    return AccessVerdict::kAllowed;
  }
  if (endpoint == EndpointClass::kMetrics && rules.metrics_public) {
    return AccessVerdict::kAllowed;
  }
  if (!role) return AccessVerdict::kUnauthenticated;
  if (endpoint == EndpointClass::kMutate && *role != ApiRole::kAdmin) {
    return AccessVerdict::kForbidden;
  }
  return AccessVerdict::kAllowed;
}

EndpointClass ClassOf(std::string_view method, std::string_view path) {
  if (path == "/healthz" || path == "/readyz") return EndpointClass::kHealth;
  if (path == "/metrics") return EndpointClass::kMetrics;
  if (method == "GET" || method == "HEAD") return EndpointClass::kRead;
  return EndpointClass::kMutate;
}

void ApiTokens::Replace(std::vector<ApiToken> tokens) {
  std::lock_guard lock(mutex_);
  tokens_ = std::move(tokens);
}

bool ApiTokens::Empty() const {
  std::lock_guard lock(mutex_);
  return tokens_.empty();
}

std::optional<ApiIdentity> ApiTokens::Identify(std::string_view authorization) const {
  constexpr std::string_view kBearer = "Bearer ";
  if (!authorization.starts_with(kBearer)) return std::nullopt;
  const std::string_view presented = authorization.substr(kBearer.size());
  std::lock_guard lock(mutex_);
  std::optional<ApiIdentity> found;
  for (const ApiToken& token : tokens_) {
    // Every token is compared: the time says nothing of which one matched.
    if (ConstantTimeEquals(presented, token.secret) && !found) {
      found = ApiIdentity{token.name, token.role};
    }
  }
  return found;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  const size_t n = std::max(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    const unsigned char x = i < a.size() ? a[i] : 0;
    const unsigned char y = i < b.size() ? b[i] : 0;
    diff |= x ^ y;
  }
  return diff == 0;
}

}  // namespace rtm
