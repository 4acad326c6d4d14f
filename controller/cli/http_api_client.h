// ApiClient on cpprestsdk's http_client (docs/contract.md §1: cpprestsdk for HTTP
// clients). One connection per call; nothing here throws.
#pragma once

#include <memory>
#include <string>

#include "controller/cli/api_client.h"
#include "reconcile/domain/time.h"

namespace rtm {

class HttpApiClient final : public ApiClient {
 public:
  // `endpoint.server`: "http://host:port" or "https://..."; "host:port"
  // gets "http://". Anything else is kInvalidRequest naming the text.
  // `request_timeout` bounds each send and receive of Get and Post. The
  // bearer token ("": none) goes with every call as `Authorization: Bearer
  // <token>`. Over https the server's certificate is verified (chain and
  // host name) against `ca_file` or the system's CAs, unless
  // `insecure_skip_tls_verify`; a failed verification is an unreachable
  // server (kServiceUnavailable) naming the TLS error.
  static Expected<std::unique_ptr<HttpApiClient>> Create(ApiEndpoint endpoint,
                                                         Duration request_timeout);

  std::string BaseUrl() const override { return base_url_; }
  Expected<HttpReply> Get(const std::string& target) override;
  Expected<HttpReply> Post(const std::string& target,
                           const HttpHeaders& headers) override;
  Expected<HttpReply> Stream(
      const std::string& target, Deadline deadline,
      const std::function<bool(std::string_view line)>& on_line) override;

 private:
  HttpApiClient(std::string base_url, Duration request_timeout, ApiEndpoint endpoint)
      : base_url_(std::move(base_url)),
        request_timeout_(request_timeout),
        endpoint_(std::move(endpoint)) {}

  Expected<HttpReply> Send(const std::string& method, const std::string& target,
                           const HttpHeaders& headers);
  std::unexpected<Error> Unreachable(std::string_view why) const;

  std::string base_url_;
  Duration request_timeout_;
  ApiEndpoint endpoint_;  // its token and its trust
};

}  // namespace rtm
