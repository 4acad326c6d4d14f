// The API's error body: the stable codes of business outcomes and the
// API's own reasons of HTTP-level refusals, with their HTTP statuses.
#include "controller/api/representation/error_representation.h"

#include <tuple>

#include <gtest/gtest.h>

#include "controller/api/representation/representation_support.h"

namespace rtm::api {
namespace {

TEST(ErrorRepresentationTest, StableCodesKeepTheirNamesAndStatuses) {
  const std::tuple<ErrorCode, const char*, int> codes[] = {
      {ErrorCode::kInvalidRequest, "invalid_request", 400},
      {ErrorCode::kNotFound, "not_found", 404},
      {ErrorCode::kImageNotFound, "image_not_found", 404},
      {ErrorCode::kConflict, "conflict", 409},
      {ErrorCode::kServiceUnavailable, "service_unavailable", 503},
      {ErrorCode::kStartFailed, "start_failed", 500},
      {ErrorCode::kInternal, "internal", 500}};
  for (const auto& [code, name, status] : codes) {
    EXPECT_EQ(JsonText(RenderError(Error{code, "why"})),
              std::string(R"({"error":{"code":")") + name + R"(","message":"why"}})");
    EXPECT_EQ(HttpStatusFor(code), status) << name;
  }
}

TEST(ErrorRepresentationTest, RefusalsHaveTheirOwnReasonsAndStatuses) {
  const std::tuple<Refusal, const char*, int> refusals[] = {
      {Refusal::kUnauthorized, "unauthorized", 401},
      {Refusal::kMethodNotAllowed, "method_not_allowed", 405},
      {Refusal::kExpired, "expired", 410},
      {Refusal::kPayloadTooLarge, "payload_too_large", 413},
      {Refusal::kUriTooLong, "uri_too_long", 414},
      {Refusal::kHeadersTooLarge, "headers_too_large", 431}};
  for (const auto& [refusal, name, status] : refusals) {
    EXPECT_EQ(ToString(refusal), name);
    EXPECT_EQ(JsonText(RenderError(refusal, "why")),
              std::string(R"({"error":{"code":")") + name + R"(","message":"why"}})");
    EXPECT_EQ(HttpStatusFor(refusal), status) << name;
    // A reason of its own: never one of the stable codes.
    EXPECT_FALSE(ParseErrorCode(name).has_value()) << name;
  }
}

TEST(ErrorRepresentationTest, InvalidUtf8InTheMessageIsReplaced) {
  EXPECT_EQ(JsonText(RenderError(Error{ErrorCode::kInternal, "bad \xff"})),
            "{\"error\":{\"code\":\"internal\",\"message\":\"bad \xEF\xBF\xBD\"}}");
}

}  // namespace
}  // namespace rtm::api
