// RedisAlertStore: counting triggers' windows (ports/alert_store.h, Count
// and CountedComplaints). Per window (alert_keys.h) a sorted set, alert
// fingerprint → counted at (ms), and beside it a hash, fingerprint →
// complaint id, for the members that have one. Both are trimmed and given
// their expiry in the same script, so the hash never holds a member the
// window dropped for longer than that script.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "services/alerts/adapters/alert_keys.h"
#include "services/alerts/adapters/redis_alert_store.h"

namespace sqms::alerts::adapters {
namespace {

// KEYS: 1 window zset, 2 its complaint ids hash. ARGV: 1 member, 2 at ms,
// 3 within ms, 4 complaint id ("" = none). The window ends at its newest
// time, `at` or a later member's; a member older than its start is too
// late and changes nothing (0). The members dropped are read before they
// are removed so their complaint ids go too (HDEL in chunks: unpack has a
// limit). ZADD GT: a member counted again never moves back in time.
const runtime::LuaScript& CountScript() {
  static const runtime::LuaScript script(R"lua(
local at = tonumber(ARGV[2])
local newest = at
local top = redis.call('ZRANGE', KEYS[1], 0, 0, 'REV', 'WITHSCORES')
if top[2] and tonumber(top[2]) > newest then newest = tonumber(top[2]) end
local start = newest - tonumber(ARGV[3])
if at < start then return 0 end
local cut = '(' .. start
redis.call('ZADD', KEYS[1], 'GT', ARGV[2], ARGV[1])
if ARGV[4] ~= '' then redis.call('HSET', KEYS[2], ARGV[1], ARGV[4])
else redis.call('HDEL', KEYS[2], ARGV[1]) end
local gone = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', cut)
for i = 1, #gone, 1000 do
  redis.call('HDEL', KEYS[2], unpack(gone, i, math.min(i + 999, #gone)))
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', cut)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return redis.call('ZCARD', KEYS[1])
)lua");
  return script;
}

// KEYS: 1 window zset, 2 its complaint ids hash. ARGV: 1 oldest score
// counted (ms), 2 limit. Walks the window oldest first, a page at a time,
// until `limit` distinct ids are found.
const runtime::LuaScript& CountedComplaintsScript() {
  static const runtime::LuaScript script(R"lua(
local out, seen = {}, {}
local limit = tonumber(ARGV[2])
if limit < 1 or redis.call('EXISTS', KEYS[2]) == 0 then return out end
local offset = 0
while #out < limit do
  local members = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], '+inf', 'LIMIT', offset, 256)
  if #members == 0 then break end
  local ids = redis.call('HMGET', KEYS[2], unpack(members))
  for i = 1, #ids do
    local id = ids[i]
    if id and not seen[id] then
      seen[id] = true
      out[#out + 1] = id
      if #out >= limit then break end
    end
  end
  offset = offset + #members
end
return out
)lua");
  return script;
}

}  // namespace

absl::StatusOr<int> RedisAlertStore::Count(const std::string& key, const std::string& member,
                                           const std::string& complaint_id, absl::Time at,
                                           absl::Duration within) {
  auto reply = redis_.Eval(CountScript(), {CountKey(key), CountComplaintsKey(key)},
                           {member, std::to_string(absl::ToUnixMillis(at)),
                            std::to_string(absl::ToInt64Milliseconds(within)), complaint_id});
  if (!reply.ok()) return reply.status();
  return static_cast<int>(reply->integer);
}

absl::StatusOr<std::vector<std::string>> RedisAlertStore::CountedComplaints(const std::string& key,
                                                                            absl::Time at,
                                                                            absl::Duration within,
                                                                            size_t limit) {
  // The oldest score Count keeps, computed as it does.
  const int64_t oldest = absl::ToUnixMillis(at) - absl::ToInt64Milliseconds(within);
  auto reply = redis_.Eval(CountedComplaintsScript(), {CountKey(key), CountComplaintsKey(key)},
                           {std::to_string(oldest), std::to_string(limit)});
  if (!reply.ok()) return reply.status();
  std::vector<std::string> out;
  out.reserve(reply->elements.size());
  for (runtime::RedisReply& id : reply->elements) out.push_back(std::move(id.str));
  return out;
}

}  // namespace sqms::alerts::adapters
