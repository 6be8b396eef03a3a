#include "sqms/runtime/worker_pool.h"

#include <atomic>
#include <future>
#include <latch>
#include <set>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "sqms/runtime/rpc_call.h"
#include "tests/support/support.h"

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

TEST(WorkerPoolTest, FullQueueRefusesNewWorkWithoutQueueingIt) {
  std::atomic<int> ran{0};
  std::latch gate(1);
  std::latch running(1);
  {
    WorkerPool pool(1, /*max_queued=*/2);
    pool.Submit([&] {
      running.count_down();
      gate.wait();  // hold the only thread
    });
    running.wait();
    EXPECT_TRUE(pool.TrySubmit([&] { ran.fetch_add(1); }));
    EXPECT_TRUE(pool.TrySubmit([&] { ran.fetch_add(1); }));
    EXPECT_EQ(pool.queued(), 2u);
    EXPECT_FALSE(pool.TrySubmit([&] { ran.fetch_add(100); })) << "queued beyond max_queued";
    EXPECT_EQ(pool.queued(), 2u);
    // Admitted work (Submit) is never refused, even over the bound.
    pool.Submit([&] { ran.fetch_add(10); });
    EXPECT_EQ(pool.queued(), 3u);
    gate.count_down();
  }
  EXPECT_EQ(ran.load(), 12) << "the refused task ran, or an accepted one did not";
}

TEST(WorkerPoolTest, RoomAgainOnceTheQueueDrains) {
  WorkerPool pool(1, 1);
  std::latch gate(1);
  std::latch running(1);
  pool.Submit([&] {
    running.count_down();
    gate.wait();
  });
  running.wait();
  ASSERT_TRUE(pool.TrySubmit([] {}));
  EXPECT_FALSE(pool.TrySubmit([] {}));
  gate.count_down();
  std::promise<void> ran;
  std::future<void> done = ran.get_future();
  ASSERT_TRUE(sqms::testing::Await([&] { return pool.queued() == 0; }, absl::Seconds(10)));
  EXPECT_TRUE(pool.TrySubmit([&] { ran.set_value(); }));
  EXPECT_EQ(done.wait_for(std::chrono::seconds(10)), std::future_status::ready);
}

// TrackedPool counts only what it queued: a refused task is not waited for.
TEST(TrackedPoolTest, RefusedTaskIsNotWaitedForAndAcceptedOnesAre) {
  WorkerPool pool(1, 1);
  std::latch gate(1);
  std::latch running(1);
  std::atomic<int> ran{0};
  {
    TrackedPool tracked(pool);
    tracked.Submit([&] {
      running.count_down();
      gate.wait();
      ran.fetch_add(1);
    });
    running.wait();
    EXPECT_TRUE(tracked.TrySubmit([&] { ran.fetch_add(1); }));
    EXPECT_FALSE(tracked.TrySubmit([&] { ran.fetch_add(100); }));
    gate.count_down();
  }  // waits for the two accepted tasks only (a miscount would hang here)
  EXPECT_EQ(ran.load(), 2);
}

}  // namespace
}  // namespace sqms::runtime
