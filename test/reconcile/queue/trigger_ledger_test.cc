#include "reconcile/queue/trigger_ledger.h"

#include <gtest/gtest.h>

namespace rtm {
namespace {

using std::chrono::milliseconds;

const Timestamp kObserved = Timestamp(std::chrono::hours(1));

TEST(TriggerLedgerTest, KeyWithoutEntryIsForced) {
  TriggerLedger ledger;

  const TriggerLedger::Trigger trigger = ledger.Take("game");

  EXPECT_TRUE(trigger.forced);
  EXPECT_TRUE(TriggerLedger::NeedsReconcile(trigger, kObserved));
}

TEST(TriggerLedgerTest, EventsThatArrivedBeforeTheConvergedObservationNeedNoReconcile) {
  TriggerLedger ledger;
  ledger.MarkEvent("game", kObserved - milliseconds(300));  // die
  ledger.MarkEvent("game", kObserved - milliseconds(1));    // start

  const TriggerLedger::Trigger trigger = ledger.Take("game");

  EXPECT_FALSE(trigger.forced);
  EXPECT_EQ(trigger.newest_event, kObserved - milliseconds(1));
  EXPECT_FALSE(TriggerLedger::NeedsReconcile(trigger, kObserved));
}

TEST(TriggerLedgerTest, EventInTheObservationsMillisecondOrLaterReconciles) {
  TriggerLedger ledger;
  ledger.MarkEvent("game", kObserved - milliseconds(300));
  ledger.MarkEvent("game", kObserved);

  EXPECT_TRUE(TriggerLedger::NeedsReconcile(ledger.Take("game"), kObserved));
}

TEST(TriggerLedgerTest, OlderEventDoesNotHideANewerOne) {
  TriggerLedger ledger;
  ledger.MarkEvent("game", kObserved + milliseconds(5));
  ledger.MarkEvent("game", kObserved - milliseconds(5));

  EXPECT_TRUE(TriggerLedger::NeedsReconcile(ledger.Take("game"), kObserved));
}

TEST(TriggerLedgerTest, EventsWithoutAConvergedObservationReconcile) {
  TriggerLedger ledger;
  ledger.MarkEvent("game", kObserved - milliseconds(300));

  EXPECT_TRUE(TriggerLedger::NeedsReconcile(ledger.Take("game"), std::nullopt));
}

TEST(TriggerLedgerTest, ForcedTriggerIsNotWeakenedByLaterEvents) {
  TriggerLedger ledger;
  ledger.MarkForced("game");
  ledger.MarkEvent("game", kObserved - milliseconds(300));

  const TriggerLedger::Trigger trigger = ledger.Take("game");

  EXPECT_TRUE(trigger.forced);
  EXPECT_TRUE(TriggerLedger::NeedsReconcile(trigger, kObserved));
}

TEST(TriggerLedgerTest, EventThenForcedIsForced) {
  TriggerLedger ledger;
  ledger.MarkEvent("game", kObserved - milliseconds(300));
  ledger.MarkForced("game");

  EXPECT_TRUE(ledger.Take("game").forced);
}

TEST(TriggerLedgerTest, TakeEmptiesTheEntryAndKeysAreIndependent) {
  TriggerLedger ledger;
  ledger.MarkEvent("a", kObserved - milliseconds(300));
  ledger.MarkForced("b");

  EXPECT_FALSE(ledger.Take("a").forced);
  EXPECT_TRUE(ledger.Take("a").forced);  // taken: no entry left
  EXPECT_TRUE(ledger.Take("b").forced);
}

}  // namespace
}  // namespace rtm
