#include "sqms/runtime/durable_timers.h"

#include <algorithm>
#include <exception>
#include <random>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "durable_timers_metrics.h"
#include "sqms/runtime/log.h"

namespace sqms::runtime {
using timers_internal::ScoreText;
namespace {

// KEYS: the shard's sorted set. ARGV: 1 now (ms), 2 claim score, 3 limit.
// Reads the due members and claims them in one atomic step: the score
// returned is the score the claim replaced.
constexpr char kClaim[] = R"lua(
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[3]))
for i = 1, #due, 2 do redis.call('ZADD', KEYS[1], 'XX', ARGV[2], due[i]) end
return due
)lua";

// KEYS: the set. ARGV: 1 id, 2 claim score. Removes the member only while
// it still carries the claim (a re-schedule in between wins).
constexpr char kComplete[] = R"lua(
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if score and tonumber(score) == tonumber(ARGV[2]) then return redis.call('ZREM', KEYS[1], ARGV[1]) end
return 0
)lua";

// KEYS: the set. ARGV: 1 id, 2 claim score, 3 new due (ms). Moves the
// member only while it still carries the claim.
constexpr char kRetry[] = R"lua(
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if score and tonumber(score) == tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], 'XX', ARGV[3], ARGV[1])
  return 1
end
return 0
)lua";

const LuaScript& ClaimScript() {
  static const auto* script = new LuaScript(kClaim);
  return *script;
}
const LuaScript& CompleteScript() {
  static const auto* script = new LuaScript(kComplete);
  return *script;
}
const LuaScript& RetryScript() {
  static const auto* script = new LuaScript(kRetry);
  return *script;
}

absl::StatusOr<RedisReply> Checked(absl::StatusOr<RedisReply> reply) {
  if (reply.ok() && reply->type == RedisReply::Type::kError) {
    return RedisErrorStatus(*reply, "timers");
  }
  return reply;
}

constexpr size_t kMaxTrackedFailures = 10000;

}  // namespace

namespace timers_internal {

absl::Duration Backoff(int failures, absl::Duration initial, absl::Duration max) {
  absl::Duration d = initial;
  for (int i = 1; i < failures && d < max; ++i) d *= 2;
  return std::min(d, max);
}

std::vector<int> ShardOrder(int shards, int start) {
  std::vector<int> order;
  if (shards <= 0) return order;
  start = ((start % shards) + shards) % shards;
  for (int i = 0; i < shards; ++i) order.push_back((start + i) % shards);
  return order;
}

double ClaimScore(absl::Time now, absl::Duration ttl, double fraction) {
  return static_cast<double>(absl::ToUnixMillis(now + ttl)) + fraction;
}

std::string ScoreText(double score) { return absl::StrFormat("%.10f", score); }

absl::StatusOr<absl::Time> ParseScore(const std::string& score, double* exact) {
  double value = 0;
  if (!absl::SimpleAtod(score, &value)) {
    return absl::InternalError(absl::StrCat("timer score is not a number: ", score));
  }
  if (exact != nullptr) *exact = value;
  return absl::FromUnixMillis(static_cast<int64_t>(value));
}

}  // namespace timers_internal

DurableTimers::DurableTimers(RedisClient& redis, DurableTimersOptions options, Handler handler)
    : redis_(redis),
      options_(std::move(options)),
      handler_(std::move(handler)),
      metrics_(std::make_unique<DurableTimersMetrics>(options_.metrics, options_.name)) {
  options_.poll_period =
      std::clamp(options_.poll_period, absl::Milliseconds(1), absl::Milliseconds(250));
  options_.batch = std::max(options_.batch, 1);
  options_.claim_ttl = std::max(options_.claim_ttl, absl::Milliseconds(1));
  std::random_device random;
  const int shards = static_cast<int>(options_.shard_keys.size());
  next_start_shard_ = shards == 0 ? 0 : static_cast<int>(random() % shards);  // spreads replicas
  claim_fraction_ = static_cast<double>(1 + random() % 1023) / 1024;
}

DurableTimers::~DurableTimers() { Stop(); }

absl::Time DurableTimers::Now() const {
  return options_.clock != nullptr ? options_.clock->Now() : system_clock_.Now();
}

void DurableTimers::Start() {
  absl::MutexLock lock(&join_mu_);
  if (!thread_.joinable()) thread_ = std::thread([this] { Loop(); });
}

void DurableTimers::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  absl::MutexLock lock(&join_mu_);
  if (thread_.joinable()) thread_.join();
}

void DurableTimers::Notify() {
  absl::MutexLock lock(&mu_);
  notified_ = true;
}

bool DurableTimers::Stopping() {
  absl::MutexLock lock(&mu_);
  return stopping_;
}

void DurableTimers::Loop() {
  while (true) {
    FireDue();
    absl::MutexLock lock(&mu_);
    auto woken = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_ || notified_; };
    mu_.AwaitWithTimeout(absl::Condition(&woken), options_.poll_period);
    if (stopping_) return;
    notified_ = false;
  }
}

absl::Status DurableTimers::Schedule(int shard, const std::string& id, absl::Time due) {
  if (shard < 0 || shard >= static_cast<int>(options_.shard_keys.size())) {
    return absl::InvalidArgumentError(absl::StrCat("no timer shard ", shard));
  }
  auto reply = Checked(redis_.Command(
      {"ZADD", options_.shard_keys[shard], absl::StrCat(absl::ToUnixMillis(due)), id}));
  if (!reply.ok()) return reply.status();
  if (due <= Now() + options_.poll_period) Notify();
  return absl::OkStatus();
}

absl::Status DurableTimers::Cancel(int shard, const std::string& id) {
  if (shard < 0 || shard >= static_cast<int>(options_.shard_keys.size())) {
    return absl::InvalidArgumentError(absl::StrCat("no timer shard ", shard));
  }
  auto reply = Checked(redis_.Command({"ZREM", options_.shard_keys[shard], id}));
  return reply.ok() ? absl::OkStatus() : reply.status();
}

absl::StatusOr<std::vector<DueTimer>> DurableTimers::Claim(int shard, absl::Time now, int limit) {
  if (shard < 0 || shard >= static_cast<int>(options_.shard_keys.size())) {
    return absl::InvalidArgumentError(absl::StrCat("no timer shard ", shard));
  }
  const double claim = timers_internal::ClaimScore(now, options_.claim_ttl, claim_fraction_);
  auto reply = Checked(redis_.Eval(ClaimScript(), {options_.shard_keys[shard]},
                                   {absl::StrCat(absl::ToUnixMillis(now)), ScoreText(claim),
                                    absl::StrCat(std::max(limit, 1))}));
  if (absl::IsDeadlineExceeded(reply.status())) {  // it may have run: look for its claims
    absl::MutexLock lock(&lost_mu_);
    lost_claims_.push_back({shard, claim, now});
  }
  if (!reply.ok()) return reply.status();
  std::vector<DueTimer> out;
  const auto& e = reply->elements;
  for (size_t i = 0; i + 1 < e.size(); i += 2) {
    auto due = timers_internal::ParseScore(e[i + 1].str, nullptr);
    if (!due.ok()) return due.status();
    out.push_back({shard, e[i].str, *due, claim});
  }
  return out;
}

absl::StatusOr<bool> DurableTimers::Complete(const DueTimer& timer) {
  auto reply = Checked(redis_.Eval(CompleteScript(), {options_.shard_keys.at(timer.shard)},
                                   {timer.id, ScoreText(timer.claim_score)}));
  if (!reply.ok()) return reply.status();
  return reply->integer == 1;
}

absl::StatusOr<bool> DurableTimers::Retry(const DueTimer& timer, absl::Time at) {
  auto reply = Checked(redis_.Eval(
      RetryScript(), {options_.shard_keys.at(timer.shard)},
      {timer.id, ScoreText(timer.claim_score), absl::StrCat(absl::ToUnixMillis(at))}));
  if (!reply.ok()) return reply.status();
  return reply->integer == 1;
}

void DurableTimers::StoreError(const absl::Status& status, const char* step) {
  metrics_->StoreError();
  absl::MutexLock lock(&mu_);
  if (store_failing_) return;  // log transitions, not every poll of an outage
  store_failing_ = true;
  log::Warn("durable timers: redis failing", {{"timers", options_.name},
                                              {"step", step},
                                              {"error", status.ToString()}});
}

int DurableTimers::RecoverLostClaims() {
  std::vector<LostClaim> lost;
  {
    absl::MutexLock lock(&lost_mu_);
    lost.swap(lost_claims_);
  }
  int fired = 0;
  std::vector<LostClaim> again;
  for (const LostClaim& claim : lost) {
    // Expired: the timers are claimable as any others now.
    if (absl::FromUnixMillis(static_cast<int64_t>(claim.score)) <= Now()) continue;
    const std::string score = ScoreText(claim.score);
    auto reply =
        Checked(redis_.Command({"ZRANGEBYSCORE", options_.shard_keys[claim.shard], score, score}));
    if (!reply.ok()) {
      StoreError(reply.status(), "recover");
      again.push_back(claim);
      continue;
    }
    for (const RedisReply& id : reply->elements) {
      fired += Fire({claim.shard, id.str, claim.claimed_at, claim.score}) ? 1 : 0;
    }
  }
  absl::MutexLock lock(&lost_mu_);
  lost_claims_.insert(lost_claims_.end(), again.begin(), again.end());
  return fired;
}

int DurableTimers::FireDue() {
  int fired = RecoverLostClaims();
  const int shards = static_cast<int>(options_.shard_keys.size());
  std::vector<int> pending = timers_internal::ShardOrder(shards, next_start_shard_.fetch_add(1));
  while (!pending.empty()) {
    std::vector<int> full;  // shards with more due than one batch
    for (int shard : pending) {
      if (Stopping()) return fired;
      auto claimed = Claim(shard, Now(), options_.batch);
      if (!claimed.ok()) {
        StoreError(claimed.status(), "claim");
        continue;  // the other shards may live elsewhere (cluster)
      }
      {
        absl::MutexLock lock(&mu_);
        if (store_failing_) log::Info("durable timers: redis answering again", {{"timers", options_.name}});
        store_failing_ = false;
      }
      for (const DueTimer& timer : *claimed) fired += Fire(timer) ? 1 : 0;
      if (static_cast<int>(claimed->size()) >= options_.batch) full.push_back(shard);
    }
    pending = std::move(full);
  }
  return fired;
}

bool DurableTimers::Fire(const DueTimer& timer) {
  const double lateness = absl::ToDoubleSeconds(Now() - timer.due);
  absl::Status status;
  try {
    status = handler_(timer);
  } catch (const std::exception& e) {
    status = absl::InternalError(absl::StrCat("handler threw: ", e.what()));
  } catch (...) {
    status = absl::InternalError("handler threw a non-std exception");
  }
  const std::string key = absl::StrCat(timer.shard, "\t", timer.id);
  if (status.ok()) {
    metrics_->Fired(lateness);
    {
      absl::MutexLock lock(&failures_mu_);
      failures_.erase(key);
    }
    // Not completed (Redis down): the claim expires and it fires again.
    if (auto done = Complete(timer); !done.ok()) StoreError(done.status(), "complete");
    return true;
  }
  metrics_->HandlerFailed(lateness);
  int failures = 0;
  {
    absl::MutexLock lock(&failures_mu_);
    if (failures_.size() >= kMaxTrackedFailures) failures_.clear();
    failures = ++failures_[key];
  }
  const absl::Duration backoff =
      timers_internal::Backoff(failures, options_.retry_initial, options_.retry_max);
  log::Warn("durable timer handler failed; retrying",
            {{"timers", options_.name}, {"shard", timer.shard}, {"id", timer.id},
             {"attempt", failures}, {"retry_in_ms", absl::ToInt64Milliseconds(backoff)},
             {"error", status.ToString()}});
  // Not moved (Redis down): the claim expires after claim_ttl instead.
  if (auto moved = Retry(timer, Now() + backoff); !moved.ok()) StoreError(moved.status(), "retry");
  return false;
}

}  // namespace sqms::runtime
