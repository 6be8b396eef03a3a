#pragma once
// Start-up check that this replica's --shards fits the data in Redis.
// Complaint ids embed their shard, and the outbox relay and SLA timers walk
// shards 0..N-1: a replica started with fewer shards than the data was
// written with answers INVALID_ARGUMENT for every complaint of the shards
// it leaves out, and their timers and unpublished events are never
// handled. So the count is stored (`RedisKeys::ShardCount`) and:
//   - a lower count than the stored one is refused;
//   - a higher one is allowed (ADR 0002: N may grow) and stored;
//   - none stored yet (a new deployment, or one from before this check):
//     refused if Redis holds complaints of a shard at or above the count
//     (its received index), else stored.

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "services/complaints/adapters/redis_keys.h"
#include "sqms/runtime/redis_client.h"

namespace sqms::complaints::adapters {

// The highest --shards accepted (config/service_config.cc).
inline constexpr int kMaxShards = 64;

// OK, or INVALID_ARGUMENT naming --shards and what Redis holds. Redis
// unreachable or refusing for `wait` (a Redis starting or loading beside
// the service): OK after a warning — the service starts, as it does
// without Redis, unchecked.
absl::Status CheckShardCount(runtime::RedisClient& redis, const RedisKeys& keys,
                             absl::Duration wait = absl::Seconds(10));

}  // namespace sqms::complaints::adapters
