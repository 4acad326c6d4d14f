// A minimal HTTP/1.1 server on 127.0.0.1 for the HttpApiClient tests: one
// connection at a time, handled on the server's thread by a test-supplied
// handler that writes the raw answer. (cpprestsdk's own listener leaks
// under LeakSanitizer now and then, so it is not used here.)
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace rtm::testing_support {

struct ReceivedRequest {
  std::string method;
  std::string target;                         // path and query
  std::map<std::string, std::string> headers;  // lower-case names
};

// One accepted connection.
class HttpConnection {
 public:
  explicit HttpConnection(int fd) : fd_(fd) {}

  // False once the peer is gone.
  bool Send(const std::string& bytes) {
    size_t sent = 0;
    while (sent < bytes.size()) {
      const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<size_t>(n);
    }
    return true;
  }

  // A complete answer with a Content-Length.
  bool Respond(int status, const std::string& body) {
    return Send("HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Type: application/json\r\n"
                "Content-Length: " + std::to_string(body.size()) +
                "\r\nConnection: close\r\n\r\n" + body);
  }

  bool StartChunked(int status = 200) {
    return Send("HTTP/1.1 " + std::to_string(status) +
                " X\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
                "Connection: close\r\n\r\n");
  }
  bool Chunk(const std::string& data) {
    char size[32];
    std::snprintf(size, sizeof size, "%zx\r\n", data.size());
    return Send(size + data + "\r\n");
  }
  bool EndChunked() { return Send("0\r\n\r\n"); }

  // Waits until the peer closes the connection or `limit` passes.
  void AwaitPeerClose(std::chrono::milliseconds limit) {
    const auto until = std::chrono::steady_clock::now() + limit;
    char buffer[256];
    while (std::chrono::steady_clock::now() < until) {
      pollfd waiting{fd_, POLLIN, 0};
      if (::poll(&waiting, 1, 20) > 0 && ::recv(fd_, buffer, sizeof buffer, 0) <= 0) return;
    }
  }

 private:
  int fd_;
};

class LoopbackHttpServer {
 public:
  using Handler = std::function<void(const ReceivedRequest&, HttpConnection&)>;

  explicit LoopbackHttpServer(Handler handler) : handler_(std::move(handler)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    const int yes = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address);
    ::listen(listen_fd_, 16);
    socklen_t length = sizeof address;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }

  ~LoopbackHttpServer() {
    stopping_ = true;
    thread_.join();
    ::close(listen_fd_);
  }

  std::string Url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  std::vector<ReceivedRequest> Requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  void Serve() {
    while (!stopping_) {
      pollfd waiting{listen_fd_, POLLIN, 0};
      if (::poll(&waiting, 1, 20) <= 0) continue;
      const int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) continue;
      ReceivedRequest request;
      if (ReadRequest(fd, request)) {
        {
          std::lock_guard lock(mutex_);
          requests_.push_back(request);
        }
        HttpConnection connection(fd);
        handler_(request, connection);
      }
      ::close(fd);
    }
  }

  // The request line and headers, then a Content-Length body if any.
  static bool ReadRequest(int fd, ReceivedRequest& request) {
    std::string data;
    char buffer[4096];
    size_t head_end = std::string::npos;
    while ((head_end = data.find("\r\n\r\n")) == std::string::npos) {
      const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
      if (n <= 0) return false;
      data.append(buffer, static_cast<size_t>(n));
    }
    size_t line_end = data.find("\r\n");
    const std::string request_line = data.substr(0, line_end);
    const size_t first_space = request_line.find(' ');
    const size_t second_space = request_line.find(' ', first_space + 1);
    request.method = request_line.substr(0, first_space);
    request.target = request_line.substr(first_space + 1, second_space - first_space - 1);
    while (line_end < head_end) {
      const size_t next = data.find("\r\n", line_end + 2);
      const std::string line = data.substr(line_end + 2, next - line_end - 2);
      const size_t colon = line.find(':');
      if (colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        const size_t value = line.find_first_not_of(' ', colon + 1);
        request.headers[name] = value == std::string::npos ? "" : line.substr(value);
      }
      line_end = next;
    }
    const auto length = request.headers.find("content-length");
    const size_t body_bytes = length == request.headers.end() ? 0 : std::stoul(length->second);
    while (data.size() < head_end + 4 + body_bytes) {
      const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
      if (n <= 0) return false;
      data.append(buffer, static_cast<size_t>(n));
    }
    return true;
  }

  Handler handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_ = false;
  std::mutex mutex_;
  std::vector<ReceivedRequest> requests_;
  std::thread thread_;  // last: starts after the members it uses
};

}  // namespace rtm::testing_support
