#include "controller/cluster/node_agent.h"

#include <utility>

namespace rtm {
namespace {

// How long the follower waits for a change before looking again anyway.
constexpr Duration kFollowSlice = std::chrono::seconds(10);

std::string Describe(const Assignment* assignment) {
  if (assignment == nullptr) return "not assigned to any node";
  return "assigned to node " + assignment->node;
}

}  // namespace

NodeAgent::NodeAgent(NodeMembership& membership, ClusterView& view,
                     Clock& clock, Logger& logger, NodeAgentOptions options,
                     Callbacks callbacks)
    : membership_(membership),
      view_(view),
      clock_(clock),
      logger_(logger),
      options_(std::move(options)),
      callbacks_(std::move(callbacks)) {}

NodeAgent::~NodeAgent() { Stop(); }

Expected<void> NodeAgent::Join() {
  const Timestamp asked = clock_.Now();
  if (auto joined = membership_.Join(options_.info, options_.ttl); !joined) {
    return joined;
  }
  // The assignments as the view has them now, before anything reconciles:
  // an empty map would read as "nothing is mine" and release every game.
  ClusterSnapshot snapshot = view_.Snapshot();
  std::lock_guard lock(mutex_);
  lease_valid_until_ = asked + options_.ttl;
  assignments_ = std::move(snapshot.assignments);
  return {};
}

void NodeAgent::Stop() {
  if (stopping_.exchange(true)) return;
  heartbeat_.Stop();
  follower_.RequestStop();
  view_.Wake();
  follower_.Stop();
  if (auto left = membership_.Leave(); !left) {
    logger_.Log(LogLevel::kWarn, "could not leave the cluster; the lease expires by itself",
                {{"err", left.error().message}});
  }
}

std::optional<uint64_t> NodeAgent::term() const {
  std::lock_guard lock(mutex_);
  return term_;
}

Ownership NodeAgent::Check(std::string_view game) {
  const Timestamp now = clock_.Now();
  std::lock_guard lock(mutex_);
  if (now >= lease_valid_until_) {
    return {Ownership::Kind::kSuspended,
            "the liveness lease of node " + options_.info.name + " lapsed"};
  }
  auto found = assignments_.find(std::string(game));
  const Assignment* assignment =
      found == assignments_.end() ? nullptr : &found->second;
  if (assignment != nullptr && assignment->node == options_.info.name) {
    return {Ownership::Kind::kOwned, ""};
  }
  return {Ownership::Kind::kElsewhere, Describe(assignment)};
}

void NodeAgent::Start() {
  heartbeat_.Start([this] {
    while (heartbeat_.WaitUnlessStopping(options_.ttl / 3)) Beat();
  });
  follower_.Start([this] {
    while (!follower_.Stopping()) view_.WaitForChange(Follow(), kFollowSlice);
  });
}

void NodeAgent::Beat() {
  const Timestamp asked = clock_.Now();
  auto renewed = membership_.Renew();
  // Leading ends with the lease: without one (it expired and joining again
  // failed) there is nothing to campaign on, and this node no longer leads.
  bool has_lease = true;
  if (renewed && *renewed) {
    std::lock_guard lock(mutex_);
    lease_valid_until_ = asked + options_.ttl;
  } else if (renewed) {
    logger_.Log(LogLevel::kWarn,
                "the node's liveness lease expired; joining again",
                {{"node", options_.info.name}});
    {
      std::lock_guard lock(mutex_);
      lease_valid_until_ = Timestamp{};  // act on nothing until joined
    }
    if (auto joined = Join(); !joined) {
      logger_.Log(LogLevel::kWarn, "cannot join the cluster again",
                  {{"err", joined.error().message}});
      has_lease = false;
    } else if (callbacks_.on_rejoined) {
      callbacks_.on_rejoined();
    }
  } else {
    logger_.Log(LogLevel::kWarn, "cannot renew the node's liveness lease",
                {{"err", renewed.error().message}});
  }
  std::optional<uint64_t> term;
  // While the view shows another node leading, campaigning would only be
  // refused: a follower asks etcd nothing but its lease renewal.
  // A leader the view still shows at the term it holds needs no
  // confirmation either (its key lives and dies with the lease just renewed).
  const std::optional<Leadership> leader = view_.Snapshot().leader;
  const bool other_leads = leader && leader->node != options_.info.name;
  bool still_leading = false;
  if (leader && !other_leads) {
    std::lock_guard lock(mutex_);
    still_leading = term_ == leader->term;
  }
  if (has_lease && still_leading) {
    term = leader->term;
  } else if (has_lease && !other_leads) {
    auto campaign = membership_.Campaign();
    if (campaign) {
      term = *campaign;
    } else {
      logger_.Log(LogLevel::kDebug, "campaign failed",
                  {{"err", campaign.error().message}});
    }
  }
  bool changed = false;
  {
    std::lock_guard lock(mutex_);
    changed = term != term_;
    term_ = term;
  }
  if (changed) {
    logger_.Log(LogLevel::kInfo, term ? "leading the cluster" : "following",
                {{"node", options_.info.name},
                 {"term", term ? std::to_string(*term) : "-"}});
    if (callbacks_.on_leadership) callbacks_.on_leadership(term);
  }
}

uint64_t NodeAgent::Follow() {
  const ClusterSnapshot snapshot = view_.Snapshot();
  std::vector<std::string> changed;
  {
    std::lock_guard lock(mutex_);
    const std::string& me = options_.info.name;
    auto mine = [&](const Assignment* a) { return a && a->node == me; };
    for (const auto& [game, assignment] : snapshot.assignments) {
      auto old = assignments_.find(game);
      const Assignment* before = old == assignments_.end() ? nullptr : &old->second;
      if (mine(before) != mine(&assignment) ||
          (mine(&assignment) && before->token != assignment.token)) {
        changed.push_back(game);
      }
    }
    for (const auto& [game, assignment] : assignments_) {
      if (!snapshot.assignments.contains(game) && mine(&assignment)) {
        changed.push_back(game);
      }
    }
    assignments_ = snapshot.assignments;
  }
  if (callbacks_.on_assignment_changed) {
    for (const std::string& game : changed) callbacks_.on_assignment_changed(game);
  }
  if (callbacks_.on_cluster_changed) callbacks_.on_cluster_changed();
  return snapshot.revision;
}

}  // namespace rtm
