// Keeps a view of every key below a prefix current: lists the prefix,
// then watches it from the list's revision on, resuming a broken watch
// from the last revision it delivered (on whichever endpoint answers) and
// listing again when etcd compacted history the watch had not read yet.
// The handler sees a list, then events in revision order, then possibly
// a new list, and so on, always from the loop's one thread (the first list
// from the caller's thread, inside Start). The pattern of the Kubernetes
// reflector; the change feed (store/etcd/etcd_change_feed.h) and the
// cluster view (store/etcd/etcd_cluster.h) run on it.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "store/etcd/etcd_client.h"

namespace rtm {

struct EtcdWatchLoopOptions {
  // Between attempts to re-open a broken watch (doubling up to max).
  Duration retry_initial = std::chrono::milliseconds(100);
  Duration retry_max = std::chrono::seconds(5);
};

class EtcdWatchLoop {
 public:
  struct Handler {
    // Every key below the prefix as of `revision`; `relist` is false for
    // the first list, true after the watch lost history.
    std::function<void(int64_t revision, std::vector<etcd::KeyValue> kvs,
                       bool relist)>
        on_list;
    // The events of one watch message, in revision order (possibly none:
    // a progress notification), and the revision up to which everything
    // below the prefix has now been delivered.
    std::function<void(const std::vector<etcd::WatchEvent>& events,
                       int64_t delivered)>
        on_events;
  };

  // Lists once (an error when etcd cannot be read), then starts watching.
  static Expected<std::unique_ptr<EtcdWatchLoop>> Start(
      etcd::Client& client, std::string prefix, Handler handler,
      EtcdWatchLoopOptions options = {});
  ~EtcdWatchLoop();  // stops the watch; no handler call after it returns

  // How often the loop listed again after losing history.
  uint64_t relists() const;

 private:
  EtcdWatchLoop(etcd::Client& client, std::string prefix, Handler handler,
                EtcdWatchLoopOptions options);
  Expected<void> List(bool relist);
  void Run();
  bool Pause(Duration delay);  // false when stopping

  etcd::Client& client_;
  const std::string prefix_;
  const Handler handler_;
  const EtcdWatchLoopOptions options_;
  int64_t next_revision_ = 0;  // the watch thread's

  mutable std::mutex mutex_;
  std::condition_variable stop_signal_;
  bool stopping_ = false;                      // guarded by mutex_
  etcd::WatchStream* active_watch_ = nullptr;  // guarded by mutex_
  uint64_t relists_ = 0;                       // guarded by mutex_
  std::thread thread_;
};

}  // namespace rtm
