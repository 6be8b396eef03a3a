#pragma once
// Durable timers: due moments kept in Redis sorted sets, fired by whichever
// replica claims them first, also after a restart.
//
// Storage format (the contract a service's own Lua script may write to):
//   - N sorted sets, the service's "shard keys" (each one key, so one
//     cluster slot; put the service's {hash tag} in it to write a timer in
//     the same script as the data it belongs to).
//   - member = the timer id (any string, unique within its shard key);
//     score = the due moment in INTEGER Unix milliseconds.
//   - To schedule or move a timer in a script: ZADD <shard key> <ms> <id>.
//     To cancel: ZREM <shard key> <id>. A plain ZADD also overrides a claim
//     (below): a command that re-schedules a timer being fired wins.
//   - A FRACTIONAL score (<ms>.<f>) is a claim: "being fired, until <ms>",
//     f a fraction of 1/1024ths fixed per process (so a process can find
//     its own claims again, below). Scripts must only ever write integer
//     scores, so a service's own moment can never be mistaken for a claim.
//
// Firing (the loop, on its own thread, every poll_period ≤ 250 ms or at
// Notify()): for each shard key, one Lua script reads up to `batch` members
// with score ≤ now and, in the same atomic step, moves each to now +
// claim_ttl + f (the claim), returning the ids with the scores it saw.
// Redis runs the script alone, so the score seen is the score replaced —
// two replicas can never claim one timer at the same time. For each claimed
// timer the loop calls the handler; then:
//   - handler OK → complete: ZREM only if the score is still the claimed
//     one (a re-schedule in between, e.g. by the handler's own write, wins);
//   - handler error or exception → the timer is moved (same compare-and-set)
//     to now + backoff (retry_initial doubling to retry_max per failure of
//     that id in this process), and the loop goes on with the next timer;
//   - crash, or Redis unreachable between claim and completion → the claim
//     expires at claim_ttl and any replica claims the timer again;
//   - the claim's answer lost (DEADLINE_EXCEEDED: a Redis stall longer than
//     the command timeout; the script may have run) → the next passes look
//     for members carrying exactly that claim score (ZRANGEBYSCORE) and
//     fire them, until found or the claim expires: not claim_ttl late. Two
//     processes drawing the same fraction in the same millisecond could
//     fire each other's timers so found: harmless, handlers are idempotent.
// Guarantee: each due timer is fired by exactly one replica at a time,
// within ~poll_period + one round trip of its moment when Redis is up and
// handlers are quick; at least once overall. HANDLERS MUST BE IDEMPOTENT
// (e.g. a compare-and-set on the data's version): a crash after the
// handler's effect but before completion fires the timer again. No status
// code stops the loop or drops a timer: every failure is retried.
//
// Spreading the work: each replica starts every pass at a different shard
// (a per-process random offset, advanced by one each pass) and claims at
// most `batch` per shard per script call, so replicas polling at the same
// moment mostly claim different shards' timers instead of racing for the
// same first entries; a claim is atomic either way, so contention costs an
// empty claim, never a double fire. Leasing shards was rejected: a dead
// lease holder would delay its shards' timers by the lease TTL.
//
// A handler must return promptly (bounded by its own Redis deadlines):
// handlers run one after the other on the loop thread, and a timer claimed
// but not yet handled when its claim expires may be fired by another
// replica too (still harmless: idempotent).
//
// Metrics (when options.metrics is set; every series exists at 0 from
// construction), label timers=<options.name>:
//   sqms_timers_fired_total            handler returned OK
//   sqms_timer_handler_failures_total  handler returned an error or threw
//   sqms_timer_store_errors_total      claim/complete/retry calls that failed
//   sqms_timer_lateness_seconds        histogram: handler call time − due

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "sqms/runtime/clock.h"
#include "sqms/runtime/redis_client.h"

namespace prometheus { class Registry; }

namespace sqms::runtime {

class DurableTimersMetrics;

// A timer as claimed: which set, which id, the score the claim replaced.
struct DueTimer {
  int shard = 0;        // index into DurableTimersOptions::shard_keys
  std::string id;       // the sorted-set member
  absl::Time due;       // the moment it was due (an expired claim's end;
                        // for one recovered after a lost answer: its claim's time)
  double claim_score = 0;  // the claim; Complete/Retry compare against it
};

struct DurableTimersOptions {
  std::vector<std::string> shard_keys;  // required, at least one
  std::string name = "timers";          // metrics label
  absl::Duration poll_period = absl::Milliseconds(250);  // clamped to ≤ 250 ms
  absl::Duration claim_ttl = absl::Seconds(30);
  int batch = 100;  // most timers claimed per shard per script call
  absl::Duration retry_initial = absl::Seconds(1);
  absl::Duration retry_max = absl::Minutes(1);
  prometheus::Registry* metrics = nullptr;  // null: not exported
  const Clock* clock = nullptr;             // null: the system clock
};

class DurableTimers {
 public:
  // Called on the loop thread, one timer at a time. OK = done (the timer
  // is removed unless re-scheduled meanwhile); an error or an exception =
  // retry later with backoff. Must be idempotent.
  using Handler = std::function<absl::Status(const DueTimer&)>;

  // `redis` must outlive this object. Does not start the loop.
  DurableTimers(RedisClient& redis, DurableTimersOptions options, Handler handler);
  ~DurableTimers();  // Stop()
  DurableTimers(const DurableTimers&) = delete;
  DurableTimers& operator=(const DurableTimers&) = delete;

  void Start();  // starts the loop thread; once
  // Stops the loop and joins its thread (waits for the handler in
  // progress). Idempotent; from any thread except the handler's.
  void Stop();
  // Wakes the loop now (e.g. after a script wrote a timer due before the
  // next poll). Thread-safe, cheap.
  void Notify();

  // ZADD / ZREM through the client (blocking; any thread but the Redis I/O
  // thread). `shard` must index shard_keys (else INVALID_ARGUMENT).
  absl::Status Schedule(int shard, const std::string& id, absl::Time due);
  absl::Status Cancel(int shard, const std::string& id);

  // The loop's steps, public for tools and tests. Thread-safe.
  // Claims up to `limit` timers of `shard` due at `now`.
  absl::StatusOr<std::vector<DueTimer>> Claim(int shard, absl::Time now, int limit);
  // Removes `timer` if still claimed as `timer.claim_score`; false if not.
  absl::StatusOr<bool> Complete(const DueTimer& timer);
  // Moves `timer` to `at` if still claimed; false if not.
  absl::StatusOr<bool> Retry(const DueTimer& timer, absl::Time at);
  // One pass over every shard (draining full batches); returns how many
  // handlers succeeded. The loop calls this; tests may call it directly.
  int FireDue();

  const DurableTimersOptions& options() const { return options_; }

 private:
  void Loop();
  bool Fire(const DueTimer& timer);  // true when the handler succeeded
  bool Stopping();
  absl::Time Now() const;
  void StoreError(const absl::Status& status, const char* step);
  // Fires the timers of claims whose answer was lost (above); returns the
  // handlers that succeeded.
  int RecoverLostClaims();

  struct LostClaim {
    int shard;
    double score;
    absl::Time claimed_at;
  };

  RedisClient& redis_;
  DurableTimersOptions options_;
  Handler handler_;
  std::unique_ptr<DurableTimersMetrics> metrics_;
  SystemClock system_clock_;
  std::atomic<int> next_start_shard_{0};  // advanced by one per pass
  double claim_fraction_ = 0.5;           // this process's, in (0, 1)
  absl::Mutex lost_mu_;
  std::vector<LostClaim> lost_claims_ ABSL_GUARDED_BY(lost_mu_);
  // Consecutive failures per "shard\tid" (this process only), for backoff.
  absl::Mutex failures_mu_;
  std::map<std::string, int> failures_ ABSL_GUARDED_BY(failures_mu_);
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool notified_ ABSL_GUARDED_BY(mu_) = false;
  bool store_failing_ ABSL_GUARDED_BY(mu_) = false;  // log transitions only
  absl::Mutex join_mu_;
  std::thread thread_ ABSL_GUARDED_BY(join_mu_);
};

// Pure helpers (unit-tested).
namespace timers_internal {
// retry_initial × 2^(failures−1), capped at retry_max; failures ≥ 1.
absl::Duration Backoff(int failures, absl::Duration initial, absl::Duration max);
// The order one pass visits `shards` shards, starting at `start`.
std::vector<int> ShardOrder(int shards, int start);
// Claim score for a claim taken at `now`: integer ms + `fraction`, a
// multiple of 1/1024 in (0, 1) (exact in a double for any ms before 2248).
double ClaimScore(absl::Time now, absl::Duration ttl, double fraction = 0.5);
// The score as the scripts are given it: exact (ten decimals hold 1/1024ths).
std::string ScoreText(double score);
// Score text as Redis writes it → the moment (ms precision, floored).
absl::StatusOr<absl::Time> ParseScore(const std::string& score, double* exact);
}  // namespace timers_internal

}  // namespace sqms::runtime
