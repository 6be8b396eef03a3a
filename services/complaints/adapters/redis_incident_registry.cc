#include "services/complaints/adapters/redis_incident_registry.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "services/complaints/codec/incident_event_codec.h"

namespace sqms::complaints::adapters {
namespace {

// KEYS: active, ended marker. ARGV: 1 id, 2 stored incident.
const runtime::LuaScript& ActivateScript() {
  static const auto* script = new runtime::LuaScript(R"lua(
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
)lua");
  return *script;
}

// KEYS: active, ended marker. ARGV: 1 id, 2 marker TTL (ms).
const runtime::LuaScript& EndScript() {
  static const auto* script = new runtime::LuaScript(R"lua(
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('SET', KEYS[2], '1', 'PX', ARGV[2])
return 1
)lua");
  return *script;
}

absl::Status Checked(const absl::StatusOr<runtime::RedisReply>& reply, const char* what) {
  if (!reply.ok()) return reply.status();
  if (reply->type == runtime::RedisReply::Type::kError) {
    return runtime::RedisErrorStatus(*reply, what);
  }
  return absl::OkStatus();
}

}  // namespace

RedisIncidentRegistry::RedisIncidentRegistry(runtime::RedisClient& redis, const RedisKeys& keys,
                                             absl::Duration ended_ttl)
    : redis_(redis), keys_(keys), ended_ttl_(ended_ttl) {}

absl::Status RedisIncidentRegistry::Activate(const domain::ActiveIncident& incident) {
  return Checked(redis_.Eval(ActivateScript(),
                             {keys_.ActiveIncidents(), keys_.EndedIncident(incident.id)},
                             {incident.id, codec::EncodeActiveIncident(incident)}),
                 "activate incident");
}

absl::Status RedisIncidentRegistry::End(const std::string& incident_id) {
  return Checked(
      redis_.Eval(EndScript(), {keys_.ActiveIncidents(), keys_.EndedIncident(incident_id)},
                  {incident_id, std::to_string(absl::ToInt64Milliseconds(ended_ttl_))}),
      "end incident");
}

absl::StatusOr<std::vector<domain::ActiveIncident>> RedisIncidentRegistry::Active() {
  auto reply = redis_.Command({"HGETALL", keys_.ActiveIncidents()});
  if (auto s = Checked(reply, "active incidents"); !s.ok()) return s;
  std::vector<domain::ActiveIncident> out;
  for (size_t i = 0; i + 1 < reply->elements.size(); i += 2) {
    auto incident = codec::DecodeActiveIncident(reply->elements[i + 1].str);
    if (!incident.ok()) return incident.status();
    out.push_back(*std::move(incident));
  }
  return out;
}

}  // namespace sqms::complaints::adapters
