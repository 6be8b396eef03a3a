// DurableTimers against a real redis-server: timely firing, exactly one
// replica per timer, restarts and crashes between claim and completion.

#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "tests/integration/runtime_timers/timers_fixture.h"

namespace sqms::runtime::testing {
namespace {

using sqms::testing::Await;

TEST_F(DurableTimersTest, FiresEachTimerNeverEarlyAndWithoutAMissedWakeUp) {
  auto client = Client();
  FireLog log;
  auto timers = Timers(*client, log, Options());
  timers->Start();
  std::map<std::string, absl::Time> due;
  const absl::Time start = absl::Now();
  for (int i = 0; i < 12; ++i) {
    const std::string id = absl::StrCat("t", i);
    due[id] = start + absl::Milliseconds(300 + 100 * i);
    ASSERT_TRUE(timers->Schedule(i % 3, id, due[id]).ok());
  }
  ASSERT_TRUE(Await([&] { return log.calls().size() == due.size(); }, absl::Seconds(10)));
  for (const auto& [id, at] : due) {
    const absl::Time fired = log.FirstCall(id);
    // Due moments are whole milliseconds: not fired before its millisecond.
    EXPECT_GE(fired, at - absl::Milliseconds(1)) << id << " fired early";
    // The promise is 1 s (one poll period, 250 ms, plus a round trip); the
    // bound here is looser so a loaded CI machine (sanitizers, 2 cores) does
    // not fail it, yet far below what a missed wake-up costs (the next
    // claim expiry, 30 s). Lateness is measured: sqms_timer_lateness_seconds.
    EXPECT_LT(fired - at, absl::Seconds(5)) << id << " fired late";
  }
  ASSERT_TRUE(Await([&] { return Left() == 0; }, absl::Seconds(5))) << "completed timers go";
}

TEST_F(DurableTimersTest, TwoReplicasFireEachTimerExactlyOnce) {
  auto client_a = Client();
  auto client_b = Client();
  FireLog log;  // shared: counts per id across both replicas
  // Nothing here waits for a claim to expire: a long claim_ttl keeps a
  // Redis stall (fsync beside a build) between a fire and its completion
  // from handing that timer to the other replica, which would be the
  // documented at-least-once after a claim's expiry, not what this tests.
  DurableTimersOptions options = Options();
  options.claim_ttl = absl::Seconds(30);
  auto a = Timers(*client_a, log, options);
  auto b = Timers(*client_b, log, options);
  const absl::Time start = absl::Now();
  constexpr int kTimers = 300;
  for (int i = 0; i < kTimers; ++i) {
    // A third already overdue (as after a restart), the rest over ~1.5 s.
    const absl::Time at = start + absl::Milliseconds(i % 3 == 0 ? -1000 : 5 * i);
    ASSERT_TRUE(a->Schedule(i % 3, absl::StrCat("t", i), at).ok());
  }
  a->Start();
  b->Start();
  ASSERT_TRUE(Await([&] { return Left() == 0; }, absl::Seconds(20)));
  // Nothing is left to claim, so no later double fire is possible.
  a->Stop();
  b->Stop();
  const auto calls = log.calls();
  EXPECT_EQ(calls.size(), static_cast<size_t>(kTimers));
  for (const auto& [id, at] : calls) EXPECT_EQ(at.size(), 1u) << id << " fired twice";
}

TEST_F(DurableTimersTest, TimersOutliveTheInstanceThatScheduledThem) {
  FireLog log;
  {
    auto client = Client();
    auto gone = Timers(*client, log, Options());
    ASSERT_TRUE(gone->Schedule(1, "kept", absl::Now() + absl::Milliseconds(300)).ok());
  }  // a replica that stopped before the moment (e.g. a rolling restart)
  auto client = Client();
  auto timers = Timers(*client, log, Options());
  timers->Start();
  ASSERT_TRUE(Await([&] { return log.Calls("kept") == 1; }, absl::Seconds(5)));
}

TEST_F(DurableTimersTest, ClaimedButNeverCompletedFiresAgainAfterClaimTtl) {
  FireLog log;
  const DurableTimersOptions options = Options();  // claim_ttl 2 s
  absl::Time claimed_at;
  {
    auto client = Client();
    auto crashed = Timers(*client, log, options);
    ASSERT_TRUE(crashed->Schedule(2, "orphan", absl::Now() - absl::Milliseconds(10)).ok());
    claimed_at = absl::Now();
    auto claimed = crashed->Claim(2, claimed_at, 10);
    ASSERT_TRUE(claimed.ok()) << claimed.status();
    ASSERT_EQ(claimed->size(), 1u);
    // Dropped here without handler or completion: a crash after the claim.
  }
  auto client = Client();
  auto survivor = Timers(*client, log, options);
  survivor->Start();
  ASSERT_TRUE(Await([&] { return log.Calls("orphan") == 1; }, absl::Seconds(10)));
  EXPECT_GE(log.FirstCall("orphan"), claimed_at + options.claim_ttl)
      << "a live claim is not fired by another replica";
  ASSERT_TRUE(Await([&] { return Left() == 0; }, absl::Seconds(5)));
}

// Redis stalls past the client's command timeout (500 ms) with the claim
// queued behind the stall: the answer is lost but the script runs, and the
// timer is claimed for claim_ttl. It fires when Redis answers again, not a
// claim_ttl later.
TEST_F(DurableTimersTest, AClaimWhoseAnswerWasLostFiresWithoutWaitingForItsTtl) {
  auto client = Client();
  FireLog log;
  DurableTimersOptions options = Options();
  options.claim_ttl = absl::Seconds(30);
  auto timers = Timers(*client, log, options);
  ASSERT_TRUE(timers->Schedule(1, "behind-a-stall", absl::Now() - absl::Milliseconds(10)).ok());
  // Redis knows the claim script (EVALSHA answers NOSCRIPT, and the
  // pipeline's EVAL re-send would find the connection dropped).
  ASSERT_TRUE(timers->Claim(0, absl::Now(), 1).ok());
  auto staller = Client();
  // jthread: joined also when an assertion below returns early.
  std::jthread stall([&] { (void)staller->Command({"DEBUG", "SLEEP", "3"}); });
  // The stall has begun once a probe waits behind it.
  ASSERT_TRUE(Await([&] { return !probe_->Command({"PING"}).ok(); }, absl::Seconds(5)));
  auto claimed = timers->Claim(1, absl::Now(), 10);
  stall.join();
  ASSERT_EQ(claimed.status().code(), absl::StatusCode::kDeadlineExceeded) << claimed.status();
  ASSERT_TRUE(Await(
      [&] { return Score(options.shard_keys[1], "behind-a-stall").find('.') != std::string::npos; },
      absl::Seconds(5)))
      << "the claim ran after the stall";
  const absl::Time answered = absl::Now();
  timers->Start();
  ASSERT_TRUE(Await([&] { return log.Calls("behind-a-stall") == 1; }, absl::Seconds(10)));
  EXPECT_LT(log.FirstCall("behind-a-stall"), answered + absl::Seconds(5))
      << "fired within a few polls, not after claim_ttl (30 s)";
  ASSERT_TRUE(Await([&] { return Left() == 0; }, absl::Seconds(5)));
}

TEST_F(DurableTimersTest, RedisDownAndBackLosesNothing) {
  auto client = Client();
  FireLog log;
  prometheus::Registry registry;
  auto timers = Timers(*client, log, Options(&registry));
  ASSERT_TRUE(timers->Schedule(0, "through-outage", absl::Now() + absl::Seconds(1)).ok());
  timers->Start();
  redis_server_->Stop();
  ASSERT_TRUE(Await([&] { return MetricValue(registry, "sqms_timer_store_errors_total") > 0; },
                    absl::Seconds(10)))
      << "the loop keeps polling through the outage";
  ASSERT_TRUE(redis_server_->Restart().ok());
  ASSERT_TRUE(Await([&] { return log.Calls("through-outage") == 1; }, absl::Seconds(10)));
}

TEST_F(DurableTimersTest, StopIsIdempotentFromAnyThread) {
  auto client = Client();
  FireLog log;
  auto timers = Timers(*client, log, Options());
  timers->Start();
  std::thread other([&] { timers->Stop(); });
  timers->Stop();
  other.join();
  timers->Stop();
}

}  // namespace
}  // namespace sqms::runtime::testing
