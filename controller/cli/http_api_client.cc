#include "controller/cli/http_api_client.h"

#include <cpprest/containerstream.h>
#include <cpprest/http_client.h>

#include <condition_variable>
#include <mutex>
#include <thread>

namespace rtm {
namespace {

// Runs `fire` once when `deadline` passes, unless destroyed before.
class DeadlineWatchdog {
 public:
  DeadlineWatchdog(Deadline deadline, std::function<void()> fire)
      : thread_([this, deadline, fire = std::move(fire)] {
          std::unique_lock lock(mutex_);
          if (!wakeup_.wait_until(lock, deadline, [this] { return done_; })) fire();
        }) {}

  ~DeadlineWatchdog() {
    {
      std::lock_guard lock(mutex_);
      done_ = true;
    }
    wakeup_.notify_all();
    thread_.join();
  }

 private:
  std::mutex mutex_;
  std::condition_variable wakeup_;
  bool done_ = false;
  std::thread thread_;  // last: starts after the members it uses
};

std::string ReadBody(web::http::http_response& response) {
  const std::vector<unsigned char> bytes = response.extract_vector().get();
  return std::string(bytes.begin(), bytes.end());
}

web::http::client::http_client_config ConfigOf(const ApiEndpoint& endpoint,
                                               Duration timeout) {
  web::http::client::http_client_config config;
  config.set_timeout(std::chrono::duration_cast<std::chrono::microseconds>(timeout));
  // cpprestsdk verifies the chain and the host name (RFC 2818) against the
  // system's CAs; the callback adds ours.
  config.set_validate_certificates(!endpoint.insecure_skip_tls_verify);
  if (!endpoint.ca_file.empty()) {
    config.set_ssl_context_callback([ca_file = endpoint.ca_file](boost::asio::ssl::context& context) {
      context.load_verify_file(ca_file);
    });
  }
  return config;
}

// The next line of `body` into `line`; false once the body has ended with
// nothing more to give. (A byte buffer: a std::string one makes cpprestsdk
// pun streambuf<char> as streambuf<uint8_t>, which UBSan rejects.)
bool ReadLine(concurrency::streams::istream& body, std::string& line) {
  concurrency::streams::container_buffer<std::vector<uint8_t>> buffer;
  body.read_line(buffer).get();
  line.assign(buffer.collection().begin(), buffer.collection().end());
  if (line.ends_with('\r')) line.pop_back();
  return !line.empty() || !body.is_eof();
}

// Hands lines to on_line until it returns false, the body ends or breaks,
// or the deadline passes.
void ReadLinesUntil(concurrency::streams::istream& body, Deadline deadline,
                    const std::function<bool(std::string_view line)>& on_line) {
  try {
    std::string line;
    while (std::chrono::steady_clock::now() < deadline && ReadLine(body, line)) {
      if (!on_line(line)) return;
    }
  } catch (const std::exception&) {
    // A broken or cancelled stream simply ends.
  }
}

// Reads what a cancelled response still delivers, so that no task of its
// pipeline is left pending.
void DrainAfterCancel(concurrency::streams::istream& body) {
  try {
    std::string ignored;
    while (ReadLine(body, ignored)) {
    }
  } catch (const std::exception&) {
    // The cancellation itself.
  }
}

}  // namespace

Expected<std::unique_ptr<HttpApiClient>> HttpApiClient::Create(ApiEndpoint endpoint,
                                                               Duration request_timeout) {
  std::string base_url = endpoint.server;
  if (base_url.find("://") == std::string::npos) base_url = "http://" + base_url;
  while (base_url.ends_with('/')) base_url.pop_back();
  const bool http = base_url.starts_with("http://") || base_url.starts_with("https://");
  if (!http || !web::uri::validate(base_url) || web::uri(base_url).host().empty()) {
    return Fail(ErrorCode::kInvalidRequest,
                "server \"" + base_url + "\" is not an http(s) URL");
  }
  return std::unique_ptr<HttpApiClient>(
      new HttpApiClient(std::move(base_url), request_timeout, std::move(endpoint)));
}

std::unexpected<Error> HttpApiClient::Unreachable(std::string_view why) const {
  std::string message = "cannot reach rtmanager at " + base_url_ + ": " + std::string(why);
  // cpprestsdk says no more than that the handshake failed: say what to check.
  if (why.find("SSL handshake") != std::string_view::npos) {
    message += endpoint_.insecure_skip_tls_verify
                   ? " (is the server speaking TLS?)"
                   : " (is the server's certificate signed by a CA of " +
                         (endpoint_.ca_file.empty() ? std::string("the system")
                                                    : "--ca-file " + endpoint_.ca_file) +
                         ", and valid for this host name?)";
  }
  return Fail(ErrorCode::kServiceUnavailable, message);
}

Expected<HttpReply> HttpApiClient::Get(const std::string& target) {
  return Send(web::http::methods::GET, target, {});
}

Expected<HttpReply> HttpApiClient::Post(const std::string& target,
                                        const HttpHeaders& headers) {
  return Send(web::http::methods::POST, target, headers);
}

Expected<HttpReply> HttpApiClient::Send(const std::string& method,
                                        const std::string& target,
                                        const HttpHeaders& headers) {
  try {
    web::http::client::http_client client(base_url_, ConfigOf(endpoint_, request_timeout_));
    web::http::http_request request(method);
    request.set_request_uri(target);
    if (!endpoint_.bearer_token.empty()) {
      request.headers().add("Authorization", "Bearer " + endpoint_.bearer_token);
    }
    for (const auto& [name, value] : headers) request.headers().add(name, value);
    web::http::http_response response = client.request(request).get();
    return HttpReply{response.status_code(), ReadBody(response)};
  } catch (const std::exception& error) {
    return Unreachable(error.what());
  }
}

Expected<HttpReply> HttpApiClient::Stream(
    const std::string& target, Deadline deadline,
    const std::function<bool(std::string_view line)>& on_line) {
  pplx::cancellation_token_source cancel;
  DeadlineWatchdog watchdog(deadline, [&cancel] { cancel.cancel(); });
  const auto remaining = std::chrono::duration_cast<Duration>(
      deadline - std::chrono::steady_clock::now());
  try {
    web::http::client::http_client client(
        base_url_, ConfigOf(endpoint_, std::max(remaining, Duration::zero()) +
                                           request_timeout_));
    web::http::http_request request(web::http::methods::GET);
    request.set_request_uri(target);
    if (!endpoint_.bearer_token.empty()) {
      request.headers().add("Authorization", "Bearer " + endpoint_.bearer_token);
    }
    web::http::http_response response = client.request(request, cancel.get_token()).get();
    if (response.status_code() != web::http::status_codes::OK) {
      return HttpReply{response.status_code(), ReadBody(response)};
    }
    concurrency::streams::istream body = response.body();
    ReadLinesUntil(body, deadline, on_line);
    cancel.cancel();  // closes the connection of a stream left unread
    DrainAfterCancel(body);
  } catch (const std::exception& error) {
    if (!cancel.get_token().is_canceled()) return Unreachable(error.what());
  }
  return HttpReply{web::http::status_codes::OK, ""};
}

}  // namespace rtm
