#include "services/complaints/adapters/redis_scripts.h"

#include <string>

namespace sqms::complaints::adapters::scripts {
namespace {

// Shared by create and update.
//  write_fields(key, a, i): a[i..i+12] = v pb st cat pri dept ch reg stn brk ts ck inc
//  (inc: the incident of the complaint's known issue, '' = none);
//  also cn = 1: the complaint is in its shard's counts (a complaint written
//  before the counts existed is added at its next update, never subtracted).
//  append_tail(audit, timers, due, outbox, id, a, i): a[i] = #audit, a[i+1] =
//  next timer (ms, or '' for none), a[i+2] = next due time (ms of the
//  earliest deadline not met, or '' for none: the `due` index List orders
//  by), a[i+3] = #events, then audit entries and (topic, key, id, type, time, payload, traceparent,
//  tracestate) tuples (the trace context of the request: outbox_relay.h). A complaint has
//  at most one timer, its next SLA moment, with the complaint id as member:
//  ZADD moves it, no earlier moment needs removing. This is
//  runtime::DurableTimers' format (durable_timers.h): integer ms scores; the
//  ZADD also overrides a claim, so a write during a fire wins.
constexpr char kCommon[] = R"lua(
local function write_fields(key, a, i)
  redis.call('HSET', key, 'v', a[i], 'pb', a[i+1], 'st', a[i+2], 'cat', a[i+3],
    'pri', a[i+4], 'dept', a[i+5], 'ch', a[i+6], 'reg', a[i+7], 'stn', a[i+8],
    'brk', a[i+9], 'ts', a[i+10], 'ck', a[i+11], 'inc', a[i+12], 'cn', '1')
end
local function append_tail(audit_key, timers_key, due_key, outbox_key, id, a, i, created)
  local na, ne = tonumber(a[i]), tonumber(a[i+3])
  local j = i + 4
  for _ = 1, na do redis.call('RPUSH', audit_key, a[j]); j = j + 1 end
  if a[i+1] ~= '' then
    redis.call('ZADD', timers_key, a[i+1], id)
  elseif not created then
    redis.call('ZREM', timers_key, id)
  end
  if a[i+2] ~= '' then
    redis.call('ZADD', due_key, a[i+2], id)
  elseif not created then
    redis.call('ZREM', due_key, id)
  end
  for _ = 1, ne do
    redis.call('XADD', outbox_key, '*', 'topic', a[j], 'key', a[j+1], 'id', a[j+2],
      'type', a[j+3], 'time', a[j+4], 'payload', a[j+5], 'traceparent', a[j+6],
      'tracestate', a[j+7])
    j = j + 8
  end
end
)lua";

// KEYS: complaint audit dedup received timers outbox counts due
// ARGV: 1 id, 2..14 fields (4 st, 6 pri), 15 idempotency key name ('' = none), 16 has_dedup,
//       17 dedup_window_ms, 18 expected_first, 19.. tail
// The idempotency key itself lives in another slot (reserved first, see
// RedisComplaintRepository::Reserve); the complaint remembers it in 'ik',
// so a retry of the same reservation finds its complaint and replays.
constexpr char kCreate[] = R"lua(
if redis.call('EXISTS', KEYS[1]) == 1 then
  if ARGV[15] ~= '' and redis.call('HGET', KEYS[1], 'ik') == ARGV[15] then
    return {'replayed', ARGV[1]}
  end
  return {'collision', ''}
end
if ARGV[16] == '1' then
  local first = redis.call('GET', KEYS[3]) or ''
  if first ~= ARGV[18] then return {'raced', first} end
end
write_fields(KEYS[1], ARGV, 2)
redis.call('HINCRBY', KEYS[7], ARGV[4]..':'..ARGV[6], 1)
if ARGV[15] ~= '' then redis.call('HSET', KEYS[1], 'ik', ARGV[15]) end
redis.call('ZADD', KEYS[4], ARGV[12], ARGV[1])
if ARGV[16] == '1' and ARGV[18] == '' then redis.call('SET', KEYS[3], ARGV[1], 'PX', ARGV[17]) end
append_tail(KEYS[2], KEYS[5], KEYS[8], KEYS[6], ARGV[1], ARGV, 19, true)
return {'created', ARGV[1]}
)lua";

// KEYS: complaint audit timers outbox requests counts due
// ARGV: 1 id, 2 expected version, 3..15 fields (5 st, 7 pri), 16.. tail; the last three:
//       request id ('' = none), request fingerprint, request TTL (ms).
// A recorded request id changes nothing ('replayed'); else it is recorded
// with the stored record after the change, in the same write.
constexpr char kUpdate[] = R"lua(
local n = #ARGV
local rid = ARGV[n-2]
if rid ~= '' and redis.call('HEXISTS', KEYS[5], rid) == 1 then return {'replayed'} end
local was = redis.call('HMGET', KEYS[1], 'v', 'st', 'pri', 'cn')
if not was[1] then return {'missing'} end
if was[1] ~= ARGV[2] then return {'conflict', was[1]} end
write_fields(KEYS[1], ARGV, 3)
if was[4] ~= '1' then
  redis.call('HINCRBY', KEYS[6], ARGV[5]..':'..ARGV[7], 1)
elseif was[2] ~= ARGV[5] or was[3] ~= ARGV[7] then
  redis.call('HINCRBY', KEYS[6], was[2]..':'..was[3], -1)
  redis.call('HINCRBY', KEYS[6], ARGV[5]..':'..ARGV[7], 1)
end
append_tail(KEYS[2], KEYS[3], KEYS[7], KEYS[4], ARGV[1], ARGV, 16, false)
if rid ~= '' then
  redis.call('HSET', KEYS[5], rid, ARGV[n-1]..'\n'..ARGV[4])
  redis.call('PEXPIRE', KEYS[5], ARGV[n])
end
return {'ok'}
)lua";

// KEYS: the index scanned: received (received order) or due (next-due order)
// ARGV: 1 complaint key prefix, 2 min score (ms, inclusive), 3 cursor id
//       (members at score == min with id <= cursor are skipped; '' = none),
//       4 max score (ms, exclusive; '' = none), 5 limit, 6 max scanned,
//       7 statuses ",1,3," ('' = any), 8 categories, 9 priorities,
//       10 department, 11 channel, 12 region, 13 station, 14 breached only,
//       15 complainant key ('' = any), 16/17 received-at range in ms
//       (inclusive/exclusive, '' = open) checked on the record: for a
//       scan of the due index, whose scores are not received times,
//       18 known issue's incident ('' = any)
constexpr char kList[] = R"lua(
local function inset(set, v) return set == '' or string.find(set, ','..v..',', 1, true) ~= nil end
local function eq(want, v) return want == '' or want == v end
local max = ARGV[4] == '' and '+inf' or '('..ARGV[4]
local min_score = tonumber(ARGV[2])
local limit, max_scan = tonumber(ARGV[5]), tonumber(ARGV[6])
local out, found, scanned, offset = {}, 0, 0, 0
local last_score, last_id = '', ''
while true do
  local batch = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[2], max, 'WITHSCORES', 'LIMIT', offset, 256)
  if #batch == 0 then return {out, 1, last_score, last_id} end
  offset = offset + #batch / 2
  for i = 1, #batch, 2 do
    local id, score = batch[i], batch[i+1]
    if not (tonumber(score) == min_score and ARGV[3] ~= '' and id <= ARGV[3]) then
      scanned = scanned + 1
      local f = redis.call('HMGET', ARGV[1]..id, 'st', 'cat', 'pri', 'dept', 'ch', 'reg', 'stn', 'brk', 'pb', 'ck', 'ts', 'inc')
      if f[1] and inset(ARGV[7], f[1]) and inset(ARGV[8], f[2]) and inset(ARGV[9], f[3])
          and eq(ARGV[10], f[4]) and eq(ARGV[11], f[5]) and eq(ARGV[12], f[6])
          and eq(ARGV[13], f[7]) and (ARGV[14] ~= '1' or f[8] == '1') and eq(ARGV[15], f[10])
          and (ARGV[16] == '' or tonumber(f[11]) >= tonumber(ARGV[16]))
          and (ARGV[17] == '' or tonumber(f[11]) < tonumber(ARGV[17]))
          and eq(ARGV[18], f[12]) then
        out[#out+1] = id; out[#out+1] = score; out[#out+1] = f[9]
        found = found + 1
      end
      last_score, last_id = score, id
      if found >= limit or scanned >= max_scan then return {out, 0, last_score, last_id} end
    end
  end
end
)lua";

// The contact record's hash fields, in domain::kContactDimensions order, then
// the outage: start (unix ms), the start's platform (number), end (unix ms),
// then the consultation: creation (unix ms), its agent, its category and its
// dispatch (unix ms), then the events counted once (domain::OnceOnlySlot):
// the call's offer, outcome (unix ms) and the outcome's kind (ContactKind
// number), its end, the survey (unix ms). Shared by the two contact scripts.
constexpr char kContactFields[] = R"lua(
local fields = {'ch', 'dept', 'reg', 'stn', 'line', 'os', 'op', 'oe', 'cc', 'cag', 'ccat', 'cd',
  'co', 'cx', 'ck', 'cn', 'sv'}
local function record(cur, out)
  for i = 1, #fields do out[#out + 1] = cur[i] or '' end
  return out
end
)lua";

// KEYS: seen contact. Returns {seen marker ('' = not seen), ch, dept, reg,
// stn, line, os, op, oe, cc, cag, ccat, cd, co, cx, ck, cn, sv} ('' = none).
constexpr char kLoadContact[] = R"lua(
local cur = redis.call('HMGET', KEYS[2], unpack(fields))
return record(cur, {redis.call('GET', KEYS[1]) or ''})
)lua";

// KEYS: seen outbox contact; ARGV: 1 ttl_ms, 2 topic, 3 key, 4 id, 5 type,
//       6 time, 7 payload, 8 traceparent, 9 tracestate, 10..14 the event's
//       ch dept reg stn line, 15 the outage the event was completed from,
//       "os/op/oe" ('' parts = none; the whole '' = not an outage end),
//       16 outage start and 17 its platform to record ('' = not an outage
//       start; a start recorded on another platform makes it stale),
//       18 outage end to record ('' = not an outage end),
//       19 the event's fingerprint (the seen marker's value),
//       20 '1' for a consultation dispatch ('' = not one), 21..23 the
//       consultation it was completed from: cc cag ccat ('' = none),
//       24..26 a consultation creation to record: cc cag ccat ('' = not a
//       creation), 27 the dispatch the dispatch was completed from: cd
//       ('' = none), 28 a dispatch to record: cd ('' = not a dispatch),
//       29 the field of an event counted once: co, cx, cn or sv ('' =
//       none; a filled one makes it stale), 30 its time to record, 31 an
//       outcome's kind to record as ck ('' = not an outcome), 32 the
//       call's field the event was completed from: co for an outcome, ck
//       for an end ('' = neither), 33 its value then ('' = none; another
//       one stored makes it stale)
// Returns {'seen', marker} | {'stale', ch, dept, reg, stn, line, os, op, oe,
// cc, cag, ccat, cd, co, cx, ck, cn, sv} | {'appended'}.
constexpr char kAppendContact[] = R"lua(
local seen = redis.call('GET', KEYS[1])
if seen then return {'seen', seen} end
local cur = redis.call('HMGET', KEYS[3], unpack(fields))
-- An outage end is completed from the whole outage: its start gives the
-- duration, its platform must match, and an outage ended already refuses it.
local outage = (cur[6] or '') .. '/' .. (cur[7] or '') .. '/' .. (cur[8] or '')
local stale = ARGV[15] ~= '' and ARGV[15] ~= outage
-- An outage start on another platform than the recorded start's is not this
-- outage's: the caller refuses it once it sees the record.
if ARGV[16] ~= '' and cur[7] and cur[7] ~= '' and cur[7] ~= ARGV[17] then stale = true end
-- A dispatch is dated and filed by its consultation: the one it was
-- completed from (or none) must still be the one stored.
if ARGV[20] ~= '' then
  for i = 9, 11 do
    if (cur[i] or '') ~= ARGV[12 + i] then stale = true end
  end
  -- Dispatched once: one dispatch racing another is refused on the record.
  if (cur[12] or '') ~= ARGV[27] then stale = true end
end
-- A consultation is created once: a creation racing an accepted one is
-- refused once the caller sees the record (CompleteContactEvent).
if ARGV[24] ~= '' and cur[9] and cur[9] ~= '' then stale = true end
-- A call's offer, outcome and end, and a survey, count once: another one
-- is refused once the caller sees the record.
local once = nil
for i = 13, #fields do
  if fields[i] == ARGV[29] then once = i end
end
if once and cur[once] then stale = true end
-- An outcome is dated by its call's offer, an end stamped with its outcome:
-- the one it was completed from (or none) must still be the one stored.
if ARGV[32] ~= '' then
  for i = 13, #fields do
    if fields[i] == ARGV[32] and (cur[i] or '') ~= ARGV[33] then stale = true end
  end
end
for i = 1, 5 do
  if cur[i] and cur[i] ~= ARGV[9 + i] then stale = true end
end
if stale then return record(cur, {'stale'}) end
redis.call('SET', KEYS[1], ARGV[19], 'PX', ARGV[1])
for i = 1, 5 do
  if not cur[i] and ARGV[9 + i] ~= '' then redis.call('HSET', KEYS[3], fields[i], ARGV[9 + i]) end
end
if ARGV[16] ~= '' and not cur[6] then redis.call('HSET', KEYS[3], 'os', ARGV[16], 'op', ARGV[17]) end
if ARGV[18] ~= '' and not cur[8] then redis.call('HSET', KEYS[3], 'oe', ARGV[18]) end
if ARGV[24] ~= '' and not cur[9] then
  redis.call('HSET', KEYS[3], 'cc', ARGV[24], 'cag', ARGV[25], 'ccat', ARGV[26])
end
if ARGV[28] ~= '' and not cur[12] then redis.call('HSET', KEYS[3], 'cd', ARGV[28]) end
if once then redis.call('HSET', KEYS[3], ARGV[29], ARGV[30]) end
if ARGV[31] ~= '' then redis.call('HSET', KEYS[3], 'ck', ARGV[31]) end
-- Renewed by every event; a contact with nothing to remember has no record.
redis.call('PEXPIRE', KEYS[3], ARGV[1])
redis.call('XADD', KEYS[2], '*', 'topic', ARGV[2], 'key', ARGV[3], 'id', ARGV[4],
  'type', ARGV[5], 'time', ARGV[6], 'payload', ARGV[7], 'traceparent', ARGV[8],
  'tracestate', ARGV[9])
return {'appended'}
)lua";

}  // namespace

const runtime::LuaScript& CreateComplaint() {
  static const auto* script = new runtime::LuaScript(std::string(kCommon) + kCreate);
  return *script;
}
const runtime::LuaScript& UpdateComplaint() {
  static const auto* script = new runtime::LuaScript(std::string(kCommon) + kUpdate);
  return *script;
}
const runtime::LuaScript& ListShard() {
  static const auto* script = new runtime::LuaScript(kList);
  return *script;
}
const runtime::LuaScript& LoadContact() {
  static const auto* script = new runtime::LuaScript(std::string(kContactFields) + kLoadContact);
  return *script;
}
const runtime::LuaScript& ReleaseContactEventId() {
  static const auto* script = new runtime::LuaScript(R"lua(
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
)lua");
  return *script;
}
const runtime::LuaScript& AppendContactEvent() {
  static const auto* script = new runtime::LuaScript(std::string(kContactFields) + kAppendContact);
  return *script;
}

}  // namespace sqms::complaints::adapters::scripts
