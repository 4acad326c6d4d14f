// ClassifyChange (reconcile/domain/runtime_change.h) as its contract states it.
#include "reconcile/domain/runtime_change.h"

#include <gtest/gtest.h>

namespace rtm {
namespace {

const DesiredRuntime kLive{.name = "g"};
const DesiredRuntime kDeleted{.name = "g", .deleted = true};
const RuntimeStatusView kRunning{.phase = Phase::kRunning};
const RuntimeStatusView kRemoved{.phase = Phase::kRemoved};

TEST(ClassifyChangeTest, FirstDesiredObjectIsAdded) {
  EXPECT_EQ(ClassifyChange(nullptr, nullptr, &kLive, nullptr), ChangeType::kAdded);
  EXPECT_EQ(ClassifyChange(nullptr, &kRunning, &kLive, &kRunning), ChangeType::kAdded);
}

TEST(ClassifyChangeTest, LaterWritesAreModifiedUntilDeletedAndRemoved) {
  EXPECT_EQ(ClassifyChange(&kLive, nullptr, &kLive, &kRunning), ChangeType::kModified);
  EXPECT_EQ(ClassifyChange(&kLive, &kRunning, &kDeleted, &kRunning),
            ChangeType::kModified);
  EXPECT_EQ(ClassifyChange(&kDeleted, &kRunning, &kDeleted, &kRemoved),
            ChangeType::kDeleted);
}

TEST(ClassifyChangeTest, AGoneRuntimeDeclaredAgainIsAdded) {
  EXPECT_EQ(ClassifyChange(&kDeleted, &kRemoved, &kLive, &kRemoved), ChangeType::kAdded);
}

TEST(ClassifyChangeTest, StatusOfANameWithoutDesiredStateIsAdded) {
  EXPECT_EQ(ClassifyChange(nullptr, nullptr, nullptr, &kRunning), ChangeType::kAdded);
  EXPECT_EQ(ClassifyChange(nullptr, &kRunning, nullptr, &kRunning), ChangeType::kAdded);
}

TEST(ClassifyChangeTest, TypesHaveTheirWireNames) {
  EXPECT_EQ(ToString(ChangeType::kAdded), "ADDED");
  EXPECT_EQ(ToString(ChangeType::kModified), "MODIFIED");
  EXPECT_EQ(ToString(ChangeType::kDeleted), "DELETED");
}

}  // namespace
}  // namespace rtm
