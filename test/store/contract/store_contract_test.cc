// The store contract (reconcile/ports/desired_state_store.h,
// change_feed.h, game_lease_store.h, operation_log_store.h): revisions,
// conditional writes, the change feed, leases and the operation log, as
// every backend must provide them.
#include "test/store/contract/store_contract.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include <gmock/gmock.h>

#include "test/store/store_test_data.h"

namespace rtm {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Every change after `after`, read in pages of `page` (as a watcher reads).
std::vector<std::shared_ptr<const RuntimeChange>> ReadAll(ChangeFeed& feed,
                                                          uint64_t after,
                                                          size_t page = 1000) {
  std::vector<std::shared_ptr<const RuntimeChange>> changes;
  while (true) {
    auto batch = feed.ReadAfter(after, page);
    EXPECT_TRUE(batch.has_value()) << batch.error().message;
    if (!batch) return changes;
    EXPECT_FALSE(batch->history_lost) << "after " << after;
    if (batch->history_lost || batch->changes.empty()) return changes;
    for (auto& change : batch->changes) {
      after = change->revision;
      changes.push_back(change);
    }
  }
}

std::vector<uint64_t> Revisions(
    const std::vector<std::shared_ptr<const RuntimeChange>>& changes) {
  std::vector<uint64_t> revisions;
  for (const auto& change : changes) revisions.push_back(change->revision);
  return revisions;
}

uint64_t FeedRevision(ChangeFeed& feed) {
  auto revision = feed.Revision();
  EXPECT_TRUE(revision.has_value()) << revision.error().message;
  return revision ? *revision : 0;
}

RuntimeStatusView Status(Phase phase) {
  RuntimeStatusView status = FullStatus();
  status.phase = phase;
  return status;
}

TEST_P(StoreContractTest, RevisionsStrictlyIncreaseAcrossKindsAndSurviveReopen) {
  // A fresh store's revision is not necessarily 0 (etcd starts at 1, and a
  // backend may share its cluster with others): only its order counts.
  const uint64_t initial = FeedRevision(store().changes());
  DesiredRuntime a = FullDesired("a");
  RuntimeStatusView status = FullStatus();
  RuntimeRecord record = FullRecord("a");
  DesiredRuntime b = FullDesired("b");
  ASSERT_TRUE(Track(a, store().desired().Put(a)));
  ASSERT_TRUE(Track(status, store().statuses().Put("a", status)));
  ASSERT_TRUE(Track(record, store().records().Upsert(record)));
  ASSERT_TRUE(Track(b, store().desired().Put(b)));
  EXPECT_LT(initial, a.revision);
  EXPECT_LT(a.revision, status.revision);
  EXPECT_LT(status.revision, record.revision);
  EXPECT_LT(record.revision, b.revision);
  EXPECT_GE(FeedRevision(store().changes()), b.revision);

  Reopen();

  EXPECT_EQ(store().desired().Get("a")->revision, a.revision);
  EXPECT_EQ(store().statuses().Get("a")->revision, status.revision);
  EXPECT_EQ(store().records().Get("a")->revision, record.revision);
  EXPECT_GE(FeedRevision(store().changes()), b.revision);
  ASSERT_TRUE(Track(a, store().desired().Put(a)));
  EXPECT_GT(a.revision, b.revision);
}

TEST_P(StoreContractTest, ReadsCarryTheRevisionOfTheLastWrite) {
  DesiredRuntime a = FullDesired("a");
  DesiredRuntime b = FullDesired("b");
  RuntimeRecord record = FullRecord("a");
  ASSERT_TRUE(Track(a, store().desired().Put(a)));
  ASSERT_TRUE(Track(b, store().desired().Put(b)));
  ASSERT_TRUE(Track(a, store().desired().Put(a)));
  ASSERT_TRUE(Track(record, store().records().Upsert(record)));

  EXPECT_THAT(*store().desired().List(), ElementsAre(a, b));
  EXPECT_EQ(*store().desired().Get("a"), a);
  EXPECT_THAT(*store().records().List(), ElementsAre(record));
}

TEST_P(StoreContractTest, DesiredWriteConflictsWhenTheObjectMoved) {
  DesiredRuntime first = FullDesired("a");
  ASSERT_TRUE(Track(first, store().desired().Put(first)));
  DesiredRuntime stale = first;
  DesiredRuntime second = first;
  second.generation += 1;
  ASSERT_TRUE(Track(second, store().desired().Put(second)));

  stale.generation += 10;
  auto moved = store().desired().Put(stale);
  DesiredRuntime again = FullDesired("a");  // "must not exist"
  auto exists = store().desired().Put(again);
  DesiredRuntime ghost = FullDesired("ghost");
  ghost.revision = second.revision;  // "must exist at this revision"
  auto missing = store().desired().Put(ghost);

  ASSERT_FALSE(moved.has_value());
  EXPECT_EQ(moved.error().code, ErrorCode::kConflict);
  EXPECT_THAT(moved.error().message, HasSubstr("a"));
  ASSERT_FALSE(exists.has_value());
  EXPECT_EQ(exists.error().code, ErrorCode::kConflict);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kConflict);
  EXPECT_EQ(*store().desired().Get("a"), second);  // nothing written
  EXPECT_EQ(store().desired().Get("ghost").error().code, ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, StatusesAreListedByNameWithTheirRevisions) {
  RuntimeStatusView a = Status(Phase::kRunning);
  RuntimeStatusView b = Status(Phase::kStopped);
  ASSERT_TRUE(Track(b, store().statuses().Put("b", b)));
  ASSERT_TRUE(Track(a, store().statuses().Put("a", a)));
  DesiredRuntime only_desired = FullDesired("c");  // no status: not listed
  ASSERT_TRUE(Track(only_desired, store().desired().Put(only_desired)));

  auto listed = store().statuses().List();

  ASSERT_TRUE(listed.has_value()) << listed.error().message;
  EXPECT_EQ(*listed, (std::map<std::string, RuntimeStatusView>{{"a", a}, {"b", b}}));
}

TEST_P(StoreContractTest, StatusAndRecordWritesConflictWhenTheyMoved) {
  RuntimeStatusView status = FullStatus();
  ASSERT_TRUE(Track(status, store().statuses().Put("a", status)));
  RuntimeStatusView stale = status;
  status.restart_count += 1;
  ASSERT_TRUE(Track(status, store().statuses().Put("a", status)));
  auto moved_status = store().statuses().Put("a", stale);

  RuntimeRecord record = FullRecord("a");
  ASSERT_TRUE(Track(record, store().records().Upsert(record)));
  RuntimeRecord fresh = FullRecord("a");  // revision 0: must not exist
  auto existing_record = store().records().Upsert(fresh);

  ASSERT_FALSE(moved_status.has_value());
  EXPECT_EQ(moved_status.error().code, ErrorCode::kConflict);
  EXPECT_EQ(*store().statuses().Get("a"), status);
  ASSERT_FALSE(existing_record.has_value());
  EXPECT_EQ(existing_record.error().code, ErrorCode::kConflict);
  EXPECT_EQ(*store().records().Get("a"), record);
}

TEST_P(StoreContractTest, FeedCarriesEveryChangeWithBothHalvesAndItsType) {
  const uint64_t start = FeedRevision(store().changes());
  DesiredRuntime a = FullDesired("a");
  a.deleted = false;
  ASSERT_TRUE(Track(a, store().desired().Put(a)));
  RuntimeStatusView running = Status(Phase::kRunning);
  ASSERT_TRUE(Track(running, store().statuses().Put("a", running)));
  a.deleted = true;
  ASSERT_TRUE(Track(a, store().desired().Put(a)));
  RuntimeStatusView removed = running;
  removed.phase = Phase::kRemoved;
  ASSERT_TRUE(Track(removed, store().statuses().Put("a", removed)));
  a.deleted = false;  // declared again
  ASSERT_TRUE(Track(a, store().desired().Put(a)));
  RuntimeStatusView orphan = Status(Phase::kPending);
  ASSERT_TRUE(Track(orphan, store().statuses().Put("b", orphan)));

  auto changes = ReadAll(store().changes(), start);

  ASSERT_EQ(changes.size(), 6u);
  EXPECT_EQ(changes[0]->type, ChangeType::kAdded);
  EXPECT_EQ(changes[0]->part, RuntimePart::kDesired);
  EXPECT_EQ(changes[0]->name, "a");
  EXPECT_EQ(changes[0]->status, nullptr);
  EXPECT_EQ(changes[1]->type, ChangeType::kModified);
  EXPECT_EQ(changes[1]->part, RuntimePart::kStatus);
  ASSERT_TRUE(changes[1]->desired && changes[1]->status);
  EXPECT_EQ(changes[1]->desired->revision, changes[0]->revision);
  EXPECT_EQ(*changes[1]->status, running);
  EXPECT_EQ(changes[2]->type, ChangeType::kModified);  // deleted, not yet removed
  EXPECT_EQ(changes[3]->type, ChangeType::kDeleted);
  EXPECT_TRUE(changes[3]->desired->deleted);
  EXPECT_EQ(changes[3]->status->phase, Phase::kRemoved);
  EXPECT_EQ(changes[4]->type, ChangeType::kAdded);
  EXPECT_EQ(*changes[4]->desired, a);
  EXPECT_EQ(changes[5]->name, "b");
  EXPECT_EQ(changes[5]->type, ChangeType::kAdded);
  EXPECT_EQ(changes[5]->desired, nullptr);
  EXPECT_EQ(changes[5]->revision, orphan.revision);
}

TEST_P(StoreContractTest, FailedWritesAreNotInTheFeed) {
  const uint64_t start = FeedRevision(store().changes());
  DesiredRuntime a = FullDesired("a");
  ASSERT_TRUE(Track(a, store().desired().Put(a)));
  DesiredRuntime stale = FullDesired("a");
  ASSERT_FALSE(store().desired().Put(stale).has_value());
  ASSERT_FALSE(store().statuses().Put("", FullStatus()).has_value());

  EXPECT_THAT(Revisions(ReadAll(store().changes(), start)),
              ElementsAre(a.revision));
}

TEST_P(StoreContractTest, FeedOrderEqualsCommitOrderUnderConcurrentWriters) {
  const uint64_t start = FeedRevision(store().changes());
  constexpr int kWriters = 6;
  constexpr int kWritesEach = 30;
  std::mutex mutex;
  // What each committed revision wrote: the name and the generation (of a
  // desired write) or restart count (of a status write).
  std::map<uint64_t, std::pair<std::string, int64_t>> committed;
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      // Two writers per name, racing on the same objects.
      const std::string name = "g" + std::to_string(w / 2);
      for (int i = 0; i < kWritesEach; ++i) {
        if (i % 2 == 0) {
          auto current = store().desired().Get(name);
          DesiredRuntime runtime = current ? *current : FullDesired(name);
          runtime.generation = w * 1000 + i;
          auto written = store().desired().Put(runtime);
          if (!written) {
            EXPECT_EQ(written.error().code, ErrorCode::kConflict);
            continue;
          }
          std::lock_guard lock(mutex);
          committed[*written] = {name, runtime.generation};
        } else {
          auto current = store().statuses().Get(name);
          RuntimeStatusView status = current ? *current : FullStatus();
          status.restart_count = w * 1000 + i;
          auto written = store().statuses().Put(name, status);
          if (!written) {
            EXPECT_EQ(written.error().code, ErrorCode::kConflict);
            continue;
          }
          std::lock_guard lock(mutex);
          committed[*written] = {name, status.restart_count};
        }
      }
    });
  }
  for (std::thread& writer : writers) writer.join();

  auto changes = ReadAll(store().changes(), start, 7);

  ASSERT_EQ(changes.size(), committed.size());
  auto expected = committed.begin();
  for (const auto& change : changes) {
    ASSERT_EQ(change->revision, expected->first);  // commit order, no gap
    EXPECT_EQ(change->name, expected->second.first);
    const int64_t value = change->part == RuntimePart::kDesired
                              ? change->desired->generation
                              : change->status->restart_count;
    EXPECT_EQ(value, expected->second.second) << "at " << change->revision;
    ++expected;
  }
}

TEST_P(StoreContractTest, ResumeFromAnyRetainedRevisionHasNoGapOrDuplicate) {
  const uint64_t start = FeedRevision(store().changes());
  std::vector<uint64_t> written;
  for (int i = 0; i < 12; ++i) {
    const std::string name = "g" + std::to_string(i % 3);
    RuntimeStatusView status = FullStatus();
    if (auto current = store().statuses().Get(name)) status = *current;
    status.restart_count = i;
    ASSERT_TRUE(Track(status, store().statuses().Put(name, status)));
    written.push_back(status.revision);
  }

  for (uint64_t after = start; after <= written.back(); ++after) {
    std::vector<uint64_t> expected;
    for (uint64_t revision : written) {
      if (revision > after) expected.push_back(revision);
    }
    EXPECT_EQ(Revisions(ReadAll(store().changes(), after, 5)), expected)
        << "resumed after " << after;
  }
}

TEST_P(StoreContractTest, HistoryBelowTheRetainedWindowIsLost) {
  std::vector<uint64_t> written;
  for (int i = 0; i < 8; ++i) {
    DesiredRuntime runtime = FullDesired("g" + std::to_string(i));
    ASSERT_TRUE(Track(runtime, store().desired().Put(runtime)));
    written.push_back(runtime.revision);
  }

  store().CompactHistory(written[3]);

  auto lost = store().changes().ReadAfter(written[2], 100);
  ASSERT_TRUE(lost.has_value());
  EXPECT_TRUE(lost->history_lost);
  EXPECT_TRUE(lost->changes.empty());
  EXPECT_THAT(Revisions(ReadAll(store().changes(), written[3])),
              ElementsAre(written[4], written[5], written[6], written[7]));
  auto ahead = store().changes().ReadAfter(written[7] + 1000, 100);
  ASSERT_TRUE(ahead.has_value());
  EXPECT_TRUE(ahead->history_lost);
}

TEST_P(StoreContractTest, AWatchFromTheRevisionAtReopenSeesLaterChanges) {
  DesiredRuntime a = FullDesired("a");
  ASSERT_TRUE(Track(a, store().desired().Put(a)));
  Reopen();
  const uint64_t reopened = FeedRevision(store().changes());
  ASSERT_GE(reopened, a.revision);

  ASSERT_TRUE(Track(a, store().desired().Put(a)));

  auto changes = ReadAll(store().changes(), reopened);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0]->type, ChangeType::kModified);
  EXPECT_EQ(*changes[0]->desired, a);
}

TEST_P(StoreContractTest, WaitAfterReturnsOnceAChangeCommits) {
  const uint64_t start = FeedRevision(store().changes());
  std::atomic<bool> returned{false};
  std::thread waiter([&] {
    store().changes().WaitAfter(start, std::chrono::minutes(10));
    returned = true;
  });
  DesiredRuntime a = FullDesired("a");
  ASSERT_TRUE(Track(a, store().desired().Put(a)));

  waiter.join();  // would block for ten minutes if the commit did not wake it

  EXPECT_TRUE(returned.load());
  EXPECT_THAT(Revisions(ReadAll(store().changes(), start)), ElementsAre(a.revision));
}

TEST_P(StoreContractTest, WakeEndsAWaitWithoutAChange) {
  const uint64_t start = FeedRevision(store().changes());
  std::atomic<bool> waiting{false};
  std::thread waiter([&] {
    waiting = true;
    store().changes().WaitAfter(start, std::chrono::minutes(10));
  });
  while (!waiting) std::this_thread::yield();
  // A Wake before the wait began is not remembered: wake until it returns.
  std::atomic<bool> joined{false};
  std::thread waker([&] {
    while (!joined) {
      store().changes().Wake();
      std::this_thread::yield();
    }
  });
  waiter.join();  // would block for ten minutes if Wake did not end it
  joined = true;
  waker.join();

  EXPECT_TRUE(ReadAll(store().changes(), start).empty());
}

TEST_P(StoreContractTest, LeaseExpiresAfterItsTtlAndOnlyItsHolderReleasesIt) {
  GameLeaseStore& leases = store().leases();
  const Duration ttl = std::chrono::seconds(10);
  ASSERT_EQ(leases.TryAcquire("g", "one", ttl), Expected<bool>(true));
  EXPECT_EQ(leases.TryAcquire("g", "two", ttl), Expected<bool>(false));
  EXPECT_EQ(leases.TryAcquire("other", "two", ttl), Expected<bool>(true));

  clock_.Advance(std::chrono::seconds(9));
  EXPECT_EQ(leases.TryAcquire("g", "two", ttl), Expected<bool>(false));
  EXPECT_TRUE(leases.Release("g", "two", std::chrono::seconds(5)).has_value());
  EXPECT_EQ(leases.TryAcquire("g", "two", ttl), Expected<bool>(false));

  clock_.Advance(std::chrono::seconds(2));
  EXPECT_EQ(leases.TryAcquire("g", "two", ttl), Expected<bool>(true));
  EXPECT_TRUE(leases.Release("g", "one", std::chrono::seconds(5)).has_value());
  EXPECT_EQ(leases.TryAcquire("g", "one", ttl), Expected<bool>(false));
  EXPECT_TRUE(leases.Release("g", "two", std::chrono::seconds(5)).has_value());
  EXPECT_EQ(leases.TryAcquire("g", "one", ttl), Expected<bool>(true));
}

TEST_P(StoreContractTest, OperationLogKeepsAGlobalOrderAndPerGameNewestFirst) {
  OperationLogStore& log = store().operation_log();
  std::vector<uint64_t> sequences;
  for (const char* game : {"a", "b", "a", "c", "a"}) {
    auto sequence = log.Append(SuccessEntry(game, OpKind::kStart));
    ASSERT_TRUE(sequence.has_value()) << sequence.error().message;
    sequences.push_back(*sequence);
  }
  EXPECT_TRUE(std::is_sorted(sequences.begin(), sequences.end()));
  EXPECT_EQ(std::set<uint64_t>(sequences.begin(), sequences.end()).size(), 5u);

  auto all = log.ListAll(0, 100);
  ASSERT_TRUE(all.has_value());
  ASSERT_EQ(all->size(), 5u);
  for (size_t i = 0; i < all->size(); ++i) {
    EXPECT_EQ((*all)[i].sequence, sequences[i]);
  }
  auto page = log.ListAll(sequences[1], 2);
  ASSERT_TRUE(page.has_value());
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ((*page)[0].sequence, sequences[2]);
  EXPECT_EQ((*page)[1].game_id, "c");

  auto newest = log.ListByGame("a", 2);
  ASSERT_TRUE(newest.has_value());
  ASSERT_EQ(newest->size(), 2u);
  EXPECT_EQ((*newest)[0].sequence, sequences[4]);
  EXPECT_EQ((*newest)[1].sequence, sequences[2]);

  Reopen();
  auto after_reopen = store().operation_log().Append(FullEntry("b"));
  ASSERT_TRUE(after_reopen.has_value());
  EXPECT_GT(*after_reopen, sequences.back());
  auto b = store().operation_log().ListByGame("b", 10);
  ASSERT_TRUE(b.has_value());
  ASSERT_EQ(b->size(), 2u);
  EXPECT_EQ((*b)[0].error_message, FullEntry("b").error_message);
}

}  // namespace
}  // namespace rtm
