#include "sqms/runtime/worker_pool.h"

#include <atomic>
#include <future>
#include <latch>
#include <set>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"

namespace sqms::runtime {
namespace {

TEST(WorkerPoolTest, RunsEveryTaskOnPoolThreads) {
  constexpr int kTasks = 1000;
  std::latch done(kTasks);
  absl::Mutex mu;
  std::set<std::thread::id> ids;
  WorkerPool pool(4);
  for (int i = 0; i < kTasks; ++i) {
    pool.Submit([&] {
      {
        absl::MutexLock lock(&mu);
        ids.insert(std::this_thread::get_id());
      }
      done.count_down();
    });
  }
  done.wait();
  absl::MutexLock lock(&mu);
  EXPECT_EQ(ids.count(std::this_thread::get_id()), 0u);
  EXPECT_LE(ids.size(), 4u);
}

TEST(WorkerPoolTest, DestructorRunsWhatIsQueued) {
  std::atomic<int> ran{0};
  {
    WorkerPool pool(1);
    std::latch gate(1);
    pool.Submit([&] { gate.wait(); });  // hold the only thread
    for (int i = 0; i < 100; ++i) pool.Submit([&] { ran.fetch_add(1); });
    gate.count_down();
  }
  EXPECT_EQ(ran.load(), 100);
}

TEST(WorkerPoolTest, ZeroThreadsStillRuns) {
  std::promise<void> ran;
  std::future<void> done = ran.get_future();
  WorkerPool pool(0);  // treated as one thread
  pool.Submit([&] { ran.set_value(); });
  ASSERT_EQ(done.wait_for(std::chrono::seconds(10)), std::future_status::ready)
      << "a pool asked for 0 threads never ran its task";
}

}  // namespace
}  // namespace sqms::runtime
