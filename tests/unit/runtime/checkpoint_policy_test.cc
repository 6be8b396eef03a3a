#include "sqms/runtime/checkpoint_policy.h"

#include "gtest/gtest.h"

namespace sqms::runtime {
namespace {

using std::chrono::milliseconds;
const CheckpointPolicy::Clock::time_point kT0{std::chrono::hours(1)};

TEST(CheckpointPolicyTest, NothingPendingIsNeverDue) {
  CheckpointPolicy policy(10, milliseconds(100));
  EXPECT_FALSE(policy.Due(kT0 + std::chrono::hours(1)));
}

TEST(CheckpointPolicyTest, DueAfterEveryNRecords) {
  CheckpointPolicy policy(3, milliseconds(1000));
  policy.Count(kT0);
  policy.Count(kT0);
  EXPECT_FALSE(policy.Due(kT0));
  policy.Count(kT0);
  EXPECT_TRUE(policy.Due(kT0));
  policy.Written();
  EXPECT_FALSE(policy.Due(kT0));
  EXPECT_EQ(policy.pending(), 0);
}

TEST(CheckpointPolicyTest, DueIntervalAfterTheFirstPendingRecord) {
  CheckpointPolicy policy(1000, milliseconds(100));
  policy.Count(kT0);
  policy.Count(kT0 + milliseconds(90));  // does not restart the interval
  EXPECT_FALSE(policy.Due(kT0 + milliseconds(99)));
  EXPECT_TRUE(policy.Due(kT0 + milliseconds(100)));
  policy.Written();
  policy.Count(kT0 + milliseconds(500));  // a new interval starts here
  EXPECT_FALSE(policy.Due(kT0 + milliseconds(599)));
  EXPECT_TRUE(policy.Due(kT0 + milliseconds(600)));
}

TEST(CheckpointPolicyTest, ZeroDisablesATrigger) {
  CheckpointPolicy by_time_only(0, milliseconds(100));
  for (int i = 0; i < 100000; ++i) by_time_only.Count(kT0);
  EXPECT_FALSE(by_time_only.Due(kT0));
  EXPECT_TRUE(by_time_only.Due(kT0 + milliseconds(100)));
  CheckpointPolicy by_count_only(2, milliseconds(0));
  by_count_only.Count(kT0);
  EXPECT_FALSE(by_count_only.Due(kT0 + std::chrono::hours(24)));
  by_count_only.Count(kT0);
  EXPECT_TRUE(by_count_only.Due(kT0));
}

}  // namespace
}  // namespace sqms::runtime
