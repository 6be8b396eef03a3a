// DurableTimers against a real redis-server: failing handlers, re-schedules
// racing a fire, and the metrics.

#include <stdexcept>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "prometheus/metric_family.h"
#include "tests/integration/runtime_timers/timers_fixture.h"

namespace sqms::runtime::testing {


namespace {

using sqms::testing::Await;

TEST_F(DurableTimersTest, MetricsExistAtZeroFromStartUp) {
  auto client = Client();
  FireLog log;
  prometheus::Registry registry;
  auto timers = Timers(*client, log, Options(&registry));
  for (const char* name : {"sqms_timers_fired_total", "sqms_timer_handler_failures_total",
                           "sqms_timer_store_errors_total", "sqms_timer_lateness_seconds"}) {
    EXPECT_EQ(MetricValue(registry, name), 0) << name;
  }
}

TEST_F(DurableTimersTest, FailingTimersAreRetriedAndHoldUpNoOthers) {
  auto client = Client();
  FireLog log;
  log.fail = [](const DueTimer& t) -> absl::Status {
    if (t.id == "bad") return absl::UnavailableError("handler's store down");
    if (t.id == "late-answer") return absl::DeadlineExceededError("unknown outcome");
    if (t.id == "throws") throw std::runtime_error("bug");
    return absl::OkStatus();
  };
  prometheus::Registry registry;
  auto timers = Timers(*client, log, Options(&registry));  // batch 5
  const absl::Time now = absl::Now();
  // The bad ones are due first, so each claim meets them before the rest.
  for (const char* id : {"bad", "late-answer", "throws"}) {
    ASSERT_TRUE(timers->Schedule(0, id, now - absl::Seconds(1)).ok());
  }
  std::map<std::string, absl::Time> good;
  for (int i = 0; i < 20; ++i) {
    const std::string id = absl::StrCat("good", i);
    good[id] = now + absl::Milliseconds(200);
    ASSERT_TRUE(timers->Schedule(0, id, good[id]).ok());
  }
  timers->Start();
  ASSERT_TRUE(Await(
      [&] {
        for (const auto& [id, at] : good) {
          if (log.Calls(id) == 0) return false;
        }
        return true;
      },
      absl::Seconds(10)));
  for (const auto& [id, at] : good) {
    // Loose bound for loaded CI machines; a held-up timer waits for ever.
    EXPECT_LT(log.FirstCall(id) - at, absl::Seconds(5)) << id << " was held up";
  }
  // Every failure mode is retried (backoff 100 ms doubling), none dropped.
  ASSERT_TRUE(Await(
      [&] { return log.Calls("bad") >= 3 && log.Calls("late-answer") >= 3 && log.Calls("throws") >= 3; },
      absl::Seconds(10)));
  timers->Stop();
  for (const char* id : {"bad", "late-answer", "throws"}) {
    EXPECT_NE(Score(Options().shard_keys[0], id), "") << id << " was dropped";
  }
  EXPECT_EQ(MetricValue(registry, "sqms_timers_fired_total"), 20);
  EXPECT_GE(MetricValue(registry, "sqms_timer_handler_failures_total"), 9);
  EXPECT_GE(MetricValue(registry, "sqms_timer_lateness_seconds"), 29);
}

TEST_F(DurableTimersTest, ARescheduleBetweenClaimAndCompletionIsKept) {
  auto client = Client();
  FireLog log;
  auto timers = Timers(*client, log, Options());
  const absl::Time now = absl::Now();
  ASSERT_TRUE(timers->Schedule(1, "moved", now - absl::Milliseconds(5)).ok());
  auto claimed = timers->Claim(1, now, 10);
  ASSERT_TRUE(claimed.ok()) << claimed.status();
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_EQ(claimed->front().due, absl::FromUnixMillis(absl::ToUnixMillis(now - absl::Milliseconds(5))));
  // A command re-schedules it while the handler runs.
  const absl::Time later = now + absl::Hours(1);
  ASSERT_TRUE(timers->Schedule(1, "moved", later).ok());
  auto completed = timers->Complete(claimed->front());
  ASSERT_TRUE(completed.ok());
  EXPECT_FALSE(*completed);
  auto retried = timers->Retry(claimed->front(), now + absl::Seconds(1));
  ASSERT_TRUE(retried.ok());
  EXPECT_FALSE(*retried);
  EXPECT_EQ(Score(Options().shard_keys[1], "moved"), absl::StrCat(absl::ToUnixMillis(later)));
}

TEST_F(DurableTimersTest, AHandlerThatReschedulesItsOwnTimerKeepsIt) {
  // The complaints pattern: the handler's own atomic write sets the next
  // moment (here a plain ZADD); completion must leave that alone.
  auto client = Client();
  FireLog log;
  const absl::Time next = absl::Now() + absl::Hours(1);
  DurableTimers* self = nullptr;
  log.fail = [&](const DueTimer& t) { return self->Schedule(t.shard, t.id, next); };
  auto timers = Timers(*client, log, Options());
  self = timers.get();
  ASSERT_TRUE(timers->Schedule(2, "recurring", absl::Now()).ok());
  timers->Start();
  ASSERT_TRUE(Await([&] { return log.Calls("recurring") == 1; }, absl::Seconds(5)));
  timers->Stop();
  EXPECT_EQ(Score(Options().shard_keys[2], "recurring"), absl::StrCat(absl::ToUnixMillis(next)));
}

TEST_F(DurableTimersTest, CancelRemovesAndScheduleRejectsAnUnknownShard) {
  auto client = Client();
  FireLog log;
  auto timers = Timers(*client, log, Options());
  ASSERT_TRUE(timers->Schedule(0, "x", absl::Now() + absl::Hours(1)).ok());
  ASSERT_TRUE(timers->Cancel(0, "x").ok());
  EXPECT_EQ(Score(Options().shard_keys[0], "x"), "");
  EXPECT_EQ(timers->Schedule(3, "x", absl::Now()).code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace sqms::runtime::testing
