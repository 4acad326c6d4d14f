#include "test/controller/docker/fake_docker_server.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstring>
#include <random>
#include <stdexcept>

namespace rtm::testing {
namespace {

constexpr auto kScriptWait = std::chrono::seconds(10);
constexpr int kPollSliceMillis = 50;

std::string UniqueSocketPath() {
  std::random_device random;
  char path[64];
  std::snprintf(path, sizeof path, "/tmp/rtm-fake-docker-%08x.sock", random());
  return path;
}

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 204:
      return "No Content";
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 409:
      return "Conflict";
    case 500:
      return "Internal Server Error";
    default:
      return "Status";
  }
}

size_t ContentLength(std::string_view head) {
  constexpr std::string_view kHeader = "content-length:";
  std::string lower(head);
  for (auto& c : lower) c = static_cast<char>(std::tolower(c));
  const size_t at = lower.find(kHeader);
  if (at == std::string::npos) return 0;
  return std::stoul(lower.substr(at + kHeader.size()));
}

}  // namespace

void Notification::Notify() {
  std::lock_guard lock(mutex_);
  notified_ = true;
  changed_.notify_all();
}

bool Notification::WaitFor(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return notified_; });
}

FakeDockerServer::FakeDockerServer(Script script)
    : socket_path_(UniqueSocketPath()) {
  listener_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, socket_path_.c_str(),
               sizeof address.sun_path - 1);
  ::unlink(socket_path_.c_str());
  if (listener_ < 0 ||
      ::bind(listener_, reinterpret_cast<sockaddr*>(&address),
             sizeof address) != 0 ||
      ::listen(listener_, 8) != 0) {
    throw std::runtime_error("fake docker server: cannot listen on " +
                             socket_path_);
  }
  thread_ = std::thread([this, script = std::move(script)] { script(*this); });
}

FakeDockerServer::~FakeDockerServer() {
  stopping_ = true;
  thread_.join();
  for (const auto& [fd, unread] : unread_) ::close(fd);
  ::close(listener_);
  ::unlink(socket_path_.c_str());
}

HttpEndpoint FakeDockerServer::endpoint() const {
  HttpEndpoint endpoint;
  endpoint.transport = HttpEndpoint::Transport::kUnix;
  endpoint.socket_path = socket_path_;
  endpoint.text = "unix://" + socket_path_;
  return endpoint;
}

bool FakeDockerServer::WaitReadable(int fd) {
  const auto give_up = std::chrono::steady_clock::now() + kScriptWait;
  while (!stopping_ && std::chrono::steady_clock::now() < give_up) {
    pollfd descriptor{fd, POLLIN, 0};
    if (::poll(&descriptor, 1, kPollSliceMillis) > 0) return true;
  }
  return false;
}

int FakeDockerServer::Accept() {
  if (!WaitReadable(listener_)) return -1;
  const int connection = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
  if (connection >= 0) {
    ++accepted_;
    unread_[connection];
  }
  return connection;
}

std::optional<std::string> FakeDockerServer::ReadRequest(int connection) {
  std::string& buffer = unread_[connection];
  for (;;) {
    const size_t head_end = buffer.find("\r\n\r\n");
    if (head_end != std::string::npos) {
      const size_t total =
          head_end + 4 +
          ContentLength(std::string_view(buffer).substr(0, head_end));
      if (buffer.size() >= total) {
        std::string request = buffer.substr(0, total);
        buffer.erase(0, total);
        ++requests_;
        return request;
      }
    }
    if (!WaitReadable(connection)) return std::nullopt;
    char bytes[4096];
    const ssize_t received = ::read(connection, bytes, sizeof bytes);
    if (received <= 0) return std::nullopt;
    buffer.append(bytes, static_cast<size_t>(received));
  }
}

void FakeDockerServer::Send(int connection, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t sent =
        ::send(connection, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent <= 0) return;
    bytes.remove_prefix(static_cast<size_t>(sent));
  }
}

void FakeDockerServer::Close(int connection) {
  unread_.erase(connection);
  ::close(connection);
}

std::string FakeDockerServer::Response(int status, std::string_view json_body) {
  return "HTTP/1.1 " + std::to_string(status) + " " +
         std::string(ReasonPhrase(status)) +
         "\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(json_body.size()) + "\r\n\r\n" + std::string(json_body);
}

std::string FakeDockerServer::ChunkedHeader(int status) {
  return "HTTP/1.1 " + std::to_string(status) + " " +
         std::string(ReasonPhrase(status)) +
         "\r\nContent-Type: application/json\r\nTransfer-Encoding: "
         "chunked\r\n\r\n";
}

std::string FakeDockerServer::Chunk(std::string_view bytes) {
  char size[16];
  std::snprintf(size, sizeof size, "%zx\r\n", bytes.size());
  return size + std::string(bytes) + "\r\n";
}

}  // namespace rtm::testing
