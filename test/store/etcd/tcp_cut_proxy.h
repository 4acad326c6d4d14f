// A TCP proxy on a loopback port for tests: forwards every connection to
// `upstream` until Cut(), which breaks every open connection and closes
// new ones at once (a network partition between a client and a server);
// Heal() forwards again.
#pragma once

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "net/http_endpoint.h"

namespace rtm {

class TcpCutProxy {
 public:
  explicit TcpCutProxy(HttpEndpoint upstream);
  ~TcpCutProxy();
  TcpCutProxy(const TcpCutProxy&) = delete;
  TcpCutProxy& operator=(const TcpCutProxy&) = delete;

  HttpEndpoint endpoint() const;  // where clients connect
  void Cut();
  void Heal();

 private:
  void Accept();
  void Pump(int client, int server);

  const HttpEndpoint upstream_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> cut_{false};
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::vector<int> open_;  // guarded by mutex_: sockets of live pairs
  std::vector<std::thread> pumps_;  // guarded by mutex_
  std::thread acceptor_;
};

}  // namespace rtm
