#include "sqms/runtime/periodic_task.h"

#include <gtest/gtest.h>

#include <atomic>

#include "tests/support/support.h"

namespace sqms::runtime {
namespace {

TEST(PeriodicTaskTest, RunsAtOnceAndAgainAfterEachInterval) {
  std::atomic<int> runs{0};
  PeriodicTask task(absl::Milliseconds(10), [&] { ++runs; });
  task.Start();
  EXPECT_TRUE(testing::Await([&] { return runs.load() >= 3; }, absl::Seconds(10)));
}

TEST(PeriodicTaskTest, StopWakesALongWaitAndRunsNoMore) {
  std::atomic<int> runs{0};
  PeriodicTask task(absl::Hours(1), [&] { ++runs; });
  task.Start();
  ASSERT_TRUE(testing::Await([&] { return runs.load() == 1; }, absl::Seconds(10)));
  task.Stop();  // blocks for an hour (the test times out) unless the wait is woken
  EXPECT_EQ(runs.load(), 1);
  task.Stop();  // idempotent
}

}  // namespace
}  // namespace sqms::runtime
