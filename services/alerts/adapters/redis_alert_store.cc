#include "services/alerts/adapters/redis_alert_store.h"

#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/alerts/adapters/alert_keys.h"
#include "services/alerts/adapters/incident_json.h"
#include "services/alerts/codec/incident_event_codec.h"
#include "sqms/runtime/ids.h"

namespace sqms::alerts::adapters {
namespace {

// KEYS: 1 incident, 2 incidents zset, 3 active set, 4 group key, 5 command
// key, 6 timers, 7 outbox, then one key per new delivery, then one per
// page that must still be unclaimed.
// ARGV: 1 expected version, 2 doc, 3 state, 4 id, 5 opened ms, 6 active
// (1/0), 7 claim group, 8 release group, 9 request id given, 10 deliveries
// n, 11 schedule n, 12 cancel n, 13 events n, 14 unclaimed pages n; then
// per delivery: doc, timer id, due ms; per schedule: timer id, due ms; per
// cancel: timer id; per event: topic, key, id, type, time ms, payload.
// A page claimed since it was read (attempts > 0) is a conflict.
// Returns {"ok", version} | {"conflict"} | {"group", holder} | {"replayed"}.
const runtime::LuaScript& WriteScript() {
  static const runtime::LuaScript script(R"lua(
if ARGV[9] ~= '0' and redis.call('EXISTS', KEYS[5]) == 1 then return {'replayed'} end
local version = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
if version ~= tonumber(ARGV[1]) then return {'conflict'} end
for i = 1, tonumber(ARGV[14]) do
  local attempts = redis.call('HGET', KEYS[7 + tonumber(ARGV[10]) + i], 'attempts')
  if attempts and attempts ~= '0' then return {'conflict'} end
end
if ARGV[7] == '1' then
  local holder = redis.call('GET', KEYS[4])
  if holder and holder ~= ARGV[4] then return {'group', holder} end
  redis.call('SET', KEYS[4], ARGV[4])
end
if ARGV[8] == '1' and redis.call('GET', KEYS[4]) == ARGV[4] then redis.call('DEL', KEYS[4]) end
version = version + 1
redis.call('HSET', KEYS[1], 'doc', ARGV[2], 'state', ARGV[3], 'version', version)
redis.call('ZADD', KEYS[2], ARGV[5], ARGV[4])
if ARGV[6] == '1' then redis.call('SADD', KEYS[3], ARGV[4]) else redis.call('SREM', KEYS[3], ARGV[4]) end
if ARGV[9] ~= '0' then redis.call('SET', KEYS[5], version, 'EX', ARGV[9]) end
local a = 15
for i = 1, tonumber(ARGV[10]) do
  redis.call('HSET', KEYS[7 + i], 'doc', ARGV[a], 'status', 'pending', 'attempts', 0)
  redis.call('ZADD', KEYS[6], ARGV[a + 2], ARGV[a + 1])
  a = a + 3
end
for i = 1, tonumber(ARGV[11]) do
  redis.call('ZADD', KEYS[6], ARGV[a + 1], ARGV[a])
  a = a + 2
end
for i = 1, tonumber(ARGV[12]) do
  redis.call('ZREM', KEYS[6], ARGV[a])
  a = a + 1
end
for i = 1, tonumber(ARGV[13]) do
  redis.call('XADD', KEYS[7], '*', 'topic', ARGV[a], 'key', ARGV[a + 1], 'id', ARGV[a + 2],
             'type', ARGV[a + 3], 'time', ARGV[a + 4], 'payload', ARGV[a + 5])
  a = a + 6
end
return {'ok', version}
)lua");
  return script;
}

// KEYS: 1 delivery, 2 timers, 3 incident. ARGV: 1 timer id, 2 retry ms,
// 3 page (1/0). The page check and the claim are one step: an
// acknowledgement written before it cancels the page; one written after
// finds it already on its way.
const runtime::LuaScript& ClaimScript() {
  static const runtime::LuaScript script(R"lua(
local status = redis.call('HGET', KEYS[1], 'status')
if status ~= 'pending' then return {'done'} end
if ARGV[3] == '1' and redis.call('HGET', KEYS[3], 'state') ~= 'triggered' then
  redis.call('HSET', KEYS[1], 'status', 'cancelled')
  redis.call('ZREM', KEYS[2], ARGV[1])
  return {'cancelled'}
end
local attempts = redis.call('HINCRBY', KEYS[1], 'attempts', 1)
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
return {'claimed', tostring(attempts), redis.call('HGET', KEYS[3], 'doc') or ''}
)lua");
  return script;
}

// KEYS: 1 delivery, 2 timers, 3 log. ARGV: 1 timer id, 2 status, 3 http
// status, 4 error, 5 latency ms, 6 retry ms, 7 log entry, 8 the attempt's
// number (its claim's). Logged always. Recorded (returns 1) unless the
// delivery is gone or delivered already, or — for a result other than
// "delivered" — a later claim was made: a delivery is a fact whichever
// attempt reports it; a failure only the latest attempt's to decide.
const runtime::LuaScript& AttemptScript() {
  static const runtime::LuaScript script(R"lua(
redis.call('LPUSH', KEYS[3], ARGV[7])
redis.call('LTRIM', KEYS[3], 0, 99)
local stored = redis.call('HMGET', KEYS[1], 'status', 'attempts')
if not stored[1] or stored[1] == 'delivered' then return 0 end
if ARGV[2] ~= 'delivered' and tonumber(stored[2] or '0') ~= tonumber(ARGV[8]) then return 0 end
redis.call('HSET', KEYS[1], 'status', ARGV[2], 'last_http_status', ARGV[3], 'last_error', ARGV[4],
           'last_latency_ms', ARGV[5])
if ARGV[2] == 'pending' then redis.call('ZADD', KEYS[2], ARGV[6], ARGV[1])
else redis.call('ZREM', KEYS[2], ARGV[1]) end
return 1
)lua");
  return script;
}

// KEYS: 1 request id's binding. ARGV: 1 fingerprint, 2 ttl s. Returns the
// fingerprint bound: the one held, else ARGV[1], bound now.
const runtime::LuaScript& BindScript() {
  static const runtime::LuaScript script(R"lua(
local held = redis.call('GET', KEYS[1])
if held then return held end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return ARGV[1]
)lua");
  return script;
}

std::string Ms(absl::Time t) { return std::to_string(absl::ToUnixMillis(t)); }

absl::Status Unexpected(const runtime::RedisReply& reply, const char* what) {
  return absl::InternalError(absl::StrCat(what, ": unexpected reply ", reply.str));
}

// Fills status, attempts and last_* from the delivery hash's fields.
absl::StatusOr<ports::Delivery> FromHash(const runtime::RedisReply& reply) {
  std::map<std::string, std::string> fields;
  for (size_t i = 0; i + 1 < reply.elements.size(); i += 2) {
    fields[reply.elements[i].str] = reply.elements[i + 1].str;
  }
  auto d = DecodeDelivery(fields["doc"]);
  if (!d.ok()) return d.status();
  d->status = fields["status"];
  (void)absl::SimpleAtoi(fields["attempts"], &d->attempts);
  (void)absl::SimpleAtoi(fields["last_http_status"], &d->last_http_status);
  d->last_error = fields["last_error"];
  (void)absl::SimpleAtoi(fields["last_latency_ms"], &d->last_latency_ms);
  return d;
}

}  // namespace

RedisAlertStore::RedisAlertStore(runtime::RedisClient& redis, std::string incidents_topic,
                                 std::function<void()> wake_relay)
    : redis_(redis), topic_(std::move(incidents_topic)), wake_relay_(std::move(wake_relay)) {}

absl::StatusOr<std::optional<ports::Incident>> RedisAlertStore::Get(const std::string& id) {
  auto reply = redis_.Command({"HGET", IncidentKey(id), "doc"});
  if (!reply.ok()) return reply.status();
  if (reply->IsNil()) return std::nullopt;
  auto incident = DecodeIncident(reply->str);
  if (!incident.ok()) return incident.status();
  return std::optional<ports::Incident>(*std::move(incident));
}

absl::StatusOr<std::string> RedisAlertStore::FindGroup(const std::string& group_key) {
  auto reply = redis_.Command({"GET", GroupKey(group_key)});
  if (!reply.ok()) return reply.status();
  return reply->IsNil() ? std::string() : reply->str;
}

absl::StatusOr<std::vector<ports::Incident>> RedisAlertStore::Load(
    const std::vector<std::string>& ids) {
  std::vector<runtime::RedisClient::Argv> commands;
  for (const std::string& id : ids) commands.push_back({"HGET", IncidentKey(id), "doc"});
  std::vector<ports::Incident> out;
  for (auto& reply : redis_.Pipeline(std::move(commands))) {
    if (!reply.ok()) return reply.status();
    if (reply->IsNil()) continue;  // removed between the index and the read
    auto incident = DecodeIncident(reply->str);
    if (!incident.ok()) return incident.status();
    out.push_back(*std::move(incident));
  }
  return out;
}

absl::StatusOr<std::vector<ports::Incident>> RedisAlertStore::List(const ports::ListFilter& filter) {
  std::vector<ports::Incident> out;
  // Each id once: an incident opened between two chunk reads shifts the
  // offsets, and the next chunk starts with the last one read.
  absl::flat_hash_set<std::string> seen;
  // Keeps the loaded incidents of filter.plan_id ("" = any) after filter.after.
  auto keep = [&](std::vector<std::string> ids) -> absl::Status {
    std::erase_if(ids, [&](const std::string& id) { return !seen.insert(id).second; });
    auto incidents = Load(ids);
    if (!incidents.ok()) return incidents.status();
    for (ports::Incident& i : *incidents) {
      if (!filter.plan_id.empty() && i.plan_id != filter.plan_id) continue;
      if (filter.after && !(ports::ListPosition(i) < *filter.after)) continue;
      out.push_back(std::move(i));
    }
    return absl::OkStatus();
  };
  if (filter.active_only) {
    auto ids = redis_.Command({"SMEMBERS", ActiveKey()});
    if (!ids.ok()) return ids.status();
    std::vector<std::string> wanted;
    for (const runtime::RedisReply& e : ids->elements) wanted.push_back(e.str);
    if (absl::Status s = keep(std::move(wanted)); !s.ok()) return s;
  } else {
    // Newest first from the position (its own millisecond included: ties
    // are left to `keep`), a chunk at a time, until `limit` incidents of
    // the plan are found or the history ends: a plan's incidents behind
    // thousands of newer ones of other plans are listed too.
    constexpr int kChunk = 1000;
    const std::string from = filter.after ? std::to_string(filter.after->at) : "+inf";
    for (int start = 0; static_cast<int>(out.size()) < filter.limit; start += kChunk) {
      auto ids = redis_.Command({"ZREVRANGEBYSCORE", IncidentsKey(), from, "-inf", "LIMIT",
                                 std::to_string(start), std::to_string(kChunk)});
      if (!ids.ok()) return ids.status();
      if (ids->elements.empty()) break;
      std::vector<std::string> wanted;
      for (const runtime::RedisReply& e : ids->elements) wanted.push_back(e.str);
      if (absl::Status s = keep(std::move(wanted)); !s.ok()) return s;
    }
  }
  std::sort(out.begin(), out.end(), [](const ports::Incident& a, const ports::Incident& b) {
    return ports::ListPosition(b) < ports::ListPosition(a);
  });
  if (static_cast<int>(out.size()) > filter.limit) out.resize(filter.limit);
  return out;
}

absl::StatusOr<ports::WriteOutcome> RedisAlertStore::Write(ports::IncidentWrite& w) {
  ports::Incident& inc = w.incident;
  inc.version = w.expected_version + 1;
  std::vector<std::string> keys = {IncidentKey(inc.id), IncidentsKey(), ActiveKey(),
                                   GroupKey(inc.group_key), CommandKey(w.request_id),
                                   TimersKey(), OutboxKey()};
  std::vector<std::string> args = {
      std::to_string(w.expected_version),
      EncodeIncident(inc),
      std::string(domain::IncidentStateName(inc.state)),
      inc.id,
      Ms(inc.opened_at),
      domain::IsActive(inc.state) ? "1" : "0",
      w.claim_group ? "1" : "0",
      w.release_group ? "1" : "0",
      w.request_id.empty() ? "0" : std::to_string(kRequestRecordSeconds),
      std::to_string(w.deliveries.size()),
      std::to_string(w.schedule.size()),
      std::to_string(w.cancel.size()),
      std::to_string(w.events.size()),
      std::to_string(w.unclaimed_pages.size())};
  for (const ports::Delivery& d : w.deliveries) {
    keys.push_back(DeliveryKey(d.id));
    args.insert(args.end(), {EncodeDelivery(d), absl::StrCat("dlv|", d.id), Ms(d.created_at)});
  }
  for (const std::string& page : w.unclaimed_pages) keys.push_back(DeliveryKey(page));
  for (const ports::TimerChange& t : w.schedule) args.insert(args.end(), {t.id, Ms(t.due)});
  for (const std::string& t : w.cancel) args.push_back(t);
  const absl::Time now = absl::Now();
  for (ports::IncidentEventKind kind : w.events) {
    const std::string id = runtime::NewEventId();
    args.insert(args.end(), {topic_, inc.id, id, codec::IncidentEventType(kind), Ms(now),
                             codec::EncodeIncidentEvent(inc, kind, id, now, w.actor)});
  }
  auto reply = redis_.Eval(WriteScript(), keys, args);
  if (!reply.ok()) return reply.status();
  if (reply->elements.empty()) return Unexpected(*reply, "incident write");
  const std::string& tag = reply->elements[0].str;
  if (tag == "conflict") return ports::WriteOutcome::kConflict;
  if (tag == "group") return ports::WriteOutcome::kGroupTaken;
  if (tag == "replayed") return ports::WriteOutcome::kReplayed;
  if (tag != "ok" || reply->elements.size() < 2) return Unexpected(*reply, "incident write");
  inc.version = reply->elements[1].integer;
  if (!w.events.empty() && wake_relay_) wake_relay_();
  return ports::WriteOutcome::kWritten;
}

absl::StatusOr<std::optional<ports::Delivery>> RedisAlertStore::GetDelivery(const std::string& id) {
  auto reply = redis_.Command({"HGETALL", DeliveryKey(id)});
  if (!reply.ok()) return reply.status();
  if (reply->elements.empty()) return std::nullopt;
  auto d = FromHash(*reply);
  if (!d.ok()) return d.status();
  return std::optional<ports::Delivery>(*std::move(d));
}

absl::StatusOr<ports::DeliveryClaim> RedisAlertStore::ClaimDelivery(const std::string& id,
                                                                   absl::Time retry_at) {
  auto delivery = GetDelivery(id);
  if (!delivery.ok()) return delivery.status();
  ports::DeliveryClaim claim;
  if (!delivery->has_value()) return claim;  // kDone: gone
  claim.delivery = **delivery;
  auto reply = redis_.Eval(ClaimScript(),
                           {DeliveryKey(id), TimersKey(), IncidentKey(claim.delivery.incident_id)},
                           {absl::StrCat("dlv|", id), Ms(retry_at), claim.delivery.IsPage() ? "1" : "0"});
  if (!reply.ok()) return reply.status();
  if (reply->elements.empty()) return Unexpected(*reply, "delivery claim");
  const std::string& tag = reply->elements[0].str;
  if (tag == "done") return claim;
  if (tag == "cancelled") {
    claim.kind = ports::DeliveryClaim::Kind::kCancelled;
    claim.delivery.status = "cancelled";
    return claim;
  }
  if (tag != "claimed" || reply->elements.size() < 3) return Unexpected(*reply, "delivery claim");
  claim.kind = ports::DeliveryClaim::Kind::kClaimed;
  (void)absl::SimpleAtoi(reply->elements[1].str, &claim.delivery.attempts);
  auto incident = DecodeIncident(reply->elements[2].str);
  if (!incident.ok()) return incident.status();
  claim.incident = *std::move(incident);
  return claim;
}

absl::Status RedisAlertStore::RecordAttempt(const ports::Delivery& d, absl::Time retry_at) {
  const std::string entry = absl::StrCat(
      "{\"at\":", Ms(absl::Now()), ",\"attempt\":", d.attempts, ",\"status\":\"", d.status,
      "\",\"http_status\":", d.last_http_status, ",\"latency_ms\":", d.last_latency_ms, "}");
  auto reply = redis_.Eval(
      AttemptScript(), {DeliveryKey(d.id), TimersKey(), DeliveryLogKey(d.id)},
      {absl::StrCat("dlv|", d.id), d.status, std::to_string(d.last_http_status), d.last_error,
       std::to_string(d.last_latency_ms), Ms(retry_at), entry, std::to_string(d.attempts)});
  return reply.status();
}

absl::StatusOr<std::optional<std::string>> RedisAlertStore::Seen(const std::string& alert_id) {
  auto reply = redis_.Command({"GET", SeenKey(alert_id)});
  if (!reply.ok()) return reply.status();
  if (reply->IsNil()) return std::nullopt;
  return std::optional<std::string>(reply->str);
}

absl::Status RedisAlertStore::MarkSeen(const std::string& alert_id, const std::string& answer) {
  return redis_
      .Command({"SET", SeenKey(alert_id), answer, "EX", std::to_string(kRequestRecordSeconds)})
      .status();
}

absl::StatusOr<std::string> RedisAlertStore::BindRequest(const std::string& request_id,
                                                         const std::string& fingerprint) {
  auto reply = redis_.Eval(BindScript(), {RequestKey(request_id)},
                           {fingerprint, std::to_string(kRequestBindingSeconds)});
  if (!reply.ok()) return reply.status();
  if (reply->IsNil() || reply->str.empty()) return Unexpected(*reply, "request id binding");
  return reply->str;
}

}  // namespace sqms::alerts::adapters
