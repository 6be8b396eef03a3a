#include "services/complaints/adapters/redis_contact_event_store.h"

#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/complaints/adapters/redis_scripts.h"
#include "services/complaints/codec/contact_codec.h"
#include "sqms/runtime/trace_context.h"

namespace sqms::complaints::adapters {
namespace {

using domain::ContactRecord;

// The script's record fields: ch dept reg stn line (domain::kContactDimensions
// order) and os, from `elements[first]` on.
absl::StatusOr<ContactRecord> ParseRecord(const std::vector<runtime::RedisReply>& elements,
                                          size_t first) {
  constexpr size_t kDimensions = std::size(domain::kContactDimensions);
  if (elements.size() != first + kDimensions + 1) {
    return absl::InternalError("redis contact script: malformed record");
  }
  ContactRecord record;
  for (size_t i = 0; i < kDimensions; ++i) {
    record.*domain::kContactDimensions[i].record = elements[first + i].str;
  }
  const std::string& started = elements[first + kDimensions].str;
  if (!started.empty()) {
    int64_t ms = 0;
    if (!absl::SimpleAtoi(started, &ms)) {
      return absl::InternalError("redis contact script: malformed outage start");
    }
    record.outage_started_at = absl::FromUnixMillis(ms);
  }
  return record;
}

std::string Millis(absl::Time t) { return std::to_string(absl::ToUnixMillis(t)); }

}  // namespace

RedisContactEventStore::RedisContactEventStore(runtime::RedisClient& redis, const RedisKeys& keys,
                                               std::string contact_topic, absl::Duration ttl,
                                               std::function<void()> on_commit)
    : redis_(redis), keys_(keys), topic_(std::move(contact_topic)), ttl_(ttl),
      on_commit_(std::move(on_commit)) {}

absl::StatusOr<ports::ContactLookup> RedisContactEventStore::Load(const std::string& contact_id,
                                                                  const std::string& event_id) {
  const int shard = keys_.ShardOfSeed(contact_id);
  auto reply = redis_.Eval(scripts::LoadContact(),
                           {keys_.ContactSeen(shard, event_id), keys_.Contact(shard, contact_id)},
                           {});
  if (!reply.ok()) return reply.status();
  if (reply->type != runtime::RedisReply::Type::kArray || reply->elements.empty()) {
    return absl::InternalError(absl::StrCat("redis contact load script: ", reply->str));
  }
  absl::StatusOr<ContactRecord> record = ParseRecord(reply->elements, 1);
  if (!record.ok()) return record.status();
  return ports::ContactLookup{reply->elements[0].integer == 1, *std::move(record)};
}

absl::StatusOr<ports::AppendOutcome> RedisContactEventStore::Append(
    const domain::ContactEvent& event, const ContactRecord& basis) {
  const int shard = keys_.ShardOfSeed(event.contact_id);
  std::vector<std::string> argv = {
      std::to_string(absl::ToInt64Milliseconds(ttl_)), topic_, event.contact_id, event.event_id,
      codec::ContactEventType(event.kind), Millis(event.occurred_at),
      codec::EncodeContactEvent(event), runtime::CurrentTraceContext().Traceparent(),
      runtime::CurrentTraceContext().tracestate};
  for (const domain::ContactDimension& d : domain::kContactDimensions) {
    argv.push_back(event.*d.event);
  }
  // The outage start the duration was computed from must still be the one
  // stored; only outage ends depend on it.
  std::string outage_basis;
  if (event.kind == domain::ContactKind::kOutageEnded) {
    outage_basis = basis.outage_started_at ? Millis(*basis.outage_started_at) : "none";
  }
  argv.push_back(std::move(outage_basis));
  argv.push_back(event.kind == domain::ContactKind::kOutageStarted ? Millis(event.occurred_at)
                                                                   : "");
  auto reply = redis_.Eval(scripts::AppendContactEvent(),
                           {keys_.ContactSeen(shard, event.event_id), keys_.Outbox(shard),
                            keys_.Contact(shard, event.contact_id)},
                           std::move(argv));
  if (!reply.ok()) return reply.status();
  if (reply->type != runtime::RedisReply::Type::kArray || reply->elements.empty()) {
    return absl::InternalError(absl::StrCat("redis contact script: ", reply->str));
  }
  const std::string& result = reply->elements[0].str;
  if (result == "appended") {
    if (on_commit_) on_commit_();
    return ports::AppendOutcome{ports::AppendResult::kAppended, {}};
  }
  if (result == "seen") return ports::AppendOutcome{ports::AppendResult::kDuplicate, {}};
  if (result != "stale") return absl::InternalError("redis contact script: unknown result " + result);
  absl::StatusOr<ContactRecord> current = ParseRecord(reply->elements, 1);
  if (!current.ok()) return current.status();
  return ports::AppendOutcome{ports::AppendResult::kStale, *std::move(current)};
}

}  // namespace sqms::complaints::adapters
