#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "reconcile/domain/error.h"
#include "reconcile/domain/runtime_change.h"
#include "reconcile/domain/time.h"

namespace rtm {

struct ChangeBatch {
  // The changes asked for were not all retained (older than the retained
  // history, or `after` is ahead of the store, e.g. after a restore): the
  // reader must relist and read again after the list's revision. `changes`
  // is then empty.
  bool history_lost = false;
  // In commit order, each revision at most once.
  std::vector<std::shared_ptr<const RuntimeChange>> changes;
};

// The ordered change feed of desired state and status (the watch behind
// the REST API and the controller's triggers). Revisions as in
// reconcile/ports/desired_state_store.h. A watch from revision R is
// ReadAfter(R), then ReadAfter(last delivered revision) again and again,
// with WaitAfter in between: it sees every change after R exactly once, in
// commit order, or history_lost. A list taken after Revision() returned R
// holds every change up to R, so "Revision, List, ReadAfter(R)…" leaves no
// gap (a change may be seen in both). Safe from several threads.
class ChangeFeed {
 public:
  virtual ~ChangeFeed() = default;

  // The store's revision now: every change up to it is committed.
  virtual Expected<uint64_t> Revision() = 0;

  // At most `limit` changes with revision > after, oldest first; fewer
  // (possibly none) when no more are committed yet.
  virtual Expected<ChangeBatch> ReadAfter(uint64_t after, size_t limit) = 0;

  // Returns once a change after `after` is committed, `timeout` passed or
  // Wake was called, whichever is first (spurious returns allowed: callers
  // ReadAfter).
  virtual void WaitAfter(uint64_t after, Duration timeout) = 0;

  // Makes every WaitAfter in progress return now (a reader that stops).
  virtual void Wake() = 0;
};

}  // namespace rtm
