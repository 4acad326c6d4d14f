// The per-process side of disruption budgets (reconcile/budget.h): gathers
// each budget's members from the stores, holds the disruptions it admitted
// until they are done, and wakes held-back games when a place frees up.
//
// States of a game in the gate:
//   absent    — nothing admitted, not waiting;
//   waiting   — Admit said no: queued (oldest first) on its budget to be
//               woken when a place may have freed (Release, MemberChanged);
//   admitted  — Admit said yes: counts as unavailable for its budget until
//               Release, across reconciles (a drain wait or the operation
//               limit may hold it back after admission).
// Release(game) returns it to absent from either state.
//
// Across processes (cluster mode) a disruption becomes visible to others
// only through the status its reconciler writes before acting
// (Reconciler); two agents admitting at the same instant can both pass.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "reconcile/budget.h"
#include "reconcile/domain/error.h"
#include "reconcile/ports/clock.h"
#include "reconcile/ports/desired_state_store.h"

namespace rtm {

struct BudgetGateOptions {
  // How long one listing of the members (the desired objects and the
  // statuses) serves admissions. MemberChanged and Release make the next
  // admission list again at once.
  Duration snapshot_ttl = std::chrono::seconds(1);
  // How soon a held-back disruption is looked at again when nothing wakes
  // it sooner (a member that changed on another node).
  Duration recheck = std::chrono::seconds(5);
};

class BudgetGate {
 public:
  using Wake = std::function<void(const std::string& game)>;

  BudgetGate(DesiredStateStore& desired, StatusStore& statuses, Clock& clock,
             BudgetGateOptions options = {});

  // Where wakes go (the controller's work queue). Until set, nobody is
  // woken: held-back games look again after options.recheck.
  void SetWake(Wake wake);

  struct Verdict {
    bool admitted = false;
    std::string wait;       // not admitted: AdmitDisruption's wait
    Timestamp recheck_at{};  // not admitted: when to look again at the latest
    // Admitted now: "3 of 10 places taken", or why it took none ("not
    // Ready"); empty when it held its place already.
    std::string how;
  };

  // Whether `game`'s restart or update under `terms` may begin now; a game
  // already admitted is admitted again. Admitted: held until Release(game).
  // Not admitted: queued to be woken. Errors: the stores' listing errors.
  Expected<Verdict> Admit(std::string_view game, const BudgetTerms& terms);

  // What Admit would say now, without holding or queueing (rtmanager plan).
  Expected<Verdict> Evaluate(std::string_view game, const BudgetTerms& terms);

  // `game`'s disruption is done or no longer needed (or it waits no more):
  // frees its place, and wakes the oldest waiters of its budget when it
  // held one. No-op for a game the gate does not know.
  void Release(std::string_view game);

  // A status of a member of `budget` was written (this process). The next
  // admission lists again; when the member became Ready, the oldest
  // waiters are woken.
  void MemberChanged(const std::string& budget, bool became_ready);

  bool Holds(std::string_view game) const;

 private:
  struct Snapshot {
    Timestamp taken_at{};
    bool stale = true;
    std::map<std::string, std::vector<BudgetMember>, std::less<>> members;
  };

  Expected<Verdict> Decide(std::string_view game, const BudgetTerms& terms,
                           bool hold);
  // Lists again when stale or older than the ttl. Called with mutex_ held.
  Expected<void> Refresh(Timestamp now);
  // Removes `game` from its budget's waiters. Called with mutex_ held.
  void Unqueue(std::string_view game);
  // The oldest waiters of `budget` that may find a free place now. Called
  // with mutex_ held.
  std::vector<std::string> TakeWaiters(const std::string& budget);
  void WakeAll(const std::vector<std::string>& games);

  DesiredStateStore& desired_;
  StatusStore& statuses_;
  Clock& clock_;
  const BudgetGateOptions options_;

  mutable std::mutex mutex_;
  Wake wake_;
  Snapshot snapshot_;
  // Admitted disruptions: game → its budget's terms.
  std::map<std::string, BudgetTerms, std::less<>> admitted_;
  // Held-back games per budget, oldest first, and each waiter's budget.
  std::map<std::string, std::deque<std::string>, std::less<>> waiters_;
  std::map<std::string, std::string, std::less<>> waiting_on_;
  // The newest terms seen of each budget (how many places it has).
  std::map<std::string, BudgetTerms, std::less<>> terms_;
};

}  // namespace rtm
