#include "redis_cluster_router.h"

#include <algorithm>
#include <future>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "redis_cluster_topology.h"
#include "redis_slot.h"
#include "sqms/runtime/log.h"

namespace sqms::runtime::internal {
namespace {

using Clock = RedisClock;

constexpr Clock::duration kFirstPause = std::chrono::milliseconds(20);
constexpr Clock::duration kMostPause = std::chrono::milliseconds(320);

std::string Address(const std::string& host, int port) { return absl::StrCat(host, ":", port); }

// The pause before attempt `attempts` of a refused command.
Clock::duration Pause(int attempts) {
  Clock::duration pause = kFirstPause;
  for (int i = 1; i < attempts && pause < kMostPause; ++i) pause *= 2;
  return std::min(pause, kMostPause);
}

absl::Status GaveUp(const RedisCommand& c, const std::string& last) {
  return absl::UnavailableError(absl::StrCat(
      "redis cluster: not executed: ", c.attempts, " redirects or refusals",
      Clock::now() >= c.deadline ? " until the deadline" : "", " (last: ", last, ")"));
}

}  // namespace

RedisClusterRouter::RedisClusterRouter(RedisOptions options, RedisLatencyObserver observer)
    : options_(std::move(options)), observer_(std::move(observer)) {
  for (const RedisNodeAddress& seed : options_.cluster_seeds) {
    seeds_.push_back(Address(seed.host, seed.port));
  }
  if (seeds_.empty()) seeds_.push_back(Address(options_.host, options_.port));
  {
    absl::MutexLock lock(&mu_);
    slots_.assign(kRedisSlots, nullptr);
  }
  topology_thread_ = std::thread([this] { TopologyLoop(); });
}

RedisClusterRouter::~RedisClusterRouter() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    mu_.Await(absl::Condition(
        +[](int* dispatching) { return *dispatching == 0; }, &dispatching_));
  }
  topology_thread_.join();  // fails what was parked
  std::map<std::string, std::unique_ptr<RedisPipeline>> nodes;
  {
    absl::MutexLock lock(&mu_);
    nodes.swap(nodes_);
  }
  nodes.clear();  // each fails its queue; Intercept lets it through (stopping_)
}

void RedisClusterRouter::Enqueue(RedisCommand* commands, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    RedisCommand& c = commands[i];
    c.routed = true;
    if (std::optional<int> slot = RedisCommandSlot(c.argv); slot.has_value()) c.slot = *slot;
    Dispatch(std::move(c));
  }
}

bool RedisClusterRouter::connected() const {
  absl::MutexLock lock(&mu_);
  if (!map_known_) return false;
  std::set<const RedisPipeline*> primaries(slots_.begin(), slots_.end());
  for (const RedisPipeline* node : primaries) {
    if (node != nullptr && !node->connected()) return false;
  }
  return true;
}

void RedisClusterRouter::Dispatch(RedisCommand c) {
  RedisPipeline* node = nullptr;
  bool fail_now = false;
  {
    absl::MutexLock lock(&mu_);
    if (c.slot >= 0) {
      node = slots_[static_cast<size_t>(c.slot)];
    } else {  // keyless: any primary
      auto owned = std::find_if(slots_.begin(), slots_.end(), [](auto* p) { return p != nullptr; });
      if (owned != slots_.end()) node = *owned;
    }
    fail_now = node == nullptr && !map_known_ && last_refresh_failed_;
  }
  if (node != nullptr && SendTo(node, c)) return;
  if (node != nullptr || fail_now) {  // shut down, or no cluster reachable
    c.done(absl::UnavailableError(node != nullptr ? "redis: client shut down"
                                                  : "redis cluster: not connected (no slot map)"));
    return;
  }
  ++c.attempts;  // a slot nobody serves (yet): after a refresh
  if (c.attempts > options_.cluster_max_redirects || Clock::now() >= c.deadline) {
    c.done(GaveUp(c, absl::StrCat("slot ", c.slot, " has no known owner")));
    return;
  }
  Park(std::move(c), /*refresh=*/true);
}

bool RedisClusterRouter::SendTo(RedisPipeline* node, RedisCommand& c) {
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return false;
    ++dispatching_;
  }
  node->Enqueue(&c, 1);
  absl::MutexLock lock(&mu_);
  --dispatching_;
  return true;
}

void RedisClusterRouter::Park(RedisCommand c, bool refresh) {
  const Clock::time_point not_before = std::min(Clock::now() + Pause(c.attempts), c.deadline);
  {
    absl::MutexLock lock(&mu_);
    if (!stopping_) {
      parked_.push_back(Parked{std::move(c), not_before});
      refresh_wanted_ = refresh_wanted_ || refresh;
      wake_ = true;
      return;
    }
  }
  c.done(absl::UnavailableError("redis: client shut down"));
}

RedisPipeline* RedisClusterRouter::NodeLocked(const std::string& address) {
  auto it = nodes_.find(address);
  if (it != nodes_.end()) return it->second.get();
  RedisOptions node_options = options_;
  size_t colon = address.rfind(':');
  node_options.host = address.substr(0, colon);
  node_options.port = std::atoi(address.c_str() + colon + 1);
  if (node_options.host.empty()) node_options.host = options_.host;  // ":port" announced
  RedisInterceptor* interceptor = this;
  auto node = std::make_unique<RedisPipeline>(std::move(node_options), observer_, interceptor);
  RedisPipeline* raw = node.get();
  nodes_.emplace(address, std::move(node));
  return raw;
}

bool RedisClusterRouter::Intercept(RedisCommand& c, absl::StatusOr<RedisReply>& outcome) {
  std::optional<RedisClusterError> refusal;
  if (outcome.ok()) {
    refusal = ParseClusterError(*outcome);
    if (!refusal.has_value()) {
      // The pipeline left late error replies to us in case they were
      // redirects; any other is late like any reply.
      if (outcome->type == RedisReply::Type::kError && Clock::now() > c.deadline) {
        outcome = absl::DeadlineExceededError(
            "redis: deadline exceeded (reply came late: the command ran)");
      }
      return false;
    }
  } else {
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return false;
      refresh_wanted_ = true;  // a node failed: maybe a failover
    }
    // Only what was certainly not sent may go again.
    if (!absl::IsUnavailable(outcome.status())) return false;
  }
  const std::string last = outcome.ok() ? outcome->str : std::string(outcome.status().message());
  ++c.attempts;
  if (c.attempts > options_.cluster_max_redirects || Clock::now() >= c.deadline) {
    outcome = GaveUp(c, last);
    return false;
  }
  if (!refusal.has_value() || refusal->kind == RedisClusterError::Kind::kTryAgain ||
      refusal->kind == RedisClusterError::Kind::kClusterDown) {
    c.asking = false;
    const bool refresh = !refusal.has_value() || refusal->kind != RedisClusterError::Kind::kTryAgain;
    Park(std::move(c), refresh);
    return true;
  }
  RedisPipeline* target = nullptr;
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) {
      outcome = absl::UnavailableError("redis: client shut down");
      return false;
    }
    target = NodeLocked(refusal->address);
    if (refusal->kind == RedisClusterError::Kind::kMoved) {
      slots_[static_cast<size_t>(refusal->slot)] = target;
      refresh_wanted_ = true;
      wake_ = true;
    }
  }
  c.asking = refusal->kind == RedisClusterError::Kind::kAsk;
  if (!SendTo(target, c)) {
    outcome = absl::UnavailableError("redis: client shut down");
    return false;
  }
  return true;
}

}  // namespace sqms::runtime::internal
