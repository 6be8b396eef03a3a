// RedisAlertStore: plans changed through UpsertPlan. Each is a hash
// (alert_keys.h: PlanKey) holding the plan as sqms.alerts.v1.Plan bytes,
// its version and its seed; PlansKey lists their ids. The last known plans
// are one hash (KnownPlansKey): id → sqms.alerts.v1.Plan bytes.

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/alerts/adapters/alert_keys.h"
#include "services/alerts/adapters/redis_alert_store.h"
#include "services/alerts/codec/plan_codec.h"

namespace sqms::alerts::adapters {
namespace {

// KEYS: 1 plan, 2 plans set. ARGV: 1 expected version, 2 config version,
// 3 config seed, 4 doc, 5 id. The version in force is
// domain::ChoosePlanSource's (domain/plan_source.h), worked out here so the
// check and the write are one step.
// Returns {"ok", version} | {"conflict", version in force}.
const runtime::LuaScript& PlanWriteScript() {
  static const runtime::LuaScript script(R"lua(
local stored = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
local config = tonumber(ARGV[2])
local current = stored
if stored == 0 then
  current = config
elseif config ~= 0 and redis.call('HGET', KEYS[1], 'seed') ~= ARGV[3] then
  current = stored + 1
end
if current ~= tonumber(ARGV[1]) then return {'conflict', current} end
current = current + 1
redis.call('HSET', KEYS[1], 'doc', ARGV[4], 'version', current, 'seed', ARGV[3])
redis.call('SADD', KEYS[2], ARGV[5])
return {'ok', current}
)lua");
  return script;
}

void Decode(const std::string& doc, ports::StoredPlan& out);

// The stored plan of `id` from its hash's fields (HGETALL).
ports::StoredPlan FromFields(const std::string& id, const runtime::RedisReply& reply) {
  std::map<std::string, std::string> fields;
  for (size_t i = 0; i + 1 < reply.elements.size(); i += 2) {
    fields[reply.elements[i].str] = reply.elements[i + 1].str;
  }
  ports::StoredPlan out;
  out.id = id;
  out.seed = fields["seed"];
  if (!absl::SimpleAtoi(fields["version"], &out.version)) {
    out.problem = absl::StrCat("version '", fields["version"], "' is not a number");
  }
  Decode(fields["doc"], out);
  out.plan.version = out.version;
  return out;
}

// out.plan from `doc` (sqms.alerts.v1.Plan bytes), or out.problem; out.id
// set. The plan's id is out.id either way.
void Decode(const std::string& doc, ports::StoredPlan& out) {
  ::sqms::alerts::v1::Plan encoded;
  absl::StatusOr<domain::Plan> plan = absl::InvalidArgumentError("not a sqms.alerts.v1.Plan");
  if (encoded.ParseFromString(doc)) plan = codec::PlanFromProto(encoded);
  if (!plan.ok() && out.problem.empty()) out.problem = std::string(plan.status().message());
  if (plan.ok() && plan->id != out.id && out.problem.empty()) {
    out.problem = absl::StrCat("the document is plan '", plan->id, "'");
  }
  if (out.problem.empty()) out.plan = *std::move(plan);
  out.plan.id = out.id;
}

}  // namespace

absl::StatusOr<std::vector<ports::StoredPlan>> RedisAlertStore::ListPlans() {
  auto ids = redis_.Command({"SMEMBERS", PlansKey()});
  if (!ids.ok()) return ids.status();
  std::vector<std::string> wanted;
  std::vector<runtime::RedisClient::Argv> commands;
  for (const runtime::RedisReply& e : ids->elements) {
    wanted.push_back(e.str);
    commands.push_back({"HGETALL", PlanKey(e.str)});
  }
  std::vector<ports::StoredPlan> out;
  auto replies = redis_.Pipeline(std::move(commands));
  for (size_t i = 0; i < replies.size() && i < wanted.size(); ++i) {
    if (!replies[i].ok()) return replies[i].status();
    if (replies[i]->elements.empty()) continue;  // listed, not (yet) written
    out.push_back(FromFields(wanted[i], *replies[i]));
  }
  std::sort(out.begin(), out.end(),
            [](const ports::StoredPlan& a, const ports::StoredPlan& b) { return a.id < b.id; });
  return out;
}

absl::StatusOr<ports::WriteOutcome> RedisAlertStore::WritePlan(ports::PlanWrite& w) {
  domain::Plan& plan = w.plan;
  plan.version = w.expected_version + 1;
  auto reply = redis_.Eval(
      PlanWriteScript(), {PlanKey(plan.id), PlansKey()},
      {std::to_string(w.expected_version), std::to_string(w.config_version), w.config_seed,
       codec::PlanToProto(plan).SerializeAsString(), plan.id});
  if (!reply.ok()) return reply.status();
  if (reply->elements.size() < 2) {
    return absl::InternalError(absl::StrCat("plan write: unexpected reply ", reply->str));
  }
  const std::string& tag = reply->elements[0].str;
  if (tag == "conflict") {
    w.current_version = reply->elements[1].integer;
    return ports::WriteOutcome::kConflict;
  }
  if (tag != "ok") return absl::InternalError(absl::StrCat("plan write: unexpected reply ", tag));
  plan.version = reply->elements[1].integer;
  return ports::WriteOutcome::kWritten;
}

absl::StatusOr<std::vector<ports::StoredPlan>> RedisAlertStore::ListKnownPlans() {
  auto reply = redis_.Command({"HGETALL", KnownPlansKey()});
  if (!reply.ok()) return reply.status();
  std::vector<ports::StoredPlan> out;
  for (size_t i = 0; i + 1 < reply->elements.size(); i += 2) {
    ports::StoredPlan known;
    known.id = reply->elements[i].str;
    Decode(reply->elements[i + 1].str, known);
    known.version = known.plan.version;
    out.push_back(std::move(known));
  }
  std::sort(out.begin(), out.end(),
            [](const ports::StoredPlan& a, const ports::StoredPlan& b) { return a.id < b.id; });
  return out;
}

absl::Status RedisAlertStore::PutKnownPlan(const domain::Plan& plan) {
  return redis_
      .Command({"HSET", KnownPlansKey(), plan.id, codec::PlanToProto(plan).SerializeAsString()})
      .status();
}

absl::Status RedisAlertStore::DropKnownPlan(const std::string& id) {
  return redis_.Command({"HDEL", KnownPlansKey(), id}).status();
}

}  // namespace sqms::alerts::adapters
