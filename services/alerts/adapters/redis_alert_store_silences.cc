// RedisAlertStore: silences (ports/alert_store.h), one hash, silence id →
// its JSON (incident_json.h), in the alerts' slot.

#include <string>
#include <utility>
#include <vector>

#include "services/alerts/adapters/alert_keys.h"
#include "services/alerts/adapters/incident_json.h"
#include "services/alerts/adapters/redis_alert_store.h"

namespace sqms::alerts::adapters {
namespace {

// KEYS: 1 silences hash. ARGV: pairs of (id, the JSON read). Deletes each
// silence still stored as read, so one written meanwhile stays; returns
// how many it deleted.
const runtime::LuaScript& PruneScript() {
  static const runtime::LuaScript script(R"lua(
local n = 0
for i = 1, #ARGV, 2 do
  if redis.call('HGET', KEYS[1], ARGV[i]) == ARGV[i + 1] then
    redis.call('HDEL', KEYS[1], ARGV[i])
    n = n + 1
  end
end
return n
)lua");
  return script;
}

// KEYS: 1 silences hash. ARGV: 1 id, 2 JSON. Stores the JSON unless the id
// is stored; returns the JSON stored.
const runtime::LuaScript& AddScript() {
  static const runtime::LuaScript script(R"lua(
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 1 then return ARGV[2] end
return redis.call('HGET', KEYS[1], ARGV[1])
)lua");
  return script;
}

// A silence as stored: its JSON, and what it decodes to.
struct Stored {
  std::string json;
  domain::Silence silence;
};

absl::StatusOr<std::vector<Stored>> ReadAll(runtime::RedisClient& redis) {
  auto reply = redis.Command({"HGETALL", SilencesKey()});
  if (!reply.ok()) return reply.status();
  std::vector<Stored> out;
  for (size_t i = 1; i < reply->elements.size(); i += 2) {
    auto s = DecodeSilence(reply->elements[i].str);
    if (!s.ok()) return s.status();
    out.push_back({std::move(reply->elements[i].str), *std::move(s)});
  }
  return out;
}

}  // namespace

absl::Status RedisAlertStore::PutSilence(const domain::Silence& silence) {
  return redis_.Command({"HSET", SilencesKey(), silence.id, EncodeSilence(silence)}).status();
}

absl::StatusOr<domain::Silence> RedisAlertStore::AddSilence(const domain::Silence& silence) {
  auto reply = redis_.Eval(AddScript(), {SilencesKey()}, {silence.id, EncodeSilence(silence)});
  if (!reply.ok()) return reply.status();
  if (reply->IsNil()) return absl::InternalError("silence add: unexpected nil reply");
  return DecodeSilence(reply->str);
}

absl::StatusOr<std::vector<domain::Silence>> RedisAlertStore::ListSilences() {
  auto stored = ReadAll(redis_);
  if (!stored.ok()) return stored.status();
  std::vector<domain::Silence> out;
  for (Stored& s : *stored) out.push_back(std::move(s.silence));
  return out;
}

absl::StatusOr<int> RedisAlertStore::PruneSilences(absl::Time ended_before) {
  auto stored = ReadAll(redis_);
  if (!stored.ok()) return stored.status();
  // The ended ones, with the JSON they were read as: the script deletes
  // only what is still that.
  std::vector<std::string> args;
  for (Stored& s : *stored) {
    if (s.silence.ends_at >= ended_before) continue;
    args.push_back(s.silence.id);
    args.push_back(std::move(s.json));
  }
  if (args.empty()) return 0;
  auto pruned = redis_.Eval(PruneScript(), {SilencesKey()}, args);
  if (!pruned.ok()) return pruned.status();
  return static_cast<int>(pruned->integer);
}

}  // namespace sqms::alerts::adapters
