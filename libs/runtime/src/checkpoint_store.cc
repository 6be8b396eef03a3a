#include "sqms/runtime/checkpoint_store.h"

#include <string_view>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "checkpoint_delta.h"

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
// (tp, epoch, base or "", next, ids key index, id count, ids...), then the
// writes as checkpoint_delta.h encodes them.
// Checks everything before the first write, so a refusal writes nothing.
constexpr std::string_view kWriteScript = R"lua(
-- HINCRBY of `count` distinct fields of `key` (ARGV[first] a field,
-- ARGV[first + 1] its increment, written by the encoder as an integer):
-- one HMGET, the sums in Lua, one HSET. Exact: Lua's numbers are doubles,
-- and a value or an increment of up to 15 characters is below 2^53, as is
-- the sum of two ('%.0f' writes it digit for digit). A stored value that
-- is longer, or not an integer as Redis writes one (the '%d' round trip),
-- and a longer increment go to HINCRBY itself, which adds or refuses them.
local function add_fields(key, first, count)
  local fields = {}
  for j = 1, count do fields[j] = ARGV[first + 2 * j - 2] end
  local old = redis.call('HMGET', key, unpack(fields))
  local set, s = {}, 0
  for j = 1, count do
    local by, cur, sum = ARGV[first + 2 * j - 1], old[j], nil
    if not cur then
      if #by <= 15 then sum = tonumber(by) end
    elseif #cur <= 15 and #by <= 15 then
      local a = tonumber(cur)
      if a and string.format('%d', a) == cur then sum = a + tonumber(by) end
    end
    if sum then
      set[s + 1], set[s + 2], s = fields[j], string.format('%.0f', sum), s + 2
    else
      redis.call('HINCRBY', key, fields[j], by)
    end
  end
  if s > 0 then redis.call('HSET', key, unpack(set)) end
end

-- HADDVECTOR of `count` distinct fields of `key` (ARGV[first] a field,
-- ARGV[first + 1] its delta: 10-byte entries, uint16 index and int64
-- value, little-endian; checkpoint_delta.h). A field holds int64s, 8 bytes
-- each. A cell whose values and sums stay below 2^53 in magnitude is added
-- as Lua's doubles, which hold those integers exactly; any other as each
-- int64's low (unsigned) and high (signed) 32-bit halves with the carry.
local formats = {}
local function format(unit, n)
  local by_n = formats[unit]
  if not by_n then
    by_n = {}
    formats[unit] = by_n
  end
  local f = by_n[n]
  if not f then
    f = '<' .. string.rep(unit, n)
    by_n[n] = f
  end
  return f
end
local BIG = 9007199254740992  -- 2^53
-- The sum as doubles; nil when a value or a sum is not below 2^53.
local function add_fast(cur, delta)
  local n = #cur / 8
  local v = {struct.unpack(format('i8', n), cur)}
  v[n + 1] = nil  -- struct.unpack's next position
  if n > 0 and (math.max(unpack(v, 1, n)) >= BIG or math.min(unpack(v, 1, n)) <= -BIG) then
    return nil
  end
  local d = {struct.unpack(format('Hi8', #delta / 10), delta)}
  for e = 1, #d - 1, 2 do
    local i, by = d[e] + 1, d[e + 1]
    while n < i do
      n = n + 1
      v[n] = 0
    end
    local sum = v[i] + by
    if by >= BIG or by <= -BIG or sum >= BIG or sum <= -BIG then return nil end
    v[i] = sum
  end
  while n > 0 and v[n] == 0 do n = n - 1 end
  return n > 0 and struct.pack(format('i8', n), unpack(v, 1, n)) or ''
end
local TWO32 = 4294967296
-- The exact sum, in 32-bit halves; fails the script on overflow.
local function add_exact(key, field, cur, delta)
  local n = #cur / 8
  local v = {struct.unpack(format('I4i4', n), cur)}
  v[2 * n + 1] = nil
  local d = {struct.unpack(format('HI4i4', #delta / 10), delta)}
  for e = 1, #d - 2, 3 do
    local i = d[e] + 1
    while n < i do
      n = n + 1
      v[2 * n - 1], v[2 * n] = 0, 0
    end
    local lo, hi = v[2 * i - 1] + d[e + 1], v[2 * i] + d[e + 2]
    if lo >= TWO32 then lo, hi = lo - TWO32, hi + 1 end
    if hi < -2147483648 or hi > 2147483647 then
      error({err = 'ERR HADDVECTOR ' .. key .. ' ' .. field ..
                   ': increment or decrement would overflow'})
    end
    v[2 * i - 1], v[2 * i] = lo, hi
  end
  while n > 0 and v[2 * n - 1] == 0 and v[2 * n] == 0 do n = n - 1 end
  return n > 0 and struct.pack(format('I4i4', n), unpack(v, 1, 2 * n)) or ''
end
local function add_vectors(key, first, count)
  local fields = {}
  for j = 1, count do fields[j] = ARGV[first + 2 * j - 2] end
  local old = redis.call('HMGET', key, unpack(fields))
  local set = {}
  for j = 1, count do
    local cur, delta = old[j] or '', ARGV[first + 2 * j - 1]
    if #cur % 8 ~= 0 then
      error({err = 'ERR HADDVECTOR ' .. key .. ' ' .. fields[j] .. ': value is not a vector'})
    end
    set[2 * j - 1] = fields[j]
    set[2 * j] = add_fast(cur, delta) or add_exact(key, fields[j], cur, delta)
  end
  redis.call('HSET', key, unpack(set))
end

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
local ops = tonumber(ARGV[i])
i = i + 1
for n = 1, ops do
  local op, key, args = ARGV[i], KEYS[tonumber(ARGV[i + 1])], tonumber(ARGV[i + 2])
  if op == '+' then
    add_fields(key, i + 3, args)
    i = i + 3 + 2 * args
  elseif op == 'v' then
    add_vectors(key, i + 3, args)
    i = i + 3 + 2 * args
  else
    redis.call(op, key, unpack(ARGV, i + 3, i + 2 + args))
    i = i + 3 + args
  end
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

std::string Field(const TopicPartition& tp) { return absl::StrCat(tp.topic, ":", tp.partition); }

// The script's KEYS: each key once, with its 1-based Lua index.
class ScriptKeys {
 public:
  int Index(const std::string& key) {
    auto [it, added] = index_.try_emplace(key, static_cast<int>(keys_.size()) + 1);
    if (added) keys_.push_back(key);
    return it->second;
  }
  std::vector<std::string> Take() && { return std::move(keys_); }

 private:
  std::vector<std::string> keys_;
  absl::flat_hash_map<std::string, int> index_;
};

// The write script's reply as RedisCheckpointStore::Write reports it.
absl::Status WriteOutcome(const absl::StatusOr<RedisReply>& reply) {
  if (!reply.ok()) return reply.status();
  if (reply->type == RedisReply::Type::kError) return RedisErrorStatus(*reply, "checkpoint write");
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

}  // namespace

RedisWrite RedisWrite::HIncrBy(std::string key) { return {"HINCRBY", std::move(key), {}}; }

RedisWrite RedisWrite::HIncrBy(std::string key, std::string field, int64_t by) {
  RedisWrite w = HIncrBy(std::move(key));
  w.Increment(std::move(field), by);
  return w;
}

RedisWrite& RedisWrite::Increment(std::string field, int64_t by) {
  args.push_back(std::move(field));
  args.push_back(std::to_string(by));
  return *this;
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

RedisWrite RedisWrite::HAddVector(std::string key) { return {"HADDVECTOR", std::move(key), {}}; }

RedisWrite& RedisWrite::AddVector(std::string field, std::span<const int64_t> values) {
  args.push_back(std::move(field));
  args.push_back(internal::PackVectorDelta(values));
  return *this;
}

std::optional<std::vector<int64_t>> DecodeVector(std::string_view stored) {
  return internal::UnpackVector(stored);
}

absl::Status AddVectorDelta(std::string_view delta, std::vector<int64_t>& into) {
  return internal::AddPackedDelta(delta, into);
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
  if (reply->type == RedisReply::Type::kError) return RedisErrorStatus(*reply, "checkpoint claim");
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

absl::StatusOr<EncodedCheckpoint> RedisCheckpointStore::Encode(
    const Checkpoint& checkpoint) const {
  if (checkpoint.partitions.empty()) {
    return absl::InvalidArgumentError("checkpoint: no partition");
  }
  ScriptKeys keys;
  keys.Index(CheckpointsKey());
  std::vector<std::string> args = {std::to_string(dedup_window_),
                                   std::to_string(checkpoint.partitions.size())};
  for (const auto& p : checkpoint.partitions) {
    args.insert(args.end(),
                {Field(p.partition), std::to_string(p.epoch),
                 p.base_offset ? std::to_string(*p.base_offset) : "",
                 std::to_string(p.next_offset), std::to_string(keys.Index(EventIdsKey(p.partition)))});
    // Only the newest `window` ids can survive the trim; send no more.
    size_t skip = p.new_event_ids.size() > dedup_window_ ? p.new_event_ids.size() - dedup_window_
                                                          : 0;
    args.push_back(std::to_string(p.new_event_ids.size() - skip));
    args.insert(args.end(), p.new_event_ids.begin() + static_cast<ptrdiff_t>(skip),
                p.new_event_ids.end());
  }
  if (absl::Status s = internal::EncodeDelta(
          checkpoint.writes, [&keys](const std::string& key) { return keys.Index(key); }, args);
      !s.ok()) {
    return s;
  }
  return EncodedCheckpoint{std::move(keys).Take(), std::move(args)};
}

absl::Status RedisCheckpointStore::Write(const Checkpoint& checkpoint) {
  auto encoded = Encode(checkpoint);
  if (!encoded.ok()) return encoded.status();
  return WriteOutcome(redis_.Eval(WriteScript(), encoded->keys, encoded->args));
}

void RedisCheckpointStore::WriteAsync(const EncodedCheckpoint& encoded,
                                      std::function<void(absl::Status)> done) {
  redis_.EvalAsync(WriteScript(), encoded.keys, encoded.args,
                   [done = std::move(done)](absl::StatusOr<RedisReply> reply) {
                     done(WriteOutcome(reply));
                   });
}

}  // namespace sqms::runtime
