#include "net/http_connection.h"

// clang-format off
// Boost 1.74's Asio uses std::exchange without including <utility>.
#include <utility>
// clang-format on

#include <poll.h>
#include <sys/socket.h>

#include <mutex>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <limits>
#include <type_traits>
#include <vector>

namespace rtm {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using boost::system::error_code;

constexpr uint64_t kMaxResponseBodyBytes = 64 * 1024 * 1024;
constexpr size_t kStreamChunkBytes = 64 * 1024;

http::verb ToVerb(HttpMethod method) {
  switch (method) {
    case HttpMethod::kGet:
      return http::verb::get;
    case HttpMethod::kPost:
      return http::verb::post;
    case HttpMethod::kDelete:
      return http::verb::delete_;
  }
  return http::verb::get;
}

http::request<http::string_body> BuildMessage(const HttpRequest& request,
                                              std::string_view host) {
  http::request<http::string_body> message{ToVerb(request.method),
                                           request.target, 11};
  message.set(http::field::host, boost::beast::string_view(host.data(), host.size()));
  for (const auto& [name, value] : request.headers) message.set(name, value);
  message.set(http::field::user_agent, "rtmanager");
  if (request.json_body) {
    message.set(http::field::content_type, "application/json");
    message.body() = *request.json_body;
  }
  message.prepare_payload();
  return message;
}

bool IsPeerClose(const error_code& error) {
  return error == http::error::end_of_stream || error == asio::error::eof ||
         error == asio::error::connection_reset ||
         error == asio::error::broken_pipe ||
         error == asio::error::connection_aborted;
}

TransportError Failure(std::string_view step, const error_code& error) {
  return TransportError{std::string(step) + ": " + error.message()};
}

TransportError Timeout(std::string_view step) {
  return TransportError{std::string(step) + ": timed out", true};
}

template <typename Protocol>
class AsioHttpConnection final : public HttpConnection {
 public:
  AsioHttpConnection() : io_(1), socket_(io_) {}
  ~AsioHttpConnection() override { Close(); }

  TransportExpected<void> Connect(const HttpEndpoint& endpoint,
                                  Deadline deadline) {
    bool finished = false;
    error_code result;
    auto on_connect = [&](const error_code& error, auto&&...) {
      result = error;
      finished = true;
    };
    if constexpr (std::is_same_v<Protocol, asio::local::stream_protocol>) {
      socket_.async_connect(typename Protocol::endpoint(endpoint.socket_path),
                            on_connect);
    } else {
      // Name resolution is bounded by the system resolver's own timeouts.
      asio::ip::tcp::resolver resolver(io_);
      const auto targets =
          resolver.resolve(endpoint.host, std::to_string(endpoint.port),
                           asio::ip::tcp::resolver::numeric_service, result);
      if (result) return std::unexpected(Failure("resolve", result));
      asio::async_connect(socket_, targets, on_connect);
    }
    if (!RunOrClose(finished, deadline)) {
      Close();
      return std::unexpected(Timeout("connect"));
    }
    if (result) {
      Close();
      return std::unexpected(Failure("connect", result));
    }
    {
      std::lock_guard lock(handle_mutex_);
      native_handle_ = socket_.native_handle();
    }
    if constexpr (std::is_same_v<Protocol, asio::ip::tcp>) {
      socket_.set_option(asio::ip::tcp::no_delay(true), result);
      host_header_ = endpoint.host + ":" + std::to_string(endpoint.port);
      if (endpoint.tls) return StartTls(endpoint, deadline);
    }
    return {};
  }

  TransportExpected<HttpResponse> RoundTrip(const HttpRequest& request,
                                            Deadline deadline) override {
    if (closed_) return std::unexpected(TransportError{"connection closed"});
    reusable_ = false;
    auto message = BuildMessage(request, host_header_);
    http::response_parser<http::string_body> parser;
    parser.body_limit(kMaxResponseBodyBytes);
    bool finished = false;
    error_code result;
    std::string_view step = "send request";
    OnStream([&](auto& stream) {
      http::async_write(stream, message, [&](const error_code& error, size_t) {
        if (error) {
          result = error;
          finished = true;
          return;
        }
        step = "read response";
        http::async_read(stream, buffer_, parser,
                         [&](const error_code& read_error, size_t) {
                           result = read_error;
                           finished = true;
                         });
      });
    });
    if (!RunOrClose(finished, deadline)) {
      Close();
      return std::unexpected(Timeout(step));
    }
    if (result) {
      TransportError error = Failure(step, result);
      error.closed_before_response = IsPeerClose(result) && !parser.got_some();
      Close();
      return std::unexpected(std::move(error));
    }
    reusable_ = parser.keep_alive();
    if (!reusable_) Close();
    auto& response = parser.get();
    return HttpResponse{static_cast<int>(response.result_int()),
                        std::move(response.body())};
  }

  TransportExpected<int> StartStreaming(const HttpRequest& request,
                                        Deadline deadline) override {
    if (closed_) return std::unexpected(TransportError{"connection closed"});
    reusable_ = false;
    auto message = BuildMessage(request, host_header_);
    stream_parser_.emplace();
    // Unlimited; not boost::none, which Boost 1.74 compares as a limit of 0.
    stream_parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    chunk_.resize(kStreamChunkBytes);
    bool finished = false;
    error_code result;
    std::string_view step = "send request";
    OnStream([&](auto& stream) {
      http::async_write(stream, message, [&](const error_code& error, size_t) {
        if (error) {
          result = error;
          finished = true;
          return;
        }
        step = "read response header";
        http::async_read_header(stream, buffer_, *stream_parser_,
                                [&](const error_code& read_error, size_t) {
                                  result = read_error;
                                  finished = true;
                                });
      });
    });
    if (!RunOrClose(finished, deadline)) {
      Close();
      return std::unexpected(Timeout(step));
    }
    if (result) {
      Close();
      return std::unexpected(Failure(step, result));
    }
    return static_cast<int>(stream_parser_->get().result_int());
  }

  TransportExpected<std::optional<std::string>> ReadBodySome(
      Deadline deadline) override {
    if (closed_ || !stream_parser_) {
      return std::unexpected(TransportError{"stream closed"});
    }
    if (!read_pending_) {
      if (stream_parser_->is_done()) {
        Close();
        return std::unexpected(
            TransportError{.message = "response body ended", .body_ended = true});
      }
      StartBodyRead();
    }
    if (!RunOrClose(read_finished_, deadline)) {
      return std::optional<std::string>();
    }
    read_pending_ = false;
    if (read_error_ && read_error_ != http::error::need_buffer) {
      const TransportError error = Failure("read response body", read_error_);
      Close();
      return std::unexpected(error);
    }
    const size_t received = chunk_.size() - stream_parser_->get().body().size;
    return std::optional<std::string>(std::in_place, chunk_.data(), received);
  }

  bool Reusable() const override { return reusable_ && !closed_; }

  void Interrupt() override {
    // shutdown(2) on the descriptor is safe beside a thread blocked in the
    // io_context: the pending operation completes with an error.
    // The lock keeps Close from closing (and the system from reusing) the
    // descriptor in between.
    std::lock_guard lock(handle_mutex_);
    if (native_handle_ >= 0) ::shutdown(native_handle_, SHUT_RDWR);
  }

  bool PeerClosedWhileIdle() override {
    if (closed_ || buffer_.size() > 0) return true;
    // (Over TLS a byte waiting may be a session ticket rather than a
    // close; the connection is then replaced, which costs a handshake.)
    pollfd descriptor{native_handle_, POLLIN, 0};
    return ::poll(&descriptor, 1, 0) != 0;
  }

 private:
  // The TLS client handshake over the connected socket, which tls_ then
  // owns: TLS 1.2 and later, the peer's chain verified against the CA file
  // (else the system's CAs) and its name against the endpoint's host.
  TransportExpected<void> StartTls(const HttpEndpoint& endpoint, Deadline deadline) {
    namespace ssl = asio::ssl;
    const HttpTls& tls = *endpoint.tls;
    tls_context_.emplace(ssl::context::tls_client);
    ssl::context& context = *tls_context_;
    context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                        ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                        ssl::context::no_tlsv1_1);
    error_code error;
    if (tls.ca_file.empty()) {
      context.set_default_verify_paths(error);
    } else {
      context.load_verify_file(tls.ca_file, error);
    }
    if (!error && !tls.cert_file.empty()) {
      context.use_certificate_chain_file(tls.cert_file, error);
      if (!error) context.use_private_key_file(tls.key_file, ssl::context::pem, error);
    }
    if (error) {
      Close();
      return std::unexpected(Failure("tls setup", error));
    }
    context.set_verify_mode(ssl::verify_peer);
    tls_.emplace(std::move(socket_), context);
    tls_->set_verify_callback(ssl::host_name_verification(endpoint.host));
    error_code not_an_address;
    asio::ip::make_address(endpoint.host, not_an_address);
    if (not_an_address) {  // SNI names hosts, not addresses
      SSL_set_tlsext_host_name(tls_->native_handle(), endpoint.host.c_str());
    }
    bool finished = false;
    error_code result;
    tls_->async_handshake(ssl::stream_base::client, [&](const error_code& handshake) {
      result = handshake;
      finished = true;
    });
    if (!RunOrClose(finished, deadline)) {
      Close();
      return std::unexpected(Timeout("tls handshake"));
    }
    if (result) {
      Close();
      return std::unexpected(Failure("tls handshake", result));
    }
    return {};
  }

  // Runs `operation` on the stream the connection speaks: TLS once
  // started, else the socket.
  template <typename Operation>
  void OnStream(Operation&& operation) {
    if (tls_) {
      operation(*tls_);
    } else {
      operation(socket_);
    }
  }

  void StartBodyRead() {
    read_pending_ = true;
    read_finished_ = false;
    read_error_ = {};
    auto& body = stream_parser_->get().body();
    body.data = chunk_.data();
    body.size = chunk_.size();
    OnStream([&](auto& stream) {
      http::async_read_some(stream, buffer_, *stream_parser_,
                            [this](const error_code& error, size_t) {
                              read_error_ = error;
                              read_finished_ = true;
                            });
    });
  }

  // Runs ready handlers until `finished` turns true or `deadline` passes;
  // false in the latter case, with the operation still pending.
  bool RunUntil(const bool& finished, Deadline deadline) {
    io_.restart();
    while (!finished && io_.run_one_until(deadline) > 0) {
    }
    if (!finished) {
      io_.restart();
      io_.poll();
    }
    return finished;
  }

  // RunUntil that, should a handler throw, closes the connection before the
  // exception leaves the frame whose variables pending operations refer to.
  bool RunOrClose(const bool& finished, Deadline deadline) {
    try {
      return RunUntil(finished, deadline);
    } catch (...) {
      Close();
      throw;
    }
  }

  // Closes the socket and lets every pending handler complete as aborted,
  // so that nothing refers to this object or a caller's frame afterwards.
  void Close() {
    reusable_ = false;
    if (closed_) return;
    closed_ = true;
    error_code ignored;
    {
      std::lock_guard lock(handle_mutex_);
      native_handle_ = -1;
      if (tls_) {
        tls_->next_layer().close(ignored);
      } else {
        socket_.close(ignored);
      }
    }
    io_.restart();
    io_.run();
    read_pending_ = false;
  }

  asio::io_context io_;
  typename Protocol::socket socket_;  // moved into tls_ when TLS starts
  std::optional<asio::ssl::context> tls_context_;
  std::optional<asio::ssl::stream<typename Protocol::socket>> tls_;
  boost::beast::flat_buffer buffer_;
  bool reusable_ = false;
  bool closed_ = false;
  std::string host_header_ = "docker";  // unix sockets: any name does
  std::mutex handle_mutex_;
  int native_handle_ = -1;  // guarded by handle_mutex_

  std::optional<http::response_parser<http::buffer_body>> stream_parser_;
  std::vector<char> chunk_;
  bool read_pending_ = false;
  bool read_finished_ = false;
  error_code read_error_;
};

template <typename Protocol>
TransportExpected<std::unique_ptr<HttpConnection>> Connect(
    const HttpEndpoint& endpoint, Deadline deadline) {
  auto connection = std::make_unique<AsioHttpConnection<Protocol>>();
  if (auto connected = connection->Connect(endpoint, deadline); !connected) {
    return std::unexpected(connected.error());
  }
  return connection;
}

}  // namespace

std::string_view ToString(HttpMethod method) {
  switch (method) {
    case HttpMethod::kGet:
      return "GET";
    case HttpMethod::kPost:
      return "POST";
    case HttpMethod::kDelete:
      return "DELETE";
  }
  return "GET";
}

TransportExpected<std::unique_ptr<HttpConnection>> ConnectHttp(
    const HttpEndpoint& endpoint, Deadline deadline) {
  try {
    if (endpoint.transport == HttpEndpoint::Transport::kUnix) {
      return Connect<asio::local::stream_protocol>(endpoint, deadline);
    }
    return Connect<asio::ip::tcp>(endpoint, deadline);
  } catch (const std::exception& error) {
    return std::unexpected(
        TransportError{std::string("connect: ") + error.what()});
  }
}

}  // namespace rtm
