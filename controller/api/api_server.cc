#include "controller/api/api_server.h"

#include <boost/asio/ssl.hpp>
#include <cpprest/http_listener.h>
#include <cpprest/producerconsumerstream.h>

#include <algorithm>
#include <vector>

#include "controller/api/api_access.h"
#include "controller/api/log_follows.h"
#include "controller/api/representation/error_representation.h"
#include "controller/api/representation/representation_support.h"
#include "controller/api/watch_streams.h"

namespace rtm {
namespace {

// `context` set up to serve `cert_file` (a PEM chain) with `key_file`:
// TLS 1.2 and later only. kInvalidRequest naming the file that does not
// load and why.
Expected<void> LoadServerCertificate(boost::asio::ssl::context& context,
                                     const std::string& cert_file,
                                     const std::string& key_file) {
  using ssl = boost::asio::ssl::context;
  context.set_options(ssl::default_workarounds | ssl::no_sslv2 | ssl::no_sslv3 |
                      ssl::no_tlsv1 | ssl::no_tlsv1_1 | ssl::single_dh_use);
  boost::system::error_code error;
  if (context.use_certificate_chain_file(cert_file, error); error) {
    return Fail(ErrorCode::kInvalidRequest,
                "TLS certificate " + cert_file + ": " + error.message());
  }
  if (context.use_private_key_file(key_file, ssl::pem, error); error) {
    return Fail(ErrorCode::kInvalidRequest, "TLS key " + key_file + " with certificate " +
                                                cert_file + ": " + error.message());
  }
  if (SSL_CTX_check_private_key(context.native_handle()) != 1) {
    return Fail(ErrorCode::kInvalidRequest,
                "TLS key " + key_file + " is not the key of " + cert_file);
  }
  return {};
}

}  // namespace

bool IsLoopbackListen(std::string_view listen) {
  const size_t colon = listen.rfind(':');
  std::string_view host = listen.substr(0, colon);
  return host == "127.0.0.1" || host == "localhost" || host == "[::1]" ||
         host.starts_with("127.");
}

ApiServer::ApiServer(ApiOptions options, ApiDependencies dependencies)
    : options_(std::move(options)),
      deps_(std::move(dependencies)),
      log_follows_(std::make_unique<LogFollows>()),
      handler_(options_, deps_, [this] { return log_follows_->open_follows(); }) {}

ApiServer::~ApiServer() {
  Stop();
  log_follows_->Stop();
}

Expected<void> ApiServer::Start() {
  if (!IsLoopbackListen(options_.listen) && (deps_.api_tokens == nullptr || deps_.api_tokens->Empty())) {
    return Fail(ErrorCode::kInvalidRequest,
                "refusing to listen on non-loopback address " + options_.listen +
                    " without --api-token-file (mutating endpoints would be "
                    "open to the network)");
  }
  const bool tls = !options_.tls_cert_file.empty();
  web::http::experimental::listener::http_listener_config config;
  if (tls) {
    // Loaded here once, so that a bad file is an error at start rather
    // than a handshake failure at each connection.
    boost::asio::ssl::context probe(boost::asio::ssl::context::tls_server);
    if (auto loaded = LoadServerCertificate(probe, options_.tls_cert_file,
                                            options_.tls_key_file);
        !loaded) {
      return std::unexpected(loaded.error());
    }
    config.set_ssl_context_callback(
        [cert = options_.tls_cert_file, key = options_.tls_key_file](
            boost::asio::ssl::context& context) {
          (void)LoadServerCertificate(context, cert, key);
        });
  } else if (!IsLoopbackListen(options_.listen)) {
    deps_.logger.Log(LogLevel::kWarn,
                     "serving the API over plain HTTP on a non-loopback address: "
                     "tokens cross the network in clear text (--tls-cert-file, "
                     "--tls-key-file)",
                     {{"listen", options_.listen}});
  }
  try {
    watch_streams_ = std::make_unique<WatchStreams>(deps_.changes, deps_.clock,
                                                    options_.bookmark_interval,
                                                    options_.watch_max_unread_bytes);
    listener_ = std::make_unique<web::http::experimental::listener::http_listener>(
        (tls ? "https://" : "http://") + options_.listen, config);
    listener_->support([this](web::http::http_request request) {
      Serve(std::move(request));
    });
    listener_->open().wait();
    return {};
  } catch (const std::exception& error) {
    listener_.reset();
    watch_streams_.reset();
    return Fail(ErrorCode::kServiceUnavailable,
                "listen on " + options_.listen + ": " + error.what());
  }
}

void ApiServer::Stop() {
  if (!listener_) return;
  watch_streams_->Stop();  // within a second; their responses complete
  log_follows_->Stop();    // as quickly
  try {
    listener_->close().wait();
  } catch (const std::exception& error) {
    deps_.logger.Log(LogLevel::kWarn, "close api listener",
                     {{"err", error.what()}});
  }
  listener_.reset();
}

void ApiServer::Serve(web::http::http_request request) {
  Response response;
  try {
    Request parsed;
    parsed.method = request.method();
    const auto& uri = request.relative_uri();
    parsed.path = uri.path();
    parsed.query = uri.query();
    parsed.header_bytes = request.request_uri().to_string().size();
    for (const auto& [name, value] : request.headers()) {
      std::string lower = name;
      for (char& c : lower) c = static_cast<char>(std::tolower(c));
      parsed.headers[lower] = value;
      parsed.header_bytes += name.size() + value.size() + 4;
    }
    parsed.body_bytes = request.headers().content_length();
    parsed.remote_address = request.remote_address();
    // Only a patch's body is read (the restart's POST carries none): at
    // most one byte past the limit, which Handle refuses.
    if (parsed.method == "PATCH" && parsed.body_bytes <= options_.max_body_bytes) {
      const std::vector<unsigned char> body = request.extract_vector().get();
      parsed.body.assign(body.begin(), body.end());
      parsed.body_bytes = std::max(parsed.body_bytes, parsed.body.size());
    }
    response = Handle(std::move(parsed));
    if (response.watch) {
      StreamWatch(request, *std::move(response.watch));
      return;
    }
    if (response.log_stream) {
      StreamLogs(request, std::move(response.log_stream));
      return;
    }
  } catch (const std::exception& error) {
    const Error internal{ErrorCode::kInternal, error.what()};
    response = {api::HttpStatusFor(internal.code),
                api::JsonText(api::RenderError(internal))};
  }
  try {
    web::http::http_response reply(static_cast<web::http::status_code>(response.status));
    // The std::string overload of set_body trips UBSan inside cpprestsdk
    // (a streambuf<char> used as streambuf<unsigned char>): pass bytes.
    reply.set_body(std::vector<unsigned char>(response.body.begin(),
                                              response.body.end()));
    reply.headers().set_content_type(response.content_type);
    // Not waited for: a handler thread blocked until the listener's I/O
    // finishes the write costs two thread switches per request (about a
    // third of the single-runtime GET rate) and, with a small pool, could
    // block every thread.
    request.reply(reply).then([](pplx::task<void> sent) {
      try {
        sent.get();
      } catch (const std::exception&) {
        // The client went away before its reply: nothing to tell it.
      }
    });
  } catch (const std::exception& error) {
    deps_.logger.Log(LogLevel::kWarn, "api reply failed", {{"err", error.what()}});
  }
}

void ApiServer::StreamWatch(web::http::http_request& request, WatchRequest watch) {
  WatchStreams::Buffer body;
  web::http::http_response reply(web::http::status_codes::OK);
  reply.headers().set_content_type("application/json");
  reply.set_body(body.create_istream());
  auto sent = request.reply(reply);
  const Duration lasts =
      watch.timeout ? std::min(*watch.timeout, options_.max_watch) : options_.max_watch;
  watch_streams_->Add(std::move(body), std::move(sent), std::move(watch),
                      std::chrono::steady_clock::now() + lasts);
}

void ApiServer::StreamLogs(web::http::http_request& request,
                           std::unique_ptr<ContainerLogStream> stream) {
  LogFollows::Buffer body;
  web::http::http_response reply(web::http::status_codes::OK);
  reply.headers().set_content_type("text/plain; charset=utf-8");
  reply.set_body(body.create_istream());
  auto sent = request.reply(reply);
  log_follows_->Add(std::move(body), std::move(sent), std::move(stream));
}

}  // namespace rtm
