#include "services/complaints/adapters/redis_complaint_repository.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "services/complaints/adapters/redis_list_page.h"
#include "services/complaints/adapters/redis_scripts.h"
#include "services/complaints/codec/complaint_codec.h"
#include "sqms/runtime/trace_context.h"

namespace sqms::complaints::adapters {
namespace {

using runtime::RedisReply;

std::string Ms(absl::Time t) { return std::to_string(absl::ToUnixMillis(t)); }
std::string Int(int v) { return std::to_string(v); }

// A script's reply as strings: {"created", id} etc.
absl::StatusOr<std::vector<std::string>> Strings(absl::StatusOr<RedisReply> reply) {
  if (!reply.ok()) return reply.status();
  if (reply->type == RedisReply::Type::kError) {
    return runtime::RedisErrorStatus(*reply, "redis script");
  }
  std::vector<std::string> out;
  for (const auto& e : reply->elements) out.push_back(e.str);
  if (out.empty()) return absl::InternalError("redis script: empty reply");
  return out;
}

}  // namespace

RedisComplaintRepository::RedisComplaintRepository(runtime::RedisClient& redis,
                                                   const RedisKeys& keys,
                                                   std::string complaints_topic,
                                                   std::function<void()> on_commit)
    : redis_(redis), keys_(keys), topic_(std::move(complaints_topic)),
      on_commit_(std::move(on_commit)) {}

std::string RedisComplaintRepository::NewId(const std::string& seed, absl::Time now) {
  return keys_.NewId(keys_.ShardOfSeed(seed), now);
}

codec::pb::Complaint RedisComplaintRepository::AppendFields(const domain::Complaint& c,
                                                            const std::string& complainant_key,
                                                            std::vector<std::string>& args) const {
  codec::pb::Complaint stored = codec::StoredProto(c);
  args.push_back(std::to_string(c.version));
  args.push_back(stored.SerializeAsString());
  args.push_back(Int(static_cast<int>(c.status)));
  args.push_back(Int(static_cast<int>(c.category)));
  args.push_back(Int(static_cast<int>(c.priority)));
  args.push_back(c.department);
  args.push_back(Int(static_cast<int>(c.channel)));
  args.push_back(c.location.region);
  args.push_back(c.location.station);
  args.push_back(c.sla.AnyBreached() ? "1" : "0");
  args.push_back(Ms(c.received_at));
  args.push_back(complainant_key);
  args.push_back(c.known_issue ? c.known_issue->incident_id : "");
  return stored;
}

void RedisComplaintRepository::AppendTail(const domain::Complaint& c, codec::pb::Complaint stored,
                                          int64_t since_version,
                                          const std::vector<domain::SlaTimer>& timers,
                                          const std::vector<ports::PendingEvent>& events,
                                          const std::string& complainant_key,
                                          std::vector<std::string>& args) const {
  std::vector<const domain::AuditEntry*> audit;
  for (const auto& entry : c.audit) {
    if (entry.version > since_version) audit.push_back(&entry);
  }
  args.push_back(std::to_string(audit.size()));
  // Only the next moment is stored: when it fires, the app computes the
  // one after from the domain and stores that.
  auto next = std::min_element(timers.begin(), timers.end(),
                               [](const auto& a, const auto& b) { return a.at < b.at; });
  args.push_back(next == timers.end() ? "" : Ms(next->at));
  const std::optional<absl::Time> due = domain::NextDue(c);
  args.push_back(due ? Ms(*due) : "");
  args.push_back(std::to_string(events.size()));
  for (const auto* entry : audit) args.push_back(codec::EncodeAudit(*entry));
  // The request that caused the events (none for timer-fired ones).
  const runtime::TraceContext& trace = runtime::CurrentTraceContext();
  const std::string traceparent = trace.Traceparent();
  for (size_t i = 0; i < events.size(); ++i) {
    const ports::PendingEvent& e = events[i];
    args.push_back(topic_);
    args.push_back(c.id);
    args.push_back(e.event_id);
    args.push_back(codec::CloudEventType(e.event.type));
    args.push_back(Ms(e.event.at));
    // The last event takes the record's proto; any before it, a copy.
    args.push_back(codec::EncodeEvent(i + 1 == events.size() ? std::move(stored) : stored, e,
                                      complainant_key));
    args.push_back(traceparent);
    args.push_back(trace.tracestate);
  }
}

void RedisComplaintRepository::CreateAsync(const ports::NewComplaint& record,
                                           ports::Done<ports::CreateResult> done) {
  const domain::Complaint& c = record.complaint;
  auto shard = keys_.ShardOfId(c.id);
  if (!shard.ok()) {
    done(shard.status());
    return;
  }
  const std::vector<std::string> keys = {
      keys_.Complaint(*shard, c.id), keys_.Audit(*shard, c.id),
      keys_.Dedup(*shard, record.fingerprint), keys_.Received(*shard),
      keys_.Timers(*shard), keys_.Outbox(*shard), keys_.Counts(*shard), keys_.Due(*shard)};
  std::vector<std::string> args = {c.id};
  codec::pb::Complaint stored = AppendFields(c, record.complainant_key, args);
  args.push_back(record.idempotency_scope.empty() ? ""
                                                  : keys_.Idempotency(record.idempotency_scope));
  args.push_back(record.fingerprint.empty() ? "0" : "1");
  args.push_back(std::to_string(absl::ToInt64Milliseconds(record.duplicate_window)));
  args.push_back(record.expected_first);
  AppendTail(c, std::move(stored), 0, record.timers, record.events, record.complainant_key, args);

  redis_.EvalAsync(
      scripts::CreateComplaint(), keys, args,
      [this, id = c.id, done = std::move(done)](absl::StatusOr<RedisReply> answer) {
        auto reply = Strings(std::move(answer));
        if (!reply.ok()) return done(reply.status());
        const std::string& outcome = (*reply)[0];
        std::string value = reply->size() > 1 ? (*reply)[1] : "";
        if (outcome == "created") {
          if (on_commit_) on_commit_();
          return done(ports::CreateResult{ports::CreateOutcome::kCreated, id, ""});
        }
        if (outcome == "replayed") {
          return done(ports::CreateResult{ports::CreateOutcome::kReplayed, std::move(value), ""});
        }
        if (outcome == "raced") {
          return done(
              ports::CreateResult{ports::CreateOutcome::kDuplicateRaced, "", std::move(value)});
        }
        // An id collision (1 in 32^10 per shard and day): the caller retries.
        done(absl::AbortedError(absl::StrCat("complaint id collision on ", id, "; retry")));
      });
}

namespace {

// The record (and audit trail) of GetAsync, decoded.
absl::StatusOr<domain::Complaint> DecodeComplaint(const std::string& id,
                                                  const absl::StatusOr<RedisReply>& record,
                                                  const absl::StatusOr<RedisReply>* audit) {
  if (!record.ok()) return record.status();
  if (audit != nullptr && !audit->ok()) return audit->status();
  if (record->IsNil()) return absl::NotFoundError(absl::StrCat("complaint ", id, " not found"));
  auto complaint = codec::DecodeStored(record->str);
  if (!complaint.ok()) return complaint.status();
  if (audit != nullptr) {
    for (const auto& element : (*audit)->elements) {
      auto entry = codec::DecodeAudit(element.str);
      if (!entry.ok()) return entry.status();
      complaint->audit.push_back(*std::move(entry));
    }
  }
  return complaint;
}

}  // namespace

void RedisComplaintRepository::GetAsync(const std::string& id, bool with_audit,
                                        ports::Done<domain::Complaint> done) {
  auto shard = keys_.ShardOfId(id);
  if (!shard.ok()) {
    done(shard.status());
    return;
  }
  if (!with_audit) {
    redis_.CommandAsync({"HGET", keys_.Complaint(*shard, id), "pb"},
                        [id, done = std::move(done)](absl::StatusOr<RedisReply> record) {
                          done(DecodeComplaint(id, record, nullptr));
                        });
    return;
  }
  // Both commands go out with the same pipeline; whichever reply comes
  // second answers (under the mutex, so the first one's write is seen).
  struct Join {
    absl::Mutex mu;
    std::optional<absl::StatusOr<RedisReply>> record ABSL_GUARDED_BY(mu);
    std::optional<absl::StatusOr<RedisReply>> audit ABSL_GUARDED_BY(mu);
    std::string id;
    ports::Done<domain::Complaint> done;
  };
  auto join = std::make_shared<Join>();
  join->id = id;
  join->done = std::move(done);
  auto arrived = [join](absl::StatusOr<RedisReply> reply, bool is_record) {
    absl::StatusOr<domain::Complaint> result;
    {
      absl::MutexLock lock(&join->mu);
      (is_record ? join->record : join->audit) = std::move(reply);
      if (!join->record || !join->audit) return;
      result = DecodeComplaint(join->id, *join->record, &*join->audit);
    }
    join->done(std::move(result));
  };
  redis_.CommandAsync({"HGET", keys_.Complaint(*shard, id), "pb"},
                      [arrived](absl::StatusOr<RedisReply> reply) {
                        arrived(std::move(reply), /*is_record=*/true);
                      });
  redis_.CommandAsync({"LRANGE", keys_.Audit(*shard, id), "0", "-1"},
                      [arrived](absl::StatusOr<RedisReply> reply) {
                        arrived(std::move(reply), /*is_record=*/false);
                      });
}

absl::StatusOr<bool> RedisComplaintRepository::Update(const ports::ComplaintUpdate& update) {
  const domain::Complaint& c = update.complaint;
  auto shard = keys_.ShardOfId(c.id);
  if (!shard.ok()) return shard.status();
  const std::vector<std::string> keys = {keys_.Complaint(*shard, c.id), keys_.Audit(*shard, c.id),
                                         keys_.Timers(*shard), keys_.Outbox(*shard),
                                         keys_.Requests(*shard, c.id), keys_.Counts(*shard),
                                         keys_.Due(*shard)};
  std::vector<std::string> args = {c.id, std::to_string(update.expected_version)};
  codec::pb::Complaint stored = AppendFields(c, update.complainant_key, args);
  AppendTail(c, std::move(stored), update.expected_version, update.timers, update.events,
             update.complainant_key, args);
  args.push_back(update.request_id);
  args.push_back(update.request_fingerprint);
  args.push_back(std::to_string(
      std::max<int64_t>(1, absl::ToInt64Milliseconds(update.request_ttl))));
  auto reply = Strings(redis_.Eval(scripts::UpdateComplaint(), keys, args));
  if (!reply.ok()) return reply.status();
  if ((*reply)[0] == "ok") {
    if (on_commit_) on_commit_();
    return true;
  }
  // 'replayed': the request id is recorded (the caller reads FindRequest).
  if ((*reply)[0] == "missing") return absl::NotFoundError(absl::StrCat("complaint ", c.id, " not found"));
  return false;
}

void RedisComplaintRepository::ReserveAsync(const std::string& scope,
                                            const std::string& request_fingerprint,
                                            const std::string& complaint_id, absl::Duration ttl,
                                            ports::Done<ports::IdempotencyReservation> done) {
  // One command on the key's own slot: set it unless held, and say what is
  // held. "<fingerprint>\t<complaint id>".
  std::string value = absl::StrCat(request_fingerprint, "\t", complaint_id);
  redis_.CommandAsync(
      {"SET", keys_.Idempotency(scope), std::move(value), "NX", "GET", "PX",
       std::to_string(std::max<int64_t>(1, absl::ToInt64Milliseconds(ttl)))},
      [request_fingerprint, complaint_id,
       done = std::move(done)](absl::StatusOr<RedisReply> reply) {
        if (!reply.ok()) return done(reply.status());
        if (reply->type == RedisReply::Type::kError) {
          return done(runtime::RedisErrorStatus(*reply, "idempotency reservation"));
        }
        if (reply->IsNil()) {
          return done(ports::IdempotencyReservation{request_fingerprint, complaint_id, true});
        }
        std::pair<std::string, std::string> held =
            absl::StrSplit(reply->str, absl::MaxSplits('\t', 1));
        done(ports::IdempotencyReservation{std::move(held.first), std::move(held.second), false});
      });
}

absl::StatusOr<std::optional<ports::RecordedRequest>> RedisComplaintRepository::FindRequest(
    const std::string& id, const std::string& request_id) {
  auto shard = keys_.ShardOfId(id);
  if (!shard.ok()) return shard.status();
  auto reply = redis_.Command({"HGET", keys_.Requests(*shard, id), request_id});
  if (!reply.ok()) return reply.status();
  if (reply->IsNil()) return std::nullopt;
  // "<fingerprint>\n<stored record>"
  const size_t cut = reply->str.find('\n');
  if (cut == std::string::npos) return absl::InternalError("redis: malformed request record");
  auto complaint = codec::DecodeStored(reply->str.substr(cut + 1));
  if (!complaint.ok()) return complaint.status();
  return ports::RecordedRequest{reply->str.substr(0, cut), *std::move(complaint)};
}

absl::StatusOr<ports::ListPage> RedisComplaintRepository::List(const ports::ListQuery& query) {
  return ListAcrossShards(redis_, keys_, query);
}

absl::StatusOr<ports::StatusCounts> RedisComplaintRepository::CountByStatusAndPriority() {
  std::vector<std::vector<std::string>> commands;
  for (int shard = 0; shard < keys_.shards(); ++shard) {
    commands.push_back({"HGETALL", keys_.Counts(shard)});
  }
  ports::StatusCounts counts;
  for (const absl::StatusOr<RedisReply>& answer : redis_.Pipeline(std::move(commands))) {
    if (!answer.ok()) return answer.status();
    const RedisReply& reply = *answer;
    if (reply.type == RedisReply::Type::kError) {
      return runtime::RedisErrorStatus(reply, "status counts");
    }
    for (size_t i = 0; i + 1 < reply.elements.size(); i += 2) {
      // "<status>:<priority>" → count, as the scripts write them.
      std::pair<std::string, std::string> pair =
          absl::StrSplit(reply.elements[i].str, absl::MaxSplits(':', 1));
      int status = 0, priority = 0;
      int64_t count = 0;
      if (!absl::SimpleAtoi(pair.first, &status) || !absl::SimpleAtoi(pair.second, &priority) ||
          !absl::SimpleAtoi(reply.elements[i + 1].str, &count)) {
        return absl::InternalError(absl::StrCat("redis: malformed count ",
                                                reply.elements[i].str));
      }
      counts[{static_cast<domain::Status>(status), static_cast<domain::Priority>(priority)}] +=
          count;
    }
  }
  return counts;
}

}  // namespace sqms::complaints::adapters
