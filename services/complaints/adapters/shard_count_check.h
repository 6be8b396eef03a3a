#pragma once
// Start-up check that this replica's --shards is the count the data in
// Redis was written with. Complaint ids embed their shard, and the outbox
// relay and SLA timers walk shards 0..N-1: a replica started with fewer
// shards answers INVALID_ARGUMENT for every complaint of the shards it
// dropped, and their timers and unrelayed events are never handled; with
// more, contact records and duplicate fingerprints move to other shards.
// So the count is stored once (`RedisKeys::ShardCount`, SET NX by the first
// replica) and a different one refuses to start.

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "services/complaints/adapters/redis_keys.h"
#include "sqms/runtime/redis_client.h"

namespace sqms::complaints::adapters {

// OK when Redis holds no count yet (it now holds `keys.shards()`) or the
// same one; INVALID_ARGUMENT naming --shards and both counts when another;
// Redis unreachable: retried for `wait` (a Redis starting beside the
// service), then UNAVAILABLE.
absl::Status CheckShardCount(runtime::RedisClient& redis, const RedisKeys& keys,
                             absl::Duration wait = absl::Seconds(30));

}  // namespace sqms::complaints::adapters
