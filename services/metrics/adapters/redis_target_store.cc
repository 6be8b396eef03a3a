#include "services/metrics/adapters/redis_target_store.h"

#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/metrics/adapters/kpi_keys.h"
#include "services/metrics/codec/kpi_event_codec.h"
#include "sqms/runtime/ids.h"

namespace sqms::metrics::adapters {
namespace {

// KEYS[1] the target's statuses hash, KEYS[2] outbox stream, KEYS[3] the recent events
// list. ARGV: unit, expected, next, then per event: topic, key, id, type,
// time (ms), payload.
constexpr char kTransition[] = R"lua(
local current = redis.call('HGET', KEYS[1], ARGV[1]) or ''
if current ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
for i = 4, #ARGV, 6 do
  redis.call('XADD', KEYS[2], '*', 'topic', ARGV[i], 'key', ARGV[i + 1], 'id', ARGV[i + 2],
             'type', ARGV[i + 3], 'time', ARGV[i + 4], 'payload', ARGV[i + 5])
  redis.call('LPUSH', KEYS[3], ARGV[i + 5])
  redis.call('LTRIM', KEYS[3], 0, 999)
end
return 1
)lua";

// "<state>|<misses>|<last closed>[|<decided in>]"; "" for the initial
// status. Window labels hold no '|'. Without a decided_in (a surge rule's
// status, or one stored before it existed) three parts, byte for byte as
// before: the compare-and-set compares the encoded text, so a status
// stored by an older version must encode back to what is stored.
std::string Encode(const ports::TargetStatus& s) {
  if (s == ports::TargetStatus{}) return "";
  std::string out = absl::StrCat(static_cast<int>(s.state), "|", s.misses, "|", s.last_closed);
  if (!s.decided_in.empty()) absl::StrAppend(&out, "|", s.decided_in);
  return out;
}

ports::TargetStatus Decode(const std::string& text) {
  ports::TargetStatus s;
  std::vector<std::string> parts = absl::StrSplit(text, absl::MaxSplits('|', 3));
  int state = 0;
  if ((parts.size() == 3 || parts.size() == 4) && absl::SimpleAtoi(parts[0], &state) &&
      state >= 0 && state <= 2 && absl::SimpleAtoi(parts[1], &s.misses)) {
    s.state = static_cast<domain::TargetState>(state);
    s.last_closed = parts[2];
    if (parts.size() == 4) s.decided_in = parts[3];
  }
  return s;
}


}  // namespace

RedisTargetStore::RedisTargetStore(runtime::RedisClient& redis, std::string kpi_topic,
                                   std::function<void()> wake_relay)
    : redis_(redis), topic_(std::move(kpi_topic)), wake_relay_(std::move(wake_relay)) {}

absl::StatusOr<std::map<std::string, ports::TargetStatus>> RedisTargetStore::Load(
    const std::string& target_id) {
  // One hash per target: a pass reads each target's units, not every target's.
  auto reply = redis_.Command({"HGETALL", TargetKey(target_id)});
  if (!reply.ok()) return reply.status();
  std::map<std::string, ports::TargetStatus> out;
  for (size_t i = 0; i + 1 < reply->elements.size(); i += 2) {
    out[reply->elements[i].str] = Decode(reply->elements[i + 1].str);
  }
  return out;
}

absl::StatusOr<bool> RedisTargetStore::Transition(const std::string& target_id,
                                                  const std::string& unit,
                                                  const ports::TargetStatus& expected,
                                                  const ports::TargetStatus& next,
                                                  const std::vector<ports::TargetEvent>& events) {
  static const runtime::LuaScript* script = new runtime::LuaScript(kTransition);
  std::vector<std::string> args = {unit, Encode(expected), Encode(next)};
  for (const ports::TargetEvent& e : events) {
    const std::string id = runtime::NewEventId();
    codec::EncodedKpiEvent encoded = codec::EncodeKpiEvent(e, id);
    args.insert(args.end(), {topic_, encoded.key, id, encoded.type,
                             absl::StrCat(absl::ToUnixMillis(e.at)), std::move(encoded.payload)});
  }
  auto reply = redis_.Eval(*script, {TargetKey(target_id), OutboxKey(), RecentEventsKey()}, args);
  if (!reply.ok()) return reply.status();
  if (reply->type == runtime::RedisReply::Type::kError) {
    return runtime::RedisErrorStatus(*reply, "target status");
  }
  const bool applied = reply->integer == 1;
  if (applied && !events.empty() && wake_relay_) wake_relay_();
  return applied;
}

absl::StatusOr<std::vector<std::string>> RedisTargetStore::RecentEvents(int limit) {
  auto reply = redis_.Command({"LRANGE", RecentEventsKey(), "0", absl::StrCat(limit - 1)});
  if (!reply.ok()) return reply.status();
  std::vector<std::string> out;
  for (const runtime::RedisReply& e : reply->elements) out.push_back(e.str);
  return out;
}

}  // namespace sqms::metrics::adapters
