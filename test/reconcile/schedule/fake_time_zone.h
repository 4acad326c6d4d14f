#pragma once

#include <vector>

#include "reconcile/ports/time_zones.h"

namespace rtm {

// A zone of fixed offsets that change at given instants (a DST change is
// one), resolved as the tz database resolves wall-clock times.
class FakeTimeZone : public TimeZone {
 public:
  struct Rule {
    SysSeconds from;  // this offset applies from here on
    std::chrono::seconds offset;
  };
  // `rules` in order; the first applies before its `from` too.
  explicit FakeTimeZone(std::vector<Rule> rules) : rules_(std::move(rules)) {}

  LocalSeconds ToLocal(SysSeconds instant) const override {
    return LocalSeconds{(instant + OffsetAt(instant)).time_since_epoch()};
  }

  Resolution ToSys(LocalSeconds local) const override {
    std::vector<SysSeconds> found;
    for (size_t i = 0; i < rules_.size(); ++i) {
      const SysSeconds candidate{local.time_since_epoch() - rules_[i].offset};
      const bool starts = i == 0 || candidate >= rules_[i].from;
      const bool ends = i + 1 == rules_.size() || candidate < rules_[i + 1].from;
      if (starts && ends) found.push_back(candidate);
    }
    if (found.size() == 1) return {.kind = Resolution::Kind::kUnique, .first = found[0]};
    if (found.size() == 2) {
      return {.kind = Resolution::Kind::kAmbiguous, .first = found[0], .second = found[1]};
    }
    // In a gap: the transition whose jump covers `local`.
    for (size_t i = 1; i < rules_.size(); ++i) {
      const LocalSeconds before{(rules_[i].from + rules_[i - 1].offset).time_since_epoch()};
      const LocalSeconds after{(rules_[i].from + rules_[i].offset).time_since_epoch()};
      if (local >= before && local < after) {
        return {.kind = Resolution::Kind::kNonexistent, .skipped_to = rules_[i].from};
      }
    }
    return {.kind = Resolution::Kind::kNonexistent};
  }

 private:
  std::chrono::seconds OffsetAt(SysSeconds instant) const {
    std::chrono::seconds offset = rules_.front().offset;
    for (const Rule& rule : rules_) {
      if (instant >= rule.from) offset = rule.offset;
    }
    return offset;
  }

  std::vector<Rule> rules_;
};

}  // namespace rtm
