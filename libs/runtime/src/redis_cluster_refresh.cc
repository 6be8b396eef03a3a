// RedisClusterRouter's topology thread: reads the slot map, and routes again
// the commands parked after a refusal once their pause is over.

#include <algorithm>
#include <future>
#include <iterator>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "redis_cluster_router.h"
#include "redis_cluster_topology.h"
#include "redis_slot.h"
#include "sqms/runtime/log.h"

namespace sqms::runtime::internal {

using Clock = RedisClock;

namespace {
constexpr Clock::duration kRefreshSpacing = std::chrono::milliseconds(100);
}  // namespace

void RedisClusterRouter::TopologyLoop() {
  Clock::time_point next_periodic = Clock::now();
  Clock::time_point last_refresh = Clock::now() - std::chrono::hours(1);
  for (;;) {
    std::vector<Parked> due;
    bool refresh = false;
    bool stopping = false;
    {
      absl::MutexLock lock(&mu_);
      // Refreshes asked for in a burst (every MOVED of a migrated slot asks)
      // are served at most once per kRefreshSpacing.
      const Clock::time_point refresh_at = last_refresh + kRefreshSpacing;
      Clock::time_point wake_at = next_periodic;
      for (const Parked& p : parked_) wake_at = std::min(wake_at, p.not_before);
      if (refresh_wanted_) wake_at = std::min(wake_at, refresh_at);
      wake_ = false;
      auto woken = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return stopping_ || wake_; };
      mu_.AwaitWithDeadline(absl::Condition(&woken),
                            absl::Now() + absl::FromChrono(wake_at - Clock::now()));
      stopping = stopping_;
      if (stopping) {
        due.swap(parked_);
      } else {
        const Clock::time_point now = Clock::now();
        refresh = now >= next_periodic || (refresh_wanted_ && now >= refresh_at);
        if (refresh) refresh_wanted_ = false;
      }
    }
    if (stopping) {
      for (Parked& p : due) p.command.done(absl::UnavailableError("redis: client shut down"));
      return;
    }
    if (refresh) {
      last_refresh = Clock::now();
      next_periodic = last_refresh + options_.cluster_refresh_interval;
      if (absl::Status s = Refresh(); !s.ok() && !absl::IsCancelled(s)) {
        log::Warn("redis cluster: cannot read the slot map", {{"error", std::string(s.message())}});
      }
    }
    {
      absl::MutexLock lock(&mu_);
      const Clock::time_point now = Clock::now();
      auto first_due = std::stable_partition(parked_.begin(), parked_.end(),
                                             [now](const Parked& p) { return p.not_before > now; });
      std::move(first_due, parked_.end(), std::back_inserter(due));
      parked_.erase(first_due, parked_.end());
    }
    for (Parked& p : due) {
      if (Clock::now() >= p.command.deadline) {
        p.command.done(absl::UnavailableError(absl::StrCat(
            "redis cluster: not executed: deadline exceeded while waiting to route it after ",
            p.command.attempts, " redirects or refusals")));
      } else {
        Dispatch(std::move(p.command));
      }
    }
  }
}

absl::Status RedisClusterRouter::Refresh() {
  std::vector<std::string> candidates;
  {
    absl::MutexLock lock(&mu_);
    for (const auto& [address, node] : nodes_) {
      if (std::find(slots_.begin(), slots_.end(), node.get()) != slots_.end()) {
        candidates.push_back(address);
      }
    }
  }
  for (const std::string& seed : seeds_) {
    if (std::find(candidates.begin(), candidates.end(), seed) == candidates.end()) {
      candidates.push_back(seed);
    }
  }
  absl::Status last = absl::UnavailableError("redis cluster: no node to ask");
  for (const std::string& address : candidates) {
    RedisPipeline* node = nullptr;
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return absl::CancelledError("shutting down");
      node = NodeLocked(address);
    }
    absl::StatusOr<RedisReply> reply = AskSlots(*node);
    absl::StatusOr<std::vector<RedisSlotRange>> ranges =
        reply.ok() ? ParseClusterSlots(*reply, node->options().host)
                   : absl::StatusOr<std::vector<RedisSlotRange>>(reply.status());
    if (!ranges.ok()) {
      last = absl::UnavailableError(absl::StrCat(address, ": ", ranges.status().message()));
      continue;
    }
    absl::MutexLock lock(&mu_);
    std::vector<RedisPipeline*> slots(kRedisSlots, nullptr);
    for (const RedisSlotRange& range : *ranges) {
      RedisPipeline* owner = NodeLocked(range.primary);
      std::fill(slots.begin() + range.first, slots.begin() + range.last + 1, owner);
    }
    slots_.swap(slots);
    map_known_ = true;
    last_refresh_failed_ = false;
    return absl::OkStatus();
  }
  absl::MutexLock lock(&mu_);
  last_refresh_failed_ = true;
  return last;
}

// CLUSTER SLOTS on `node`, waited for here (the topology thread is no I/O
// thread).
absl::StatusOr<RedisReply> RedisClusterRouter::AskSlots(RedisPipeline& node) {
  auto promise = std::make_shared<std::promise<absl::StatusOr<RedisReply>>>();
  std::future<absl::StatusOr<RedisReply>> future = promise->get_future();
  const Clock::time_point now = Clock::now();
  RedisCommand command{{"CLUSTER", "SLOTS"},
                       [promise](absl::StatusOr<RedisReply> r) { promise->set_value(std::move(r)); },
                       now,
                       now + options_.command_timeout,
                       nullptr};
  node.Enqueue(&command, 1);
  return future.get();
}

}  // namespace sqms::runtime::internal
