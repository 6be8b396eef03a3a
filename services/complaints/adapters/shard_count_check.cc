#include "services/complaints/adapters/shard_count_check.h"

#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "sqms/runtime/config.h"
#include "sqms/runtime/log.h"

namespace sqms::complaints::adapters {

absl::Status CheckShardCount(runtime::RedisClient& redis, const RedisKeys& keys,
                             absl::Duration wait) {
  const std::string mine = std::to_string(keys.shards());
  const absl::Time give_up = absl::Now() + wait;
  while (true) {
    auto reply = redis.Command({"SET", keys.ShardCount(), mine, "NX", "GET"});
    absl::Status status = reply.status();
    if (reply.ok() && reply->type == runtime::RedisReply::Type::kError) {
      status = runtime::RedisErrorStatus(*reply, "shard count");
    }
    if (status.ok()) {
      if (reply->IsNil() || reply->str == mine) return absl::OkStatus();
      return runtime::ConfigError(
          "shards",
          absl::StrCat(mine, ", but the complaints in Redis were written with ", reply->str,
                       " shards (", keys.ShardCount(), "): start every replica with ", reply->str,
                       "; another count would strand the complaints, SLA "
                       "timers and unpublished events of the shards it leaves out"));
    }
    if (!absl::IsUnavailable(status) && !absl::IsDeadlineExceeded(status)) return status;
    if (absl::Now() >= give_up) return status;
    runtime::log::Warn("shard count check: redis not reachable yet, retrying",
                       {{"error", status.ToString()}});
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
}

}  // namespace sqms::complaints::adapters
