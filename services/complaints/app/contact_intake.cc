#include "services/complaints/app/contact_intake.h"

#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/complaints/domain/contact_record.h"
#include "services/complaints/domain/request_fingerprint.h"
#include "services/complaints/domain/validation.h"
#include "sqms/runtime/field_violation.h"
#include "sqms/runtime/hmac.h"
#include "sqms/runtime/ids.h"

namespace sqms::complaints::app {
namespace {

// Appends of one contact race only across streams or replicas; a record
// that changes this often under one event is a client bug, not contention.
constexpr int kMaxAttempts = 4;

// Hex digits of the HMAC kept per event id (128 bits): one per event for
// `idempotency.ttl`, so short, and still never alike by chance.
constexpr size_t kFingerprintHex = 32;

}  // namespace

ContactIntake::ContactIntake(ports::ContactEventStore& store, const runtime::Clock& clock,
                             std::string pii_key, const TriageSource& triage,
                             domain::ContactLimits limits)
    : store_(store),
      clock_(clock),
      pii_key_(std::move(pii_key)),
      triage_(triage),
      limits_(std::move(limits)) {}

absl::Status ContactIntake::ReusedEventId(const std::string& event_id) {
  return runtime::WithFieldViolations(
      absl::FailedPreconditionError(absl::StrCat(
          "event_id \"", event_id,
          "\" was already used for a different event; a retry must resend the same event, "
          "a new event needs a new event_id")),
      {{"event_id", "already used for a different event"}});
}

absl::StatusOr<ContactAccepted> ContactIntake::Duplicate(std::string event_id,
                                                         const std::string& sent,
                                                         const std::string& stored) {
  if (!stored.empty() && stored != sent) return ReusedEventId(event_id);
  return ContactAccepted{std::move(event_id), true};
}

absl::StatusOr<ContactAccepted> ContactIntake::Accept(domain::ContactEvent event) {
  absl::Status valid = domain::ValidateContactEvent(event, clock_.Now(), limits_);
  if (!valid.ok()) return valid;
  const std::shared_ptr<const domain::Triage> triage = triage_.Current();
  std::vector<runtime::FieldViolation> unlisted;
  domain::CheckListedDepartment(unlisted, "department", event.department, *triage);
  const bool id_sent = !event.event_id.empty();
  // Of the event as sent (every field but event_id): completion below fills
  // in what the contact's record knows, which may have changed by the time
  // a retry comes.
  const std::string digest = runtime::HmacSha256Hex(
      pii_key_, absl::StrCat("contact-event|", domain::CanonicalContactEvent(event)));
  const std::string fingerprint = digest.substr(0, kFingerprintHex);
  // A sender without ids retries after a timeout with the same event and
  // no id: a random id would publish it twice. Derived from the event, the
  // retry gets the id of its first attempt and is acknowledged as it.
  if (!id_sent) event.event_id = runtime::EventIdFromDigest(digest);
  if (!unlisted.empty()) {
    // A retry of an event accepted before its department left the list is
    // acknowledged like any retry: its first outcome stands. Anything else
    // (or a store that cannot say) is refused, and nothing is written.
    absl::StatusOr<ports::ContactLookup> lookup = store_.Load(event.contact_id, event.event_id);
    if (lookup.ok() && lookup->seen) {
      return Duplicate(std::move(event.event_id), fingerprint, lookup->fingerprint);
    }
    return runtime::InvalidArgument(std::move(unlisted));
  }

  // The seen marker lives in the contact's shard: a retry that changed its
  // contact id would find none there and be appended a second time. The
  // event id's own binding to its contact catches it first.
  bool bound_here = false;
  if (id_sent) {
    absl::StatusOr<ports::EventIdBinding> binding =
        store_.BindEventId(event.event_id, event.contact_id);
    if (!binding.ok()) return binding.status();
    if (binding->contact_id != event.contact_id) return ReusedEventId(event.event_id);
    bound_here = binding->created;
  }
  // A refused event wrote nothing; neither does its binding stay, so the
  // sender may correct it and resend it under its id (best effort: else it
  // expires with the TTL).
  auto refused = [&](absl::Status status) {
    if (bound_here) store_.ReleaseEventId(event.event_id, event.contact_id).IgnoreError();
    return status;
  };

  // First assume nothing is stored: most events agree with their contact's
  // record (they send every dimension), and then one round trip does it —
  // except a call's outcome and end, which carry what the record knows of
  // the call (its offer's time, its outcome: CompleteContactEvent) and so
  // are completed from the stored record; an offer or outcome recorded
  // meanwhile makes the append stale, and the event is completed again.
  domain::ContactRecord basis;
  bool known = false;
  const bool stamped_from_record = event.kind == domain::ContactKind::kCallAnswered ||
                                   event.kind == domain::ContactKind::kCallAbandoned ||
                                   event.kind == domain::ContactKind::kCallEnded;
  // kMaxAttempts appends; reading the record is no attempt.
  for (int appends = 0; appends < kMaxAttempts;) {
    domain::ContactEvent complete = event;
    absl::Status completed = absl::OkStatus();
    if (known || !stamped_from_record) {
      completed = domain::CompleteContactEvent(basis, complete, limits_);
      // A switch knows the queue, not the department: an offer still without
      // one — neither sent nor on the contact's record — takes its queue's
      // (config departments[].queues), and the call's later events inherit
      // it from the record. The record's wins: the CRM may have named it first.
      if (completed.ok() && complete.kind == domain::ContactKind::kCallOffered &&
          complete.department.empty()) {
        if (const std::string* department = triage->DepartmentOfQueue(complete.queue)) {
          complete.department = *department;
        }
      }
      if (!completed.ok() && known) return refused(completed);
    }
    if (!known && (stamped_from_record || !completed.ok())) {
      // Not judged yet, or judged against an assumed record: read the real
      // one (and whether this is a retry, which is acknowledged whatever the
      // record says).
      absl::StatusOr<ports::ContactLookup> lookup = store_.Load(event.contact_id, event.event_id);
      if (!lookup.ok()) return lookup.status();
      if (lookup->seen) return Duplicate(std::move(event.event_id), fingerprint, lookup->fingerprint);
      basis = std::move(lookup->record);
      known = true;
      continue;
    }
    ++appends;
    absl::StatusOr<ports::AppendOutcome> outcome = store_.Append(complete, basis, fingerprint);
    if (!outcome.ok()) return outcome.status();
    switch (outcome->result) {
      case ports::AppendResult::kAppended:
        return ContactAccepted{std::move(event.event_id), false};
      case ports::AppendResult::kDuplicate:
        return Duplicate(std::move(event.event_id), fingerprint, outcome->fingerprint);
      case ports::AppendResult::kStale:
        basis = std::move(outcome->current);
        known = true;
        break;
    }
  }
  return refused(
      absl::AbortedError("the contact's record changed during every attempt; retry the event"));
}

}  // namespace sqms::complaints::app
