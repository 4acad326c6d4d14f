// ChangeFeed of the etcd backend: a watch cache, as the Kubernetes API
// server keeps one. One etcd watch on runtimes/ (store/etcd/etcd_keys.h),
// resumed from the last revision it delivered, feeds a ChangeHistory
// (store/history/change_history.h) that every reader reads; a change
// carries the runtime's other half from the cache of current values the
// watch keeps. When etcd has compacted the history the watch had not read
// yet (it was disconnected too long), the feed relists and restarts the
// history at the list's revision: readers behind it get history_lost and
// relist in turn.
//
// Read-your-writes: Revision and ReadAfter first wait (up to
// `catch_up_timeout`) until the watch has delivered every write this
// process made through the etcd stores (NoteOwnWrite), so that a change
// written here is in the feed as soon as its Put returned, as with the
// leveldb backend. A reader asking for changes after a revision the watch
// has not reached yet waits as long for it, then hears history_lost.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "reconcile/ports/change_feed.h"
#include "store/etcd/etcd_client.h"
#include "store/etcd/etcd_keys.h"
#include "store/history/change_history.h"

namespace rtm {

struct EtcdChangeFeedOptions {
  size_t history_bytes = kDefaultChangeHistoryBytes;
  Duration catch_up_timeout = std::chrono::seconds(5);
  // Between attempts to re-open a broken watch (doubling up to max).
  Duration retry_initial = std::chrono::milliseconds(100);
  Duration retry_max = std::chrono::seconds(5);
};

class EtcdChangeFeed : public ChangeFeed {
 public:
  // Lists runtimes/ and starts the watch after the list's revision. An
  // error when etcd cannot be read.
  static Expected<std::unique_ptr<EtcdChangeFeed>> Start(
      etcd::Client& client, const EtcdKeys& keys,
      EtcdChangeFeedOptions options);
  ~EtcdChangeFeed() override;  // stops the watch

  Expected<uint64_t> Revision() override;
  Expected<ChangeBatch> ReadAfter(uint64_t after, size_t limit) override;
  void WaitAfter(uint64_t after, Duration timeout) override;
  void Wake() override;

  // A desired or status write of this process committed at `revision`.
  void NoteOwnWrite(uint64_t revision);

  // Forgets retained changes at or below `revision` (as ChangeHistory).
  void Compact(uint64_t revision);

  // How often the watch relisted after etcd compacted history it had not
  // read, and the last value it could not decode (skipped; empty if none),
  // for diagnostics.
  uint64_t relists() const;
  std::string last_decode_error() const;

 private:
  struct Halves {
    std::shared_ptr<const DesiredRuntime> desired;
    std::shared_ptr<const RuntimeStatusView> status;
  };
  EtcdChangeFeed(etcd::Client& client, const EtcdKeys& keys,
                 EtcdChangeFeedOptions options, int64_t revision,
                 std::map<std::string, Halves> current);

  // The current values of runtimes/ and the revision they were read at.
  static Expected<std::pair<int64_t, std::map<std::string, Halves>>> List(
      etcd::Client& client, const EtcdKeys& keys, std::string& decode_error);

  void Run();  // the watch thread
  // Applies one watch message; false when the watch must relist.
  bool Apply(const etcd::WatchResponse& response);
  // Waits until the history reached `revision`; false on timeout.
  bool AwaitHistory(uint64_t revision);
  // Sleeps `delay` unless stopping; false when stopping.
  bool Pause(Duration delay);

  etcd::Client& client_;
  const EtcdKeys keys_;
  const EtcdChangeFeedOptions options_;
  ChangeHistory history_;

  // Owned by the watch thread.
  std::map<std::string, Halves> current_;
  int64_t next_revision_;  // where the watch resumes

  mutable std::mutex mutex_;
  std::condition_variable stop_signal_;
  bool stopping_ = false;                       // guarded by mutex_
  etcd::WatchStream* active_watch_ = nullptr;   // guarded by mutex_
  uint64_t own_writes_revision_ = 0;            // guarded by mutex_
  uint64_t relists_ = 0;                        // guarded by mutex_
  std::string last_decode_error_;               // guarded by mutex_
  std::thread thread_;
};

}  // namespace rtm
