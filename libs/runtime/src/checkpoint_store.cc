#include "sqms/runtime/checkpoint_store.h"

#include <map>
#include <string_view>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace sqms::runtime {
namespace {

// KEYS[1] checkpoints hash, KEYS[1 + n] the n-th partition's id list.
// ARGV: owner, window, then one "<topic>:<partition>" per partition.
// Returns one {epoch, offset or nil, {ids...}} per partition.
constexpr std::string_view kClaimScript = R"lua(
local h = KEYS[1]
local window = tonumber(ARGV[2])
local out = {}
for n = 3, #ARGV do
  local tp = ARGV[n]
  local epoch = redis.call('HINCRBY', h, 'e:' .. tp, 1)
  redis.call('HSET', h, 'w:' .. tp, ARGV[1])
  local ids = {}
  if window > 0 then ids = redis.call('LRANGE', KEYS[n - 1], -window, -1) end
  out[#out + 1] = {epoch, redis.call('HGET', h, 'o:' .. tp), ids}
end
return out
)lua";

// KEYS[1] checkpoints hash, then the id lists and the state keys, addressed
// by index. ARGV: window, partition count, per partition
// (tp, epoch, base or "", next, ids key index, id count, ids...), write
// count, per write (command, key index, arg count, args...).
// Checks everything before the first write, so a refusal writes nothing.
constexpr std::string_view kWriteScript = R"lua(
local h = KEYS[1]
local window = tonumber(ARGV[1])
local count = tonumber(ARGV[2])
local parts, written, i = {}, 0, 3
for n = 1, count do
  local p = {tp = ARGV[i], epoch = ARGV[i + 1], base = ARGV[i + 2], next = ARGV[i + 3],
             key = tonumber(ARGV[i + 4]), ids = tonumber(ARGV[i + 5]), first = i + 6}
  i = i + 6 + p.ids
  local epoch = redis.call('HGET', h, 'e:' .. p.tp)
  if epoch ~= p.epoch then return {'fenced', p.tp, epoch or ''} end
  local offset = redis.call('HGET', h, 'o:' .. p.tp) or ''
  if offset == p.next then
    written = written + 1
  elseif offset ~= p.base then
    return {'offset', p.tp, offset}
  end
  parts[n] = p
end
if written == count then return {'written'} end
if written > 0 then return {'offset', 'partly written', ''} end
local writes = tonumber(ARGV[i])
i = i + 1
for n = 1, writes do
  local args = tonumber(ARGV[i + 2])
  redis.call(ARGV[i], KEYS[tonumber(ARGV[i + 1])], unpack(ARGV, i + 3, i + 2 + args))
  i = i + 3 + args
end
for _, p in ipairs(parts) do
  redis.call('HSET', h, 'o:' .. p.tp, p.next)
  if p.ids > 0 and window > 0 then
    redis.call('RPUSH', KEYS[p.key], unpack(ARGV, p.first, p.first + p.ids - 1))
    redis.call('LTRIM', KEYS[p.key], -window, -1)
  end
end
return {'ok'}
)lua";

const LuaScript& ClaimScript() {
  static const LuaScript* script = new LuaScript(std::string(kClaimScript));
  return *script;
}

const LuaScript& WriteScript() {
  static const LuaScript* script = new LuaScript(std::string(kWriteScript));
  return *script;
}

bool Allowed(const std::string& command) {
  static const auto* allowed = new absl::flat_hash_set<std::string>{
      "HINCRBY", "HINCRBYFLOAT", "HSET", "HDEL", "INCRBY", "INCRBYFLOAT", "SET", "DEL",
      "SADD",    "SREM",         "ZADD", "ZINCRBY", "ZREM", "RPUSH",     "LTRIM",
      "EXPIREAT"};
  return allowed->contains(absl::AsciiStrToUpper(command));
}

std::string Field(const TopicPartition& tp) { return absl::StrCat(tp.topic, ":", tp.partition); }

// Adds `key` to KEYS once; returns its 1-based Lua index.
int KeyIndex(std::vector<std::string>& keys, std::map<std::string, int>& index,
             const std::string& key) {
  auto [it, added] = index.emplace(key, static_cast<int>(keys.size()) + 1);
  if (added) keys.push_back(key);
  return it->second;
}

absl::Status RedisError(const RedisReply& reply, const char* what) {
  return absl::InternalError(absl::StrCat("checkpoint ", what, ": redis: ", reply.str));
}

}  // namespace

RedisWrite RedisWrite::HIncrBy(std::string key, std::string field, int64_t by) {
  return {"HINCRBY", std::move(key), {std::move(field), std::to_string(by)}};
}
RedisWrite RedisWrite::HSet(std::string key, std::string field, std::string value) {
  return {"HSET", std::move(key), {std::move(field), std::move(value)}};
}
RedisWrite RedisWrite::Set(std::string key, std::string value) {
  return {"SET", std::move(key), {std::move(value)}};
}
RedisWrite RedisWrite::Del(std::string key) { return {"DEL", std::move(key), {}}; }

RedisWrite RedisWrite::ExpireAt(std::string key, int64_t unix_seconds) {
  return {"EXPIREAT", std::move(key), {std::to_string(unix_seconds)}};
}

RedisCheckpointStore::RedisCheckpointStore(RedisClient& redis, std::string key_prefix,
                                           size_t dedup_window)
    : redis_(redis), prefix_(std::move(key_prefix)), dedup_window_(dedup_window) {}

std::string RedisCheckpointStore::EventIdsKey(const TopicPartition& partition) const {
  return absl::StrCat(prefix_, ":ids:", Field(partition));
}

absl::StatusOr<std::vector<ClaimedPartition>> RedisCheckpointStore::Claim(
    const std::vector<TopicPartition>& partitions, const std::string& owner) {
  std::vector<std::string> keys = {CheckpointsKey()};
  std::vector<std::string> args = {owner, std::to_string(dedup_window_)};
  for (const auto& tp : partitions) {
    keys.push_back(EventIdsKey(tp));
    args.push_back(Field(tp));
  }
  auto reply = redis_.Eval(ClaimScript(), keys, args);
  if (!reply.ok()) return reply.status();
  if (reply->type == RedisReply::Type::kError) return RedisError(*reply, "claim");
  if (reply->type != RedisReply::Type::kArray || reply->elements.size() != partitions.size()) {
    return absl::InternalError("checkpoint claim: unexpected reply shape");
  }
  std::vector<ClaimedPartition> out;
  for (size_t i = 0; i < partitions.size(); ++i) {
    const RedisReply& row = reply->elements[i];
    if (row.elements.size() != 3) return absl::InternalError("checkpoint claim: bad row");
    ClaimedPartition claimed{partitions[i], row.elements[0].integer, std::nullopt, {}};
    int64_t offset = 0;
    if (!row.elements[1].IsNil()) {
      if (!absl::SimpleAtoi(row.elements[1].str, &offset)) {
        return absl::InternalError(absl::StrCat("checkpoint claim: stored offset of ",
                                                Field(partitions[i]), " is not a number"));
      }
      claimed.next_offset = offset;
    }
    for (const auto& id : row.elements[2].elements) claimed.event_ids.push_back(id.str);
    out.push_back(std::move(claimed));
  }
  return out;
}

absl::Status RedisCheckpointStore::Write(const Checkpoint& checkpoint) {
  if (checkpoint.partitions.empty()) {
    return absl::InvalidArgumentError("checkpoint: no partition");
  }
  std::vector<std::string> keys = {CheckpointsKey()};
  std::map<std::string, int> index = {{keys[0], 1}};
  std::vector<std::string> args = {std::to_string(dedup_window_),
                                   std::to_string(checkpoint.partitions.size())};
  for (const auto& p : checkpoint.partitions) {
    args.insert(args.end(),
                {Field(p.partition), std::to_string(p.epoch),
                 p.base_offset ? std::to_string(*p.base_offset) : "",
                 std::to_string(p.next_offset),
                 std::to_string(KeyIndex(keys, index, EventIdsKey(p.partition)))});
    // Only the newest `window` ids can survive the trim; send no more.
    size_t skip = p.new_event_ids.size() > dedup_window_ ? p.new_event_ids.size() - dedup_window_
                                                          : 0;
    args.push_back(std::to_string(p.new_event_ids.size() - skip));
    args.insert(args.end(), p.new_event_ids.begin() + static_cast<ptrdiff_t>(skip),
                p.new_event_ids.end());
  }
  args.push_back(std::to_string(checkpoint.writes.size()));
  for (const auto& w : checkpoint.writes) {
    if (!Allowed(w.command)) {
      return absl::InvalidArgumentError(
          absl::StrCat("checkpoint: command '", w.command, "' is not allowed in a state delta"));
    }
    args.insert(args.end(), {w.command, std::to_string(KeyIndex(keys, index, w.key)),
                             std::to_string(w.args.size())});
    args.insert(args.end(), w.args.begin(), w.args.end());
  }
  auto reply = redis_.Eval(WriteScript(), keys, args);
  if (!reply.ok()) return reply.status();
  if (reply->type == RedisReply::Type::kError) return RedisError(*reply, "write");
  if (reply->type != RedisReply::Type::kArray || reply->elements.empty()) {
    return absl::InternalError("checkpoint write: unexpected reply shape");
  }
  const std::string& outcome = reply->elements[0].str;
  if (outcome == "ok" || outcome == "written") return absl::OkStatus();
  std::string partition = reply->elements.size() > 1 ? reply->elements[1].str : "";
  std::string stored = reply->elements.size() > 2 ? reply->elements[2].str : "";
  if (outcome == "fenced") {
    return absl::AbortedError(absl::StrCat("checkpoint fenced: partition ", partition,
                                           " is at epoch ", stored.empty() ? "none" : stored,
                                           ", not this owner's"));
  }
  return absl::AbortedError(absl::StrCat("checkpoint refused: stored offset of ", partition,
                                         " is ", stored.empty() ? "none" : stored,
                                         ", not the base of this write"));
}

}  // namespace sqms::runtime
