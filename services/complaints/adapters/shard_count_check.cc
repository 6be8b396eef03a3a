#include "services/complaints/adapters/shard_count_check.h"

#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "sqms/runtime/config.h"
#include "sqms/runtime/log.h"

namespace sqms::complaints::adapters {
namespace {

// KEYS[1] the stored count; ARGV[1] this replica's. Stores the count when
// none is stored or it is higher; returns the count stored before (nil).
constexpr char kRaise[] = R"lua(
local stored = redis.call('GET', KEYS[1])
if (not stored) or tonumber(ARGV[1]) > tonumber(stored) then
  redis.call('SET', KEYS[1], ARGV[1])
end
return stored
)lua";

const runtime::LuaScript& RaiseScript() {
  static const auto* script = new runtime::LuaScript(kRaise);
  return *script;
}

absl::Status ErrorOf(const absl::StatusOr<runtime::RedisReply>& reply) {
  if (!reply.ok()) return reply.status();
  if (reply->type == runtime::RedisReply::Type::kError) {
    return runtime::RedisErrorStatus(*reply, "shard count");
  }
  return absl::OkStatus();
}

absl::Status Refused(const RedisKeys& keys, const std::string& what) {
  return runtime::ConfigError(
      "shards", absl::StrCat(keys.shards(), ", but ", what,
                             ": start every replica with at least that many (fewer would "
                             "strand the complaints, SLA timers and unpublished events of the "
                             "shards left out)"));
}

// One attempt; UNAVAILABLE or DEADLINE_EXCEEDED when Redis did not answer.
absl::Status CheckOnce(runtime::RedisClient& redis, const RedisKeys& keys) {
  auto stored = redis.Command({"GET", keys.ShardCount()});
  if (auto s = ErrorOf(stored); !s.ok()) return s;
  if (stored->str == std::to_string(keys.shards())) return absl::OkStatus();  // every restart
  if (stored->IsNil()) {
    // Nothing stored: a deployment from before the check may hold shards
    // this count leaves out.
    std::vector<runtime::RedisClient::Argv> probes;
    for (int shard = keys.shards(); shard < kMaxShards; ++shard) {
      probes.push_back({"EXISTS", keys.Received(shard)});
    }
    std::vector<absl::StatusOr<runtime::RedisReply>> found = redis.Pipeline(std::move(probes));
    for (size_t i = 0; i < found.size(); ++i) {
      if (auto s = ErrorOf(found[i]); !s.ok()) return s;
      if (found[i]->integer > 0) {
        return Refused(keys, absl::StrCat("Redis holds complaints of shard ",
                                          keys.shards() + static_cast<int>(i)));
      }
    }
  }
  auto before = redis.Eval(RaiseScript(), {keys.ShardCount()}, {std::to_string(keys.shards())});
  if (auto s = ErrorOf(before); !s.ok()) return s;
  int64_t count = 0;
  if (!before->IsNil() && absl::SimpleAtoi(before->str, &count) && count > keys.shards()) {
    return Refused(keys, absl::StrCat("the complaints in Redis were written with ", count,
                                      " shards (", keys.ShardCount(), ")"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckShardCount(runtime::RedisClient& redis, const RedisKeys& keys,
                             absl::Duration wait) {
  const absl::Time give_up = absl::Now() + wait;
  while (true) {
    absl::Status status = CheckOnce(redis, keys);
    if (!absl::IsUnavailable(status) && !absl::IsDeadlineExceeded(status)) return status;
    if (absl::Now() >= give_up) {
      runtime::log::Warn("shard count not checked: redis did not answer; starting unchecked",
                         {{"error", status.ToString()}});
      return absl::OkStatus();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
}

}  // namespace sqms::complaints::adapters
