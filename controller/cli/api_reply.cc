#include "controller/cli/api_reply.h"

namespace rtm {
namespace {

constexpr size_t kQuotedBodyLimit = 200;

std::string BodyExcerpt(std::string_view body) {
  if (body.size() <= kQuotedBodyLimit) return std::string(body);
  return std::string(body.substr(0, kQuotedBodyLimit)) + "...";
}

Error ServerError(const HttpReply& reply) {
  const nlohmann::json body = nlohmann::json::parse(reply.body, nullptr, false);
  const nlohmann::json* error = nullptr;
  if (body.is_object() && body.contains("error") && body["error"].is_object()) {
    error = &body["error"];
  }
  const bool well_formed = error != nullptr && error->contains("code") &&
                           (*error)["code"].is_string();
  if (!well_formed) {
    return Error{ErrorCode::kInternal,
                 "Error from server (HTTP " + std::to_string(reply.status) +
                     "): " + BodyExcerpt(reply.body)};
  }
  const std::string code = (*error)["code"].get<std::string>();
  const std::string message =
      error->contains("message") && (*error)["message"].is_string()
          ? (*error)["message"].get<std::string>()
          : "";
  return Error{ParseErrorCode(code).value_or(ErrorCode::kInternal),
               "Error from server (" + code + "): " + message};
}

}  // namespace

Expected<nlohmann::json> ReadApiReply(const Expected<HttpReply>& reply,
                                      std::string_view base_url) {
  if (!reply) return std::unexpected(reply.error());
  if (reply->status < 200 || reply->status > 299) {
    return std::unexpected(ServerError(*reply));
  }
  nlohmann::json body = nlohmann::json::parse(reply->body, nullptr, false);
  if (body.is_discarded()) {
    return Fail(ErrorCode::kInternal, "unexpected answer from rtmanager at " +
                                          std::string(base_url) +
                                          ": not JSON: " + BodyExcerpt(reply->body));
  }
  return body;
}

Expected<nlohmann::json> GetJson(ApiClient& client, const std::string& target) {
  return ReadApiReply(client.Get(target), client.BaseUrl());
}

Expected<std::string> GetText(ApiClient& client, const std::string& target) {
  Expected<HttpReply> reply = client.Get(target);
  if (!reply) return std::unexpected(reply.error());
  if (reply->status < 200 || reply->status > 299) {
    return std::unexpected(ServerError(*reply));
  }
  return std::move(reply->body);
}

}  // namespace rtm
