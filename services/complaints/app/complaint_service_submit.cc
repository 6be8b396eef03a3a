// ComplaintService's intake: SubmitAsync as a chain of continuations on the
// store's callbacks, and Submit as a wait for it (one implementation).
#include <algorithm>
#include <memory>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/complaints/app/complaint_service.h"
#include "services/complaints/domain/request_fingerprint.h"
#include "sqms/runtime/await.h"
#include "sqms/runtime/call_context.h"
#include "sqms/runtime/ids.h"

namespace sqms::complaints::app {

// What the continuations of one submission share. Each holds a reference
// (Flow); the last one to finish frees it.
struct ComplaintService::SubmitFlow {
  ports::NewComplaint record;                 // unlinked, for a retry
  std::optional<ports::NewComplaint> linked;  // the attempt linked to `first`
  std::string first;                          // "" = not a duplicate (yet)
  std::string actor;
  absl::Time now;
  int attempts = 0;
  runtime::CallContext context;  // of the call that submitted
  SubmitDone done;
};

absl::StatusOr<SubmitResult> ComplaintService::Submit(const domain::Submission& submission,
                                                      const std::string& actor) {
  return runtime::Await<absl::StatusOr<SubmitResult>>(
      [&](SubmitDone done) { SubmitAsync(submission, actor, std::move(done)); });
}

void ComplaintService::SubmitAsync(const domain::Submission& submission,
                                   const std::string& actor, SubmitDone done) {
  const absl::Time now = Now();
  if (auto s = domain::ValidateSubmission(submission, now, limits_); !s.ok()) return done(s);

  const std::shared_ptr<const domain::Triage> triage = triage_.Current();
  domain::Created created = domain::CreateComplaint(submission, "", actor, now, *triage);
  if (known_issues_ != nullptr) {
    if (auto incident = known_issues_->Match(created.complaint)) {
      domain::LinkKnownIssue(created.complaint, *incident, actor, now, created.events);
    }
  }
  const std::string complainant_key = ComplainantKey(submission.complainant);
  const std::string fingerprint =
      Fingerprint(complainant_key, created.complaint.category, submission.location.station);
  const std::string scope = IdempotencyScope(actor, submission.idempotency_key);
  const std::string seed = ports::ComplaintRepository::ShardSeed(fingerprint, scope);

  auto flow = std::make_shared<SubmitFlow>();
  flow->actor = actor;
  flow->now = now;
  flow->context = runtime::CallContext::Current();
  flow->done = std::move(done);
  // The whole record before the store is asked: the reservation may only
  // change its id.
  ports::NewComplaint& record = flow->record;
  record.complaint = std::move(created.complaint);
  record.complaint.id = repository_.NewId(seed, now);
  for (auto& entry : record.complaint.audit) entry.version = record.complaint.version;
  record.events = WithIds(std::move(created.events));
  record.timers = domain::PendingTimers(record.complaint);
  record.complainant_key = complainant_key;
  record.fingerprint = fingerprint;
  record.duplicate_window = triage->config().duplicate_window;
  if (scope.empty()) {
    // No read first: the create script checks the duplicate atomically and
    // says so; a duplicate costs one more round trip.
    CreateAttempt(flow);
    return;
  }
  // An idempotency key is reserved first, in its own slot, then the
  // complaint is created under the id it is bound to.
  record.idempotency_scope = scope;
  std::string request = RequestFingerprint(domain::CanonicalSubmission(submission));
  const std::string proposed_id = record.complaint.id;
  repository_.ReserveAsync(
      scope, request, proposed_id, triage->config().idempotency_ttl,
      [this, flow, request, key = submission.idempotency_key](
          absl::StatusOr<ports::IdempotencyReservation> held) {
        runtime::ScopedCallContext scoped(flow->context);
        absl::StatusOr<std::string> id = KeyBinding(held, request, key);
        if (!id.ok()) return Finish(flow, id.status());
        flow->record.complaint.id = *std::move(id);
        CreateAttempt(flow);
      });
}

void ComplaintService::CreateAttempt(const Flow& flow) {
  if (flow->attempts++ == kMaxCreateAttempts) {
    return Finish(flow, absl::AbortedError("submission kept racing with duplicates; retry"));
  }
  // Only a duplicate pays for a copy: `record` stays unlinked for a retry.
  flow->linked.reset();
  if (!flow->first.empty()) {
    flow->linked = flow->record;
    LinkDuplicate(*flow->linked, flow->first, flow->actor, flow->now);
  }
  ports::NewComplaint& attempt = flow->linked ? *flow->linked : flow->record;
  attempt.expected_first = flow->first;
  repository_.CreateAsync(attempt, [this, flow](absl::StatusOr<ports::CreateResult> result) {
    runtime::ScopedCallContext scoped(flow->context);
    OnCreated(flow, std::move(result));
  });
}

void ComplaintService::OnCreated(const Flow& flow, absl::StatusOr<ports::CreateResult> result) {
  if (!result.ok()) return Finish(flow, result.status());
  switch (result->outcome) {
    case ports::CreateOutcome::kCreated: {
      ports::NewComplaint& created = flow->linked ? *flow->linked : flow->record;
      if (observer_.submitted) observer_.submitted(created.complaint);
      if (created.complaint.known_issue && observer_.known_issue_linked) {
        observer_.known_issue_linked(created.complaint);
      }
      return Finish(flow, SubmitResult{std::move(created.complaint), false});
    }
    case ports::CreateOutcome::kReplayed:
      return Replay(flow, result->id);
    case ports::CreateOutcome::kDuplicateRaced:
      flow->first = result->first_duplicate_id;
      return CreateAttempt(flow);
  }
  Finish(flow, absl::InternalError("unknown create outcome"));
}

void ComplaintService::Replay(const Flow& flow, const std::string& id) {
  repository_.GetAsync(id, /*with_audit=*/false,
                       [flow](absl::StatusOr<domain::Complaint> original) {
                         if (!original.ok()) return Finish(flow, original.status());
                         Finish(flow, SubmitResult{*std::move(original), true});
                       });
}

void ComplaintService::Finish(const Flow& flow, absl::StatusOr<SubmitResult> result) {
  // The caller may release the service as soon as `done` ran: nothing of it
  // is touched after, and `done` is moved out so it goes with this frame.
  SubmitDone done = std::move(flow->done);
  runtime::ScopedCallContext scoped(flow->context);
  done(std::move(result));
}

void ComplaintService::LinkDuplicate(ports::NewComplaint& record, const std::string& first,
                                     const std::string& actor, absl::Time now) {
  domain::Complaint& c = record.complaint;
  c.duplicate_of = first;
  const std::string note = absl::StrCat("duplicate of ", first);
  domain::Event linked{domain::EventType::kDuplicateLinked, now, actor, c.status, c.status,
                       domain::SlaTarget::kUnspecified, note};
  // One change, one version, one audit entry (docs/api.md): the link is
  // part of the submission, so the submit entry of this version says it —
  // the submit entry itself, not the last one: a known-issue link
  // (incident_linked, same version) keeps its own note.
  auto submit = std::find_if(c.audit.begin(), c.audit.end(), [&](const domain::AuditEntry& e) {
    return e.action == "submit" && e.version == c.version;
  });
  if (submit != c.audit.end()) {
    submit->note = note;
  } else {
    c.audit.push_back({now, actor, "duplicate_linked", c.status, c.status, note, c.version});
  }
  record.events.push_back({runtime::NewEventId(), std::move(linked)});
}

}  // namespace sqms::complaints::app
