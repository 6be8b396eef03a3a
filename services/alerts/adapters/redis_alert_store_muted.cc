// RedisAlertStore: kept muted alerts (app/alert_processor.h, "Kept muted
// alerts"). One hash (alert_keys.h: MutedKey), fingerprint → JSON; each
// alert's durable timer "muted|<fingerprint>" lives in the timers zset and
// is written in the same script as the alert, so neither is ever left
// without the other.

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/alerts/adapters/alert_keys.h"
#include "services/alerts/adapters/incident_json.h"
#include "services/alerts/adapters/redis_alert_store.h"
#include "services/alerts/codec/timestamp_codec.h"

namespace sqms::alerts::adapters {
namespace {

// KEYS: 1 muted hash, 2 timers, 3 the alert's recorded end. ARGV:
// 1 fingerprint, 2 doc, 3 timer id, 4 due ms ("" = no timer), 5 '=' and
// the id the kept alert must have ("" = none needs to be kept), 6 the
// firing's start ms ("" = not checked against the recorded end). Returns
// 1 when kept, 0 when not (nothing written).
const runtime::LuaScript& KeepScript() {
  static const runtime::LuaScript script(R"lua(
if ARGV[5] ~= '' then
  local doc = redis.call('HGET', KEYS[1], ARGV[1])
  if not doc or '=' .. (cjson.decode(doc)['id'] or '') ~= ARGV[5] then return 0 end
end
if ARGV[6] ~= '' then
  local ended = redis.call('GET', KEYS[3])
  if ended and tonumber(ended) >= tonumber(ARGV[6]) then return 0 end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if ARGV[4] == '' then redis.call('ZREM', KEYS[2], ARGV[3])
else redis.call('ZADD', KEYS[2], ARGV[4], ARGV[3]) end
return 1
)lua");
  return script;
}

// KEYS: 1 muted hash, 2 timers, 3 the alert's recorded end. ARGV:
// 1 fingerprint, 2 timer id, 3 ended ms ("" = record nothing), 4 its ttl
// s, 5 the margin ms, 6 '=' and the id the kept alert must have to be
// dropped ("" = any). With an end, a kept alert that started (its JSON's
// "at", Unix ms) more than the margin after it is a newer firing: not
// dropped.
const runtime::LuaScript& DropScript() {
  static const runtime::LuaScript script(R"lua(
local doc = redis.call('HGET', KEYS[1], ARGV[1])
local spare = false
if doc and (ARGV[3] ~= '' or ARGV[6] ~= '') then
  local kept = cjson.decode(doc)
  if ARGV[6] ~= '' and '=' .. (kept['id'] or '') ~= ARGV[6] then spare = true end
  local at = kept['at']
  if ARGV[3] ~= '' and type(at) == 'number' and at > tonumber(ARGV[3]) + tonumber(ARGV[5]) then
    spare = true
  end
end
if not spare then
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('ZREM', KEYS[2], ARGV[2])
end
if ARGV[3] ~= '' then
  local held = redis.call('GET', KEYS[3])
  if held and tonumber(held) > tonumber(ARGV[3]) then
    redis.call('EXPIRE', KEYS[3], ARGV[4])
  else
    redis.call('SET', KEYS[3], ARGV[3], 'EX', ARGV[4])
  end
end
return 1
)lua");
  return script;
}

// KEYS: 1 muted hash, 2 timers. ARGV: 1 fingerprint, 2 timer id, 3 at ms.
const runtime::LuaScript& WakeScript() {
  static const runtime::LuaScript script(R"lua(
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2])
return 1
)lua");
  return script;
}

std::string Timer(const std::string& fingerprint) { return absl::StrCat("muted|", fingerprint); }

std::string FiniteMs(absl::Time t) {
  return codec::IsFinite(t) ? std::to_string(absl::ToUnixMillis(t)) : std::string();
}

// The scripts' check that the kept alert is the alert `id` ('=' keeps an
// empty id from reading as "no check").
std::string IdArg(const std::string& id) { return absl::StrCat("=", id); }

}  // namespace

absl::StatusOr<bool> RedisAlertStore::Keep(const ports::MutedAlert& muted, absl::Time due,
                                           bool only_if_kept) {
  const std::string due_ms =
      due == absl::InfiniteFuture() ? "" : std::to_string(absl::ToUnixMillis(due));
  // Decided again (only_if_kept), the alert was kept once already: its
  // resolution since then dropped it, or a newer firing replaced it (its
  // own id), which the first check sees.
  auto reply = redis_.Eval(
      KeepScript(), {MutedKey(), TimersKey(), EndedKey(muted.fingerprint)},
      {muted.fingerprint, EncodeMutedAlert(muted), Timer(muted.fingerprint), due_ms,
       only_if_kept ? IdArg(muted.alert.id) : "", only_if_kept ? "" : FiniteMs(muted.alert.at)});
  if (!reply.ok()) return reply.status();
  if (reply->type == runtime::RedisReply::Type::kError) {
    return runtime::RedisErrorStatus(*reply, "muted alert keep");
  }
  if (reply->type != runtime::RedisReply::Type::kInteger) {
    return absl::InternalError(absl::StrCat("muted alert keep: unexpected reply ", reply->str));
  }
  return reply->integer == 1;
}

absl::StatusOr<bool> RedisAlertStore::KeepMuted(const ports::MutedAlert& muted, absl::Time due) {
  return Keep(muted, due, false);
}

absl::StatusOr<bool> RedisAlertStore::KeepMutedIfKept(const ports::MutedAlert& muted,
                                                      absl::Time due) {
  return Keep(muted, due, true);
}

absl::StatusOr<std::optional<ports::MutedAlert>> RedisAlertStore::GetMuted(
    const std::string& fingerprint) {
  auto reply = redis_.Command({"HGET", MutedKey(), fingerprint});
  if (!reply.ok()) return reply.status();
  if (reply->IsNil()) return std::nullopt;
  auto muted = DecodeMutedAlert(reply->str);
  if (!muted.ok()) return muted.status();
  return std::optional<ports::MutedAlert>(*std::move(muted));
}

absl::StatusOr<std::vector<ports::MutedAlert>> RedisAlertStore::ListMuted() {
  auto reply = redis_.Command({"HGETALL", MutedKey()});
  if (!reply.ok()) return reply.status();
  std::vector<ports::MutedAlert> out;
  for (size_t i = 1; i < reply->elements.size(); i += 2) {
    auto muted = DecodeMutedAlert(reply->elements[i].str);
    if (!muted.ok()) return muted.status();
    out.push_back(*std::move(muted));
  }
  return out;
}

absl::Status RedisAlertStore::DropMuted(const std::string& fingerprint,
                                        const std::string& alert_id) {
  return Drop(fingerprint, absl::InfinitePast(), IdArg(alert_id));
}

absl::StatusOr<absl::Time> RedisAlertStore::RecordedEnd(const std::string& fingerprint) {
  auto reply = redis_.Command({"GET", EndedKey(fingerprint)});
  if (!reply.ok()) return reply.status();
  if (reply->type == runtime::RedisReply::Type::kError) {
    return runtime::RedisErrorStatus(*reply, "recorded alert end");
  }
  if (reply->IsNil()) return absl::InfinitePast();
  int64_t ms = 0;
  if (!absl::SimpleAtoi(reply->str, &ms)) {
    return absl::DataLossError(
        absl::StrCat("recorded end of alert ", fingerprint, " is not a number: ", reply->str));
  }
  return absl::FromUnixMillis(ms);
}

absl::Status RedisAlertStore::DropResolved(const std::string& fingerprint, absl::Time ended_at) {
  return Drop(fingerprint, ended_at, "");
}

absl::Status RedisAlertStore::Drop(const std::string& fingerprint, absl::Time ended_at,
                                   const std::string& only_id) {
  auto reply = redis_.Eval(
      DropScript(), {MutedKey(), TimersKey(), EndedKey(fingerprint)},
      {fingerprint, Timer(fingerprint), FiniteMs(ended_at), std::to_string(kAlertEndSeconds),
       std::to_string(absl::ToInt64Milliseconds(ports::kNewerFiringMargin)), only_id});
  if (!reply.ok()) return reply.status();
  if (reply->type == runtime::RedisReply::Type::kError) {
    return runtime::RedisErrorStatus(*reply, "muted alert drop");
  }
  return absl::OkStatus();
}

absl::Status RedisAlertStore::WakeMuted(const std::string& fingerprint, absl::Time at) {
  return redis_
      .Eval(WakeScript(), {MutedKey(), TimersKey()},
            {fingerprint, Timer(fingerprint), std::to_string(absl::ToUnixMillis(at))})
      .status();
}

}  // namespace sqms::alerts::adapters
