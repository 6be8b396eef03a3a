#pragma once
// ListComplaints across shards: each shard's script scans its `received`
// index in (received_ms, id) order — or its `due` index in (next due ms,
// id) order — from the cursor and filters; the pages
// are merged, and the next cursor never skips an unscanned complaint (it is
// the smallest position any shard stopped at early). The cursor travels in
// a page token bound to its query (list_page_token.h).

#include "absl/status/statusor.h"
#include "services/complaints/adapters/redis_keys.h"
#include "services/complaints/ports/complaint_repository.h"
#include "sqms/runtime/redis_client.h"

namespace sqms::complaints::adapters {

// Most complaints one shard examines per call; a sparse filter then
// returns a short (even empty) page with a token to continue.
inline constexpr int kListMaxScanPerShard = 5000;

absl::StatusOr<ports::ListPage> ListAcrossShards(runtime::RedisClient& redis,
                                                 const RedisKeys& keys,
                                                 const ports::ListQuery& query);

}  // namespace sqms::complaints::adapters
