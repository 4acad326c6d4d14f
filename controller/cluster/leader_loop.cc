#include "controller/cluster/leader_loop.h"

#include <algorithm>
#include <set>
#include <utility>

namespace rtm {

LeaderLoop::LeaderLoop(ClusterView& view, ClusterScheduling& scheduling,
                       DesiredStateStore& desired, StatusStore& statuses,
                       ChangeFeed& changes, Clock& clock, Logger& logger,
                       LeaderLoopOptions options, std::function<void()> on_lead)
    : view_(view),
      scheduling_(scheduling),
      desired_(desired),
      statuses_(statuses),
      changes_(changes),
      clock_(clock),
      logger_(logger),
      options_(options),
      on_lead_(std::move(on_lead)),
      kicks_(changes, logger,
             ChangeFeedInformer::Handlers{
                 [this](const DesiredRuntime&) { Kick(); },
                 [this] { Kick(); }}) {}

LeaderLoop::~LeaderLoop() { Stop(); }

void LeaderLoop::Start() {
  // Leading rounds see every desired change after now; before now, the
  // first round lists everything anyway.
  auto revision = changes_.Revision();
  kicks_.Start(revision ? *revision : 0);
  thread_.Start([this] { Run(); });
}

void LeaderLoop::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  kicked_signal_.notify_all();
  thread_.Stop();
  kicks_.Stop();
}

void LeaderLoop::Kick() {
  {
    std::lock_guard lock(mutex_);
    kicked_ = true;
  }
  kicked_signal_.notify_all();
}

void LeaderLoop::SetLeadership(std::optional<uint64_t> term) {
  {
    std::lock_guard lock(mutex_);
    if (term && term != term_) lead_started_ = true;
    term_ = term;
    kicked_ = true;
  }
  kicked_signal_.notify_all();
}

bool LeaderLoop::RunRound(uint64_t term) {
  next_check_.reset();
  // Read-your-writes: the view is a watch cache, behind the store by the
  // watch's delay.
  const auto deadline = std::chrono::steady_clock::now() + options_.catch_up;
  SchedulingInput input;
  input.cluster = view_.Snapshot();
  while (input.cluster.revision < written_revision_) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) {
      logger_.Log(LogLevel::kWarn, "scheduler view is behind its own writes",
                  {{"view", std::to_string(input.cluster.revision)},
                   {"written", std::to_string(written_revision_)}});
      return false;
    }
    view_.WaitForChange(input.cluster.revision,
                        std::chrono::duration_cast<Duration>(deadline - now));
    input.cluster = view_.Snapshot();
  }
  input.now = clock_.Now();
  input.node_lost_after = options_.node_lost_after;
  NoteLiveness(input.cluster, input.now, down_since_);
  input.down_since = down_since_;
  auto desired = desired_.List();
  if (!desired) {
    logger_.Log(LogLevel::kWarn, "scheduler cannot list desired state",
                {{"err", desired.error().message}});
    return false;
  }
  input.desired = std::move(*desired);

  // The statuses a round may write or read: those of games it would give a
  // status, and of deleted games still assigned.
  std::set<std::string> wanted;
  for (const StatusWrite& write : PlanSchedulingRound(input).statuses) {
    wanted.insert(write.game);
  }
  for (const DesiredRuntime& runtime : input.desired) {
    if (runtime.deleted && input.cluster.FindAssignment(runtime.name)) {
      wanted.insert(runtime.name);
    }
  }
  for (const std::string& game : wanted) {
    auto status = statuses_.Get(game);
    if (status) {
      input.statuses[game] = std::move(*status);
    } else if (status.error().code != ErrorCode::kNotFound) {
      logger_.Log(LogLevel::kWarn, "scheduler cannot read a status",
                  {{"game_id", game}, {"err", status.error().message}});
      return false;
    }
  }
  const SchedulingRound round = PlanSchedulingRound(input);
  ++rounds_;
  next_check_ = round.next_check;

  bool ok = true;
  auto failed = [&](const std::string& what, const Error& error) {
    ok = false;
    ++refused_writes_;
    logger_.Log(error.code == ErrorCode::kConflict ? LogLevel::kDebug
                                                   : LogLevel::kWarn,
                "scheduler write refused; next round decides again",
                {{"what", what}, {"err", error.message}});
  };
  for (const NodeMark& mark : round.marks) {
    logger_.Log(LogLevel::kInfo, "node state",
                {{"node", mark.node}, {"state", std::string(ToString(mark.state))}});
    if (auto done = scheduling_.MarkNode(mark.node, mark.state, mark.since, term);
        !done) {
      failed("mark node " + mark.node, done.error());
    }
  }
  for (const Assignment& assignment : round.assign) {
    auto done = scheduling_.Assign(assignment, term);
    if (!done) {
      failed("assign " + assignment.game, done.error());
      continue;
    }
    written_revision_ = std::max(written_revision_, *done);
    ++assignments_;
    logger_.Log(LogLevel::kInfo, "game assigned",
                {{"game_id", assignment.game},
                 {"node", assignment.node},
                 {"reason", assignment.reason},
                 {"token", std::to_string(*done)}});
  }
  for (const Assignment& assignment : round.unassign) {
    if (auto done = scheduling_.Unassign(assignment.game, assignment.token, term);
        !done) {
      failed("unassign " + assignment.game, done.error());
    }
  }
  for (const StatusWrite& write : round.statuses) {
    if (auto done = scheduling_.WriteStatus(write.game, write.status, term);
        !done) {
      failed("status of " + write.game, done.error());
    }
  }
  return ok;
}

LeaderLoop::Stats LeaderLoop::stats() const {
  return Stats{rounds_.load(), assignments_.load(), refused_writes_.load()};
}

bool LeaderLoop::AwaitQuiet() {
  const auto give_up = std::chrono::steady_clock::now() + options_.max_quiet_wait;
  std::unique_lock lock(mutex_);
  while (std::chrono::steady_clock::now() < give_up) {
    const bool kicked = kicked_signal_.wait_for(
        lock, options_.quiet, [this] { return kicked_ || stopping_; });
    if (stopping_) return false;
    if (!kicked) return true;  // quiet
    kicked_ = false;
  }
  return true;
}

void LeaderLoop::Run() {
  Duration wait = options_.idle_round;
  while (true) {
    std::optional<uint64_t> term;
    bool lead_started = false;
    {
      std::unique_lock lock(mutex_);
      kicked_signal_.wait_for(lock, wait, [this] { return kicked_ || stopping_; });
      if (stopping_) return;
      kicked_ = false;
      term = term_;
      lead_started = std::exchange(lead_started_, false);
    }
    if (lead_started) {
      down_since_.clear();  // a new leader observes afresh
      if (on_lead_) on_lead_();
    }
    wait = options_.idle_round;
    if (!term) continue;
    if (!AwaitQuiet()) return;
    if (!RunRound(*term)) wait = options_.retry;
    // A node on its way to Lost needs a round when its time comes (not one
    // already Lost: it stays down, and needs no round until it changes).
    if (next_check_) {
      const Duration until = *next_check_ - clock_.Now();
      wait = std::min(wait, std::max(until, Duration(std::chrono::milliseconds(100))));
    }
  }
}

}  // namespace rtm
