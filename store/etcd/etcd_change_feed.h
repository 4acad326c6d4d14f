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
#include <vector>

#include "reconcile/ports/change_feed.h"
#include "store/etcd/etcd_client.h"
#include "store/etcd/etcd_keys.h"
#include "store/etcd/etcd_watch_loop.h"
#include "store/history/change_history.h"

namespace rtm {

struct EtcdChangeFeedOptions {
  size_t history_bytes = kDefaultChangeHistoryBytes;
  Duration catch_up_timeout = std::chrono::seconds(5);
  EtcdWatchLoopOptions watch;
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
                 EtcdChangeFeedOptions options);

  // The watch loop's handler (its thread): a list resets the current
  // values (and, when it is a relist, the history); events become changes.
  void OnList(int64_t revision, std::vector<etcd::KeyValue> kvs, bool relist);
  void OnEvents(const std::vector<etcd::WatchEvent>& events, int64_t delivered);
  // Waits until the history reached `revision`; false on timeout.
  bool AwaitHistory(uint64_t revision);
  void NoteDecodeError(std::string message);

  etcd::Client& client_;
  const EtcdKeys keys_;
  const EtcdChangeFeedOptions options_;
  ChangeHistory history_;
  std::map<std::string, Halves> current_;  // the watch loop's

  mutable std::mutex mutex_;
  uint64_t own_writes_revision_ = 0;  // guarded by mutex_
  std::string last_decode_error_;     // guarded by mutex_
  std::unique_ptr<EtcdWatchLoop> loop_;  // last: stops first
};

}  // namespace rtm
