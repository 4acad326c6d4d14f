#include "reconcile/domain/operation.h"

#include <array>
#include <utility>

namespace rtm {
namespace {

template <typename Enum, size_t N>
std::string_view NameOf(const std::array<std::pair<Enum, std::string_view>, N>&
                            names,
                        Enum value) {
  for (const auto& [candidate, name] : names) {
    if (candidate == value) return name;
  }
  return "unknown";
}

template <typename Enum, size_t N>
std::optional<Enum> ValueOf(
    const std::array<std::pair<Enum, std::string_view>, N>& names,
    std::string_view name) {
  for (const auto& [value, candidate] : names) {
    if (candidate == name) return value;
  }
  return std::nullopt;
}

constexpr std::array<std::pair<OpKind, std::string_view>, 5> kOpKinds{{
    {OpKind::kStart, "start"},
    {OpKind::kStop, "stop"},
    {OpKind::kRestart, "restart"},
    {OpKind::kUpdate, "update"},
    {OpKind::kRemove, "remove"},
}};
constexpr std::array<std::pair<OpSource, std::string_view>, 4> kOpSources{{
    {OpSource::kManifest, "manifest"},
    {OpSource::kRest, "rest"},
    {OpSource::kReconciler, "reconciler"},
    {OpSource::kSchedule, "schedule"},
}};
constexpr std::array<std::pair<Outcome, std::string_view>, 2> kOutcomes{{
    {Outcome::kSuccess, "success"},
    {Outcome::kFailure, "failure"},
}};
constexpr std::array<std::pair<DrainOutcome, std::string_view>, 3>
    kDrainOutcomes{{
        {DrainOutcome::kDrained, "drained"},
        {DrainOutcome::kDeadline, "deadline"},
        {DrainOutcome::kForced, "forced"},
    }};

}  // namespace

std::string_view ToString(DrainOutcome outcome) {
  return NameOf(kDrainOutcomes, outcome);
}
std::optional<DrainOutcome> ParseDrainOutcome(std::string_view name) {
  return ValueOf(kDrainOutcomes, name);
}
std::string_view ToString(OpKind kind) { return NameOf(kOpKinds, kind); }
std::string_view ToString(OpSource source) {
  return NameOf(kOpSources, source);
}
std::string_view ToString(Outcome outcome) {
  return NameOf(kOutcomes, outcome);
}
std::optional<OpKind> ParseOpKind(std::string_view name) {
  return ValueOf(kOpKinds, name);
}
std::optional<OpSource> ParseOpSource(std::string_view name) {
  return ValueOf(kOpSources, name);
}
std::optional<Outcome> ParseOutcome(std::string_view name) {
  return ValueOf(kOutcomes, name);
}

}  // namespace rtm
