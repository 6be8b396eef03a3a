#include "services/complaints/adapters/redis_contact_event_store.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/complaints/adapters/redis_scripts.h"
#include "services/complaints/codec/contact_codec.h"
#include "sqms/runtime/trace_context.h"

namespace sqms::complaints::adapters {
namespace {

using domain::ContactRecord;

// An optional time stored as unix ms ("" = none).
absl::Status ParseMillis(const std::string& text, std::optional<absl::Time>& out) {
  if (text.empty()) return absl::OkStatus();
  int64_t ms = 0;
  if (!absl::SimpleAtoi(text, &ms)) {
    return absl::InternalError("redis contact script: malformed record time");
  }
  out = absl::FromUnixMillis(ms);
  return absl::OkStatus();
}

// The script's record fields: ch dept reg stn line (domain::kContactDimensions
// order), os op oe, cc cag ccat cd, co cx ck cn sv, from `elements[first]` on.
absl::StatusOr<ContactRecord> ParseRecord(const std::vector<runtime::RedisReply>& elements,
                                          size_t first) {
  constexpr size_t kDimensions = std::size(domain::kContactDimensions);
  if (elements.size() != first + kDimensions + 12) {
    return absl::InternalError("redis contact script: malformed record");
  }
  ContactRecord record;
  for (size_t i = 0; i < kDimensions; ++i) {
    record.*domain::kContactDimensions[i].record = elements[first + i].str;
  }
  const size_t outage = first + kDimensions;
  if (absl::Status s = ParseMillis(elements[outage].str, record.outage_started_at); !s.ok()) {
    return s;
  }
  const std::string& platform = elements[outage + 1].str;
  int number = 0;
  if (!platform.empty()) {
    if (!absl::SimpleAtoi(platform, &number) || number < 0 || number > domain::kPlatformMax) {
      return absl::InternalError("redis contact script: malformed outage platform");
    }
    record.outage_platform = static_cast<domain::Platform>(number);
  }
  if (absl::Status s = ParseMillis(elements[outage + 2].str, record.outage_ended_at); !s.ok()) {
    return s;
  }
  const size_t consultation = outage + 3;
  if (absl::Status s = ParseMillis(elements[consultation].str, record.consultation_created_at);
      !s.ok()) {
    return s;
  }
  record.consultation_agent = elements[consultation + 1].str;
  record.consultation_category = elements[consultation + 2].str;
  if (absl::Status s =
          ParseMillis(elements[consultation + 3].str, record.consultation_dispatched_at);
      !s.ok()) {
    return s;
  }
  const size_t call = consultation + 4;
  for (auto [at, i] : {std::pair{&ContactRecord::call_offered_at, call},
                       std::pair{&ContactRecord::call_outcome_at, call + 1},
                       std::pair{&ContactRecord::call_ended_at, call + 3},
                       std::pair{&ContactRecord::survey_answered_at, call + 4}}) {
    if (absl::Status s = ParseMillis(elements[i].str, record.*at); !s.ok()) return s;
  }
  if (const std::string& kind = elements[call + 2].str; !kind.empty()) {
    if (!absl::SimpleAtoi(kind, &number) ||
        (number != static_cast<int>(domain::ContactKind::kCallAnswered) &&
         number != static_cast<int>(domain::ContactKind::kCallAbandoned))) {
      return absl::InternalError("redis contact script: malformed call outcome");
    }
    record.call_outcome = static_cast<domain::ContactKind>(number);
  }
  return record;
}

// The record's hash field of an event counted once (domain::OnceOnlySlot),
// "" for the other kinds.
std::string OnceOnlyField(domain::ContactKind kind) {
  const auto slot = domain::OnceOnlySlot(kind);
  if (slot == &ContactRecord::call_offered_at) return "co";
  if (slot == &ContactRecord::call_outcome_at) return "cx";
  if (slot == &ContactRecord::call_ended_at) return "cn";
  if (slot == &ContactRecord::survey_answered_at) return "sv";
  return "";
}

// The fingerprint a "seen" marker holds: "" for a marker written before
// fingerprints were kept ("1").
std::string SeenFingerprint(const std::string& marker) { return marker == "1" ? "" : marker; }

std::string Millis(absl::Time t) { return std::to_string(absl::ToUnixMillis(t)); }
std::string Millis(const std::optional<absl::Time>& t) { return t ? Millis(*t) : ""; }
// A platform as stored: its enum number, "" when unspecified.
std::string PlatformText(domain::Platform p) {
  return p == domain::Platform::kUnspecified ? "" : std::to_string(static_cast<int>(p));
}

// The outage an outage end was completed from, as the script compares it:
// "os/op/oe", each "" when none (ParseRecord's inverse).
std::string OutageBasis(const ContactRecord& basis) {
  return absl::StrCat(Millis(basis.outage_started_at), "/", PlatformText(basis.outage_platform),
                      "/", Millis(basis.outage_ended_at));
}

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
  const std::string& seen = reply->elements[0].str;
  return ports::ContactLookup{!seen.empty(), SeenFingerprint(seen), *std::move(record)};
}

absl::StatusOr<ports::AppendOutcome> RedisContactEventStore::Append(
    const domain::ContactEvent& event, const ContactRecord& basis, const std::string& fingerprint) {
  const int shard = keys_.ShardOfSeed(event.contact_id);
  std::vector<std::string> argv = {
      std::to_string(absl::ToInt64Milliseconds(ttl_)), topic_, event.contact_id, event.event_id,
      codec::ContactEventType(event.kind), Millis(event.occurred_at),
      codec::EncodeContactEvent(event), runtime::CurrentTraceContext().Traceparent(),
      runtime::CurrentTraceContext().tracestate};
  for (const domain::ContactDimension& d : domain::kContactDimensions) {
    argv.push_back(event.*d.event);
  }
  // The outage the end was completed from (its duration, platform and
  // "not ended yet") must still be the one stored; only outage ends depend
  // on it.
  const bool starts = event.kind == domain::ContactKind::kOutageStarted;
  const bool ends = event.kind == domain::ContactKind::kOutageEnded;
  argv.push_back(ends ? OutageBasis(basis) : "");
  argv.push_back(starts ? Millis(event.occurred_at) : "");
  argv.push_back(starts ? PlatformText(event.platform) : "");
  argv.push_back(ends ? Millis(event.occurred_at) : "");
  // An empty fingerprint is stored as an old marker: unknown.
  argv.push_back(fingerprint.empty() ? "1" : fingerprint);
  // A dispatch was completed from its consultation as the basis recorded it
  // (or from none), which must still be the one stored; a creation records
  // its consultation unless one is recorded.
  const bool dispatches = event.kind == domain::ContactKind::kConsultationDispatched;
  const bool creates = event.kind == domain::ContactKind::kConsultationCreated;
  argv.push_back(dispatches ? "1" : "");
  argv.push_back(dispatches ? Millis(basis.consultation_created_at) : "");
  argv.push_back(dispatches ? basis.consultation_agent : "");
  argv.push_back(dispatches ? basis.consultation_category : "");
  argv.push_back(creates ? Millis(event.occurred_at) : "");
  argv.push_back(creates ? event.agent : "");
  argv.push_back(creates ? event.category : "");
  argv.push_back(dispatches ? Millis(basis.consultation_dispatched_at) : "");
  argv.push_back(dispatches ? Millis(event.occurred_at) : "");
  // A call's offer, outcome and end and a survey are recorded once.
  const std::string once = OnceOnlyField(event.kind);
  const bool outcome = domain::OnceOnlySlot(event.kind) == &ContactRecord::call_outcome_at;
  argv.push_back(once);
  argv.push_back(once.empty() ? "" : Millis(event.occurred_at));
  argv.push_back(outcome ? std::to_string(static_cast<int>(event.kind)) : "");
  // An outcome was completed from the call's offer, an end from its
  // outcome (domain::AgreesWith): that one, or none, must still be stored.
  const bool ends_call = event.kind == domain::ContactKind::kCallEnded;
  argv.push_back(outcome ? "co" : ends_call ? "ck" : "");
  argv.push_back(outcome ? Millis(basis.call_offered_at)
                 : ends_call && basis.call_outcome != domain::ContactKind::kUnspecified
                     ? std::to_string(static_cast<int>(basis.call_outcome))
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
    return ports::AppendOutcome{ports::AppendResult::kAppended, {}, ""};
  }
  if (result == "seen") {
    return ports::AppendOutcome{ports::AppendResult::kDuplicate, {},
                                SeenFingerprint(reply->elements.size() > 1 ? reply->elements[1].str
                                                                           : "")};
  }
  if (result != "stale") return absl::InternalError("redis contact script: unknown result " + result);
  absl::StatusOr<ContactRecord> current = ParseRecord(reply->elements, 1);
  if (!current.ok()) return current.status();
  return ports::AppendOutcome{ports::AppendResult::kStale, *std::move(current), ""};
}

absl::StatusOr<ports::EventIdBinding> RedisContactEventStore::BindEventId(
    const std::string& event_id, const std::string& contact_id) {
  auto reply =
      redis_.Command({"SET", keys_.ContactEventBinding(event_id), contact_id, "NX", "GET", "PX",
                      std::to_string(std::max<int64_t>(1, absl::ToInt64Milliseconds(ttl_)))});
  if (!reply.ok()) return reply.status();
  if (reply->type == runtime::RedisReply::Type::kError) {
    return runtime::RedisErrorStatus(*reply, "event id binding");
  }
  if (reply->IsNil()) return ports::EventIdBinding{contact_id, true};
  return ports::EventIdBinding{reply->str, false};
}

absl::Status RedisContactEventStore::ReleaseEventId(const std::string& event_id,
                                                    const std::string& contact_id) {
  auto reply = redis_.Eval(scripts::ReleaseContactEventId(), {keys_.ContactEventBinding(event_id)},
                           {contact_id});
  return reply.ok() ? absl::OkStatus() : reply.status();
}

}  // namespace sqms::complaints::adapters
