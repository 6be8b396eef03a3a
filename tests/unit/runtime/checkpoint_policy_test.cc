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
  policy.Written(kT0);
  EXPECT_FALSE(policy.Due(kT0));
  EXPECT_EQ(policy.pending(), 0);
}

TEST(CheckpointPolicyTest, DueIntervalAfterTheFirstPendingRecord) {
  CheckpointPolicy policy(1000, milliseconds(100));
  policy.Count(kT0);
  policy.Count(kT0 + milliseconds(90));  // does not restart the interval
  EXPECT_FALSE(policy.Due(kT0 + milliseconds(99)));
  EXPECT_TRUE(policy.Due(kT0 + milliseconds(100)));
  policy.Written(kT0 + milliseconds(100));
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

TEST(CheckpointPolicyTest, CaughtUpIsDueAtOnceWhenNothingWasWrittenForTheIdleInterval) {
  CheckpointPolicy policy(1000, milliseconds(500), milliseconds(100));
  EXPECT_FALSE(policy.DueIdle(kT0));  // nothing pending
  policy.Count(kT0);
  EXPECT_FALSE(policy.Due(kT0));
  EXPECT_TRUE(policy.DueIdle(kT0));  // never written: no spacing to keep
  policy.Written(kT0);
  policy.Count(kT0 + milliseconds(10));
  // A trickle is written at most once per idle interval...
  EXPECT_FALSE(policy.DueIdle(kT0 + milliseconds(99)));
  EXPECT_TRUE(policy.DueIdle(kT0 + milliseconds(100)));
  policy.Written(kT0 + milliseconds(100));
  // ...and a quiet stream's lone record at once.
  policy.Count(kT0 + std::chrono::seconds(60));
  EXPECT_TRUE(policy.DueIdle(kT0 + std::chrono::seconds(60)));
}

TEST(CheckpointPolicyTest, CaughtUpStillHonoursTheOtherTriggers) {
  CheckpointPolicy policy(2, milliseconds(500), milliseconds(100));
  policy.Written(kT0);
  policy.Count(kT0);
  policy.Count(kT0);  // every_records reached, idle spacing not
  EXPECT_TRUE(policy.DueIdle(kT0 + milliseconds(1)));
  policy.Written(kT0 + milliseconds(1));
  CheckpointPolicy long_spacing(1000, milliseconds(500), milliseconds(10000));
  long_spacing.Written(kT0);
  long_spacing.Count(kT0);
  EXPECT_TRUE(long_spacing.DueIdle(kT0 + milliseconds(500)));  // the interval
}

TEST(CheckpointPolicyTest, IdleTriggerIsOffByDefaultAndAtZero) {
  CheckpointPolicy by_default(1000, milliseconds(500));
  by_default.Count(kT0);
  EXPECT_FALSE(by_default.DueIdle(kT0 + milliseconds(499)));
  CheckpointPolicy zero(1000, milliseconds(500), milliseconds(0));
  zero.Count(kT0);
  EXPECT_FALSE(zero.DueIdle(kT0 + milliseconds(499)));
  EXPECT_TRUE(zero.DueIdle(kT0 + milliseconds(500)));
}

}  // namespace
}  // namespace sqms::runtime
