// Kubernetes label and field selectors (`?labelSelector=`, `?fieldSelector=`)
// as kubectl and the informers send them.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "reconcile/domain/error.h"

namespace rtm::kube {

// A parsed label selector: requirements that must all hold.
//   equality:  k=v, k==v, k!=v
//   set-based: k in (a,b), k notin (a,b), k (exists), !k (does not exist)
// `k!=v` and `k notin (...)` also hold when the label is absent, as in
// Kubernetes. The empty selector matches everything.
class LabelSelector {
 public:
  // kInvalidRequest naming the offending requirement: an empty key, a
  // missing value list, an unknown operator, an invalid key or value.
  static Expected<LabelSelector> Parse(std::string_view text);

  bool Matches(const std::map<std::string, std::string>& labels) const;

 private:
  enum class Operator { kIn, kNotIn, kExists, kDoesNotExist };
  struct Requirement {
    std::string key;
    Operator op = Operator::kExists;
    std::vector<std::string> values;
  };
  std::vector<Requirement> requirements_;
};

// A field selector on GameRuntime: only metadata.name is a field, with
// `=`, `==` or `!=` (what kubectl and client-go send for one object).
class FieldSelector {
 public:
  // kInvalidRequest for another field or a malformed requirement.
  static Expected<FieldSelector> Parse(std::string_view text);

  bool Matches(std::string_view name) const;

 private:
  struct Requirement {
    std::string value;
    bool equal = true;
  };
  std::vector<Requirement> requirements_;
};

// Percent-decodes a query parameter's value ('+' is a space); kInvalidRequest
// for a malformed escape.
Expected<std::string> PercentDecode(std::string_view text);

}  // namespace rtm::kube
