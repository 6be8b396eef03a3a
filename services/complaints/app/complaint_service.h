#pragma once
// The complaint use cases: validate → triage/transition in the domain →
// persist atomically with events and timers. Returns absl::Status codes the
// rpc layer maps 1:1 (INVALID_ARGUMENT with field violations, NOT_FOUND,
// FAILED_PRECONDITION, ABORTED, UNAVAILABLE). Thread-safe; every call but
// SubmitAsync may block on the store (call from worker threads, not gRPC
// callback threads, nor the store's I/O thread).

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "services/complaints/domain/lifecycle.h"
#include "services/complaints/domain/model.h"
#include "services/complaints/app/known_issues.h"
#include "services/complaints/app/triage_source.h"
#include "services/complaints/domain/triage.h"
#include "services/complaints/domain/validation.h"
#include "services/complaints/ports/complaint_repository.h"
#include "sqms/runtime/clock.h"

namespace sqms::complaints::app {

struct SubmitResult {
  domain::Complaint complaint;
  bool replayed = false;  // the idempotency key was seen before
};

// Business counters the service exports (set by main; may be empty).
struct ComplaintObserver {
  std::function<void(const domain::Complaint&)> submitted;
  std::function<void(const domain::Complaint&, domain::SlaTarget)> sla_breached;
  // An agent's reclassification: the category and priority before, and the
  // complaint after.
  std::function<void(domain::Category, domain::Priority, const domain::Complaint&)> reclassified;
  // Known issues: linked at submission; its hold ended by the resolution.
  std::function<void(const domain::Complaint&)> known_issue_linked;
  std::function<void(const domain::Complaint&)> known_issue_released;
};

class ComplaintService {
 public:
  // A submission's create attempts at most (a duplicate racing in first
  // costs one); with the idempotency reservation before them, each bounded
  // by the store's command timeout (KnownIssues::SettleFor).
  static constexpr int kMaxCreateAttempts = 3;

  // `pii_key` keys the HMAC of complainant identities (events, dedup).
  // `triage` is read once per call (its Current() snapshot).
  // `known_issues` (optional): new complaints matching an active incident
  // are linked to it (domain/known_issue.h); null: none are.
  ComplaintService(ports::ComplaintRepository& repository, const TriageSource& triage,
                   const runtime::Clock& clock, std::string pii_key,
                   ComplaintObserver observer = {}, domain::ValidationLimits limits = {},
                   KnownIssues* known_issues = nullptr);

  // `actor` is the authenticated subject. An idempotency key is scoped to
  // it: the same key and the same request replay the first complaint
  // (replayed=true); the same key with another request is
  // FAILED_PRECONDITION naming the key, with a violation on
  // "idempotency_key". Different subjects never share a key.
  // Submit is SubmitAsync plus a wait for its answer.
  absl::StatusOr<SubmitResult> Submit(const domain::Submission& submission,
                                      const std::string& actor);
  // The same use case without blocking (complaint_service_submit.cc): the
  // CPU steps (validation, triage, known-issue link, fingerprints, the new
  // id) run on the calling thread; the store's round trips (reservation,
  // create, the re-link of a duplicate that raced in, a replay's read)
  // continue as the store's callbacks (ports::ComplaintRepository), i.e.
  // on its I/O thread. `done` runs exactly once with what Submit returns:
  // on the calling thread before SubmitAsync returns when the submission
  // fails before the store is asked (or the store answers inline), else on
  // the store's I/O thread — so it must not block. The request id and
  // trace context current at the call are current again in every
  // continuation (the events written carry the trace) and in `done`.
  // `submission` and `actor` are read before SubmitAsync returns. The
  // service and its repository must outlive `done`: the caller keeps
  // track of pending submissions and waits for them before destroying
  // either (runtime::TrackedPool::Hold).
  using SubmitDone = std::function<void(absl::StatusOr<SubmitResult>)>;
  void SubmitAsync(const domain::Submission& submission, const std::string& actor,
                   SubmitDone done);
  absl::StatusOr<domain::Complaint> Get(const std::string& id);
  // What triage decides for `submission` with the rules in force; creates
  // nothing. INVALID_ARGUMENT when title and content are both empty.
  absl::StatusOr<domain::Assessment> ExplainTriage(const domain::Submission& submission,
                                                   std::string* normalized_text,
                                                   domain::SlaPolicy* policy) const;
  absl::StatusOr<ports::ListPage> List(const ports::ListQuery& query);

  // Runs a lifecycle command. expected_version 0 = no check (the command is
  // retried on a concurrent change); otherwise ABORTED when stale.
  // `command.now` is set here from the service's clock.
  // With `command.request_id`: the request id is recorded in the same
  // atomic write as the change (for the idempotency TTL); a retry of the
  // same request returns the complaint as the first call left it, writes
  // and publishes nothing, even when the complaint moved on since. The same
  // request id with another command (or other id, version, actor, payload)
  // is FAILED_PRECONDITION with a violation on "command.request_id".
  absl::StatusOr<domain::Complaint> Execute(const std::string& id, int64_t expected_version,
                                            domain::Command command);

  // The SLA timer handler (runtime::DurableTimers calls it for a due timer
  // whose id is the complaint id): fires the SLA moments due now. Returns
  // true when the complaint changed, false when there was nothing to do
  // (complaint gone, id not ours, state moved on, or another writer won
  // the version compare-and-set — whose write re-set the timer). Idempotent:
  // a second fire of the same moment finds it already marked and writes
  // nothing, so an at-least-once timer never double-reports a breach. An
  // error (e.g. UNAVAILABLE, DEADLINE_EXCEEDED) means "retry later": the
  // caller keeps the timer.
  absl::StatusOr<bool> FireTimer(const std::string& complaint_id);

  // Known issues (complaint_service_known_issues.cc). Applies one incident
  // change from sqms.incidents.v1: records it (KnownIssues::Record); when
  // the incident ended, ends the hold of every complaint linked to it
  // (domain::ReleaseKnownIssue), each in its own compare-and-set write with
  // its kIncidentResolved event. At least once is enough: a second call
  // finds nothing held. An error (UNAVAILABLE, …) means "retry the change".
  // FAILED_PRECONDITION without known_issues.
  absl::Status ApplyIncidentChange(const domain::IncidentChange& change);
  // Runs the same release for the incidents that left this replica's
  // snapshot a while ago (KnownIssues::TakeLeft): a complaint held through
  // a snapshot that still had its incident after the ending replica's scan.
  // Call it periodically (main: after each refresh). A failed release is
  // handed back and retried by a later call; the first error is returned.
  absl::Status ReleaseLeftIncidents();

 private:
  absl::Time Now() const;  // the clock, truncated to milliseconds
  // Each event gets its unique id (CloudEvents ce_id) before it is stored.
  static std::vector<ports::PendingEvent> WithIds(std::vector<domain::Event> events);
  std::string Fingerprint(const std::string& complainant_key, domain::Category category,
                          const std::string& station) const;
  // One submission on its way through the store (complaint_service_submit.cc).
  struct SubmitFlow;
  using Flow = std::shared_ptr<SubmitFlow>;
  // Creates the flow's record — linked to `flow->first` when a duplicate
  // raced in first — and goes on in OnCreated.
  void CreateAttempt(const Flow& flow);
  void OnCreated(const Flow& flow, absl::StatusOr<ports::CreateResult> result);
  // Answers the original complaint of a replayed submission.
  void Replay(const Flow& flow, const std::string& id);
  // Hands `result` to the flow's `done` (once; the flow lets go of it first).
  static void Finish(const Flow& flow, absl::StatusOr<SubmitResult> result);
  // Marks `record` a duplicate of `first`: duplicate_of, its audit entry and
  // a kDuplicateLinked event after kSubmitted.
  void LinkDuplicate(ports::NewComplaint& record, const std::string& first,
                     const std::string& actor, absl::Time now);
  std::string ComplainantKey(const domain::Complainant& complainant) const;
  // Ends the hold of complaint `id` for `incident_id`, retrying lost
  // compare-and-sets; OK also when there was nothing to do.
  absl::Status ReleaseOne(const std::string& id, const std::string& incident_id);
  // Releases every complaint held for `incident` (ReleaseOne each).
  absl::Status ReleaseLinked(const domain::ActiveIncident& incident);

  // Retries (complaint_service_retries.cc).
  // "" without a key; else the subject and key, unambiguously joined.
  static std::string IdempotencyScope(const std::string& subject, const std::string& key);
  // HMAC-SHA-256 (PII key) of a canonical request (request_fingerprint.h).
  std::string RequestFingerprint(const std::string& canonical) const;
  // What a Reserve of idempotency key `key` for a request with
  // `fingerprint` found: the complaint id to create (or replay);
  // FAILED_PRECONDITION when the key is bound to another request.
  static absl::StatusOr<std::string> KeyBinding(
      const absl::StatusOr<ports::IdempotencyReservation>& held, const std::string& fingerprint,
      const std::string& key);
  // The first outcome of `request_id` on `id` (nullopt: not recorded);
  // FAILED_PRECONDITION when it was another request.
  absl::StatusOr<std::optional<domain::Complaint>> FirstOutcome(
      const std::string& id, const std::string& request_id, const std::string& fingerprint);

  ports::ComplaintRepository& repository_;
  const TriageSource& triage_;
  const runtime::Clock& clock_;
  std::string pii_key_;
  ComplaintObserver observer_;
  domain::ValidationLimits limits_;
  KnownIssues* known_issues_;
};

}  // namespace sqms::complaints::app
