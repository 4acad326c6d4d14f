#include "reconcile/budget_gate.h"

#include <algorithm>

namespace rtm {
namespace {

// Ready=True and since when, from a stored status.
BudgetMember MemberOf(const std::string& name,
                      const RuntimeStatusView* status) {
  BudgetMember member{.name = name};
  if (status == nullptr) return member;
  for (const Condition& condition : status->conditions) {
    if (condition.type != "Ready") continue;
    member.ready = condition.status == ConditionStatus::kTrue;
    member.ready_since = condition.last_transition_time;
  }
  return member;
}

}  // namespace

BudgetGate::BudgetGate(DesiredStateStore& desired, StatusStore& statuses,
                       Clock& clock, BudgetGateOptions options)
    : desired_(desired),
      statuses_(statuses),
      clock_(clock),
      options_(options) {}

void BudgetGate::SetWake(Wake wake) {
  std::lock_guard lock(mutex_);
  wake_ = std::move(wake);
}

Expected<BudgetGate::Verdict> BudgetGate::Admit(std::string_view game,
                                                const BudgetTerms& terms) {
  return Decide(game, terms, /*hold=*/true);
}

Expected<BudgetGate::Verdict> BudgetGate::Evaluate(std::string_view game,
                                                   const BudgetTerms& terms) {
  return Decide(game, terms, /*hold=*/false);
}

Expected<BudgetGate::Verdict> BudgetGate::Decide(std::string_view game,
                                                 const BudgetTerms& terms,
                                                 bool hold) {
  const Timestamp now = clock_.Now();
  std::lock_guard lock(mutex_);
  terms_.insert_or_assign(terms.name, terms);
  if (admitted_.contains(game)) return Verdict{.admitted = true};
  if (auto refreshed = Refresh(now); !refreshed) {
    return std::unexpected(refreshed.error());
  }
  BudgetAdmissionInput input{.terms = terms, .game = std::string(game),
                             .now = now};
  if (auto found = snapshot_.members.find(terms.name);
      found != snapshot_.members.end()) {
    input.members = found->second;
  }
  for (const auto& [name, held] : admitted_) {
    if (held.name == terms.name) input.admitted.insert(name);
  }
  const BudgetAdmission admission = AdmitDisruption(input);
  if (admission.admitted) {
    if (hold) {
      Unqueue(game);
      admitted_.emplace(std::string(game), terms);
    }
    return Verdict{.admitted = true,
                   .how = admission.exempt
                              ? "not Ready itself"
                              : std::to_string(admission.others_unavailable + 1) + " of " +
                                    std::to_string(admission.allowed) + " places taken"};
  }
  if (hold && !waiting_on_.contains(game)) {
    waiters_[terms.name].push_back(std::string(game));
    waiting_on_.emplace(std::string(game), terms.name);
  }
  Timestamp recheck_at = now + options_.recheck;
  if (admission.next_available_at) {
    recheck_at = std::min(recheck_at, *admission.next_available_at);
  }
  return Verdict{.admitted = false, .wait = admission.wait,
                 .recheck_at = recheck_at};
}

void BudgetGate::Release(std::string_view game) {
  std::vector<std::string> woken;
  {
    std::lock_guard lock(mutex_);
    Unqueue(game);
    auto held = admitted_.find(game);
    if (held == admitted_.end()) return;
    const std::string budget = held->second.name;
    admitted_.erase(held);
    snapshot_.stale = true;
    woken = TakeWaiters(budget);
  }
  WakeAll(woken);
}

void BudgetGate::MemberChanged(const std::string& budget, bool became_ready) {
  std::vector<std::string> woken;
  {
    std::lock_guard lock(mutex_);
    snapshot_.stale = true;
    if (became_ready) woken = TakeWaiters(budget);
  }
  WakeAll(woken);
}

bool BudgetGate::Holds(std::string_view game) const {
  std::lock_guard lock(mutex_);
  return admitted_.contains(game);
}

Expected<void> BudgetGate::Refresh(Timestamp now) {
  if (!snapshot_.stale && now - snapshot_.taken_at < options_.snapshot_ttl) {
    return {};
  }
  auto desired = desired_.List();
  if (!desired) return std::unexpected(desired.error());
  auto statuses = statuses_.List();
  if (!statuses) return std::unexpected(statuses.error());
  Snapshot next{.taken_at = now, .stale = false};
  for (const DesiredRuntime& runtime : *desired) {
    if (runtime.deleted || !runtime.disruption_budget ||
        runtime.spec.state != DesiredState::kRunning) {
      continue;
    }
    auto status = statuses->find(runtime.name);
    next.members[runtime.disruption_budget->name].push_back(MemberOf(
        runtime.name, status == statuses->end() ? nullptr : &status->second));
  }
  snapshot_ = std::move(next);
  return {};
}

void BudgetGate::Unqueue(std::string_view game) {
  auto waiting = waiting_on_.find(game);
  if (waiting == waiting_on_.end()) return;
  auto queue = waiters_.find(waiting->second);
  if (queue != waiters_.end()) {
    std::erase(queue->second, game);
    if (queue->second.empty()) waiters_.erase(queue);
  }
  waiting_on_.erase(waiting);
}

std::vector<std::string> BudgetGate::TakeWaiters(const std::string& budget) {
  auto queue = waiters_.find(budget);
  if (queue == waiters_.end() || !wake_) return {};
  // As many as the budget may have places for, at least one: each woken
  // game decides again against a fresh listing and waits again if it must.
  int64_t holding = 0;
  for (const auto& [name, held] : admitted_) {
    if (held.name == budget) ++holding;
  }
  int64_t places = 1;
  auto terms = terms_.find(budget);
  auto members = snapshot_.members.find(budget);
  if (terms != terms_.end() && members != snapshot_.members.end()) {
    places = terms->second.max_unavailable.AllowedOf(members->second.size()) -
             holding;
  }
  places = std::max<int64_t>(1, places);
  std::vector<std::string> woken;
  for (const std::string& game : queue->second) {
    if (static_cast<int64_t>(woken.size()) >= places) break;
    woken.push_back(game);
  }
  return woken;
}

void BudgetGate::WakeAll(const std::vector<std::string>& games) {
  if (games.empty()) return;
  Wake wake;
  {
    std::lock_guard lock(mutex_);
    wake = wake_;
  }
  for (const std::string& game : games) wake(game);
}

}  // namespace rtm
