#include "test/store/etcd/tcp_cut_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <stdexcept>
#include <string>

namespace rtm {
namespace {

sockaddr_in Loopback(int port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

}  // namespace

TcpCutProxy::TcpCutProxy(HttpEndpoint upstream) : upstream_(std::move(upstream)) {
  listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address = Loopback(0);
  if (listener_ < 0 ||
      ::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      ::listen(listener_, 64) != 0) {
    throw std::runtime_error("proxy: cannot listen");
  }
  socklen_t length = sizeof(address);
  ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
  port_ = ntohs(address.sin_port);
  acceptor_ = std::thread([this] { Accept(); });
}

TcpCutProxy::~TcpCutProxy() {
  stopping_ = true;
  ::shutdown(listener_, SHUT_RDWR);
  acceptor_.join();
  ::close(listener_);
  Cut();
  std::vector<std::thread> pumps;
  {
    std::lock_guard lock(mutex_);
    pumps.swap(pumps_);
  }
  for (std::thread& pump : pumps) pump.join();
}

HttpEndpoint TcpCutProxy::endpoint() const {
  HttpEndpoint endpoint;
  endpoint.transport = HttpEndpoint::Transport::kTcp;
  endpoint.host = "127.0.0.1";
  endpoint.port = static_cast<uint16_t>(port_);
  endpoint.text = "127.0.0.1:" + std::to_string(port_) + " (proxy)";
  return endpoint;
}

void TcpCutProxy::Cut() {
  cut_ = true;
  std::lock_guard lock(mutex_);
  for (int socket : open_) ::shutdown(socket, SHUT_RDWR);
}

void TcpCutProxy::Heal() { cut_ = false; }

void TcpCutProxy::Accept() {
  while (!stopping_) {
    const int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;  // shut down: stopping_ ends the loop
    if (stopping_ || cut_) {
      ::close(client);
      continue;
    }
    const int server = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address = Loopback(upstream_.port);
    if (server < 0 ||
        ::connect(server, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
      if (server >= 0) ::close(server);
      ::close(client);
      continue;
    }
    std::lock_guard lock(mutex_);
    open_.push_back(client);
    open_.push_back(server);
    pumps_.emplace_back([this, client, server] { Pump(client, server); });
  }
}

void TcpCutProxy::Pump(int client, int server) {
  pollfd fds[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
  char buffer[64 * 1024];
  bool open = true;
  while (open && !cut_) {
    if (::poll(fds, 2, 100) <= 0) continue;
    for (int i = 0; i < 2 && open; ++i) {
      if (fds[i].revents == 0) continue;
      const ssize_t got = ::read(fds[i].fd, buffer, sizeof(buffer));
      if (got <= 0) {
        open = false;
        break;
      }
      ssize_t sent = 0;
      while (sent < got) {
        const ssize_t wrote =
            ::send(fds[1 - i].fd, buffer + sent, got - sent, MSG_NOSIGNAL);
        if (wrote <= 0) {
          open = false;
          break;
        }
        sent += wrote;
      }
    }
  }
  std::lock_guard lock(mutex_);
  for (int socket : {client, server}) {
    ::shutdown(socket, SHUT_RDWR);
    ::close(socket);
    open_.erase(std::remove(open_.begin(), open_.end(), socket), open_.end());
  }
}

}  // namespace rtm
