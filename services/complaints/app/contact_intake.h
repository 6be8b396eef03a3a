#pragma once
// Contact-event intake (requirements.md §2): validate → complete from the
// contact's record (one set of dimensions per contact, outage durations) →
// encode (personal data masked) → append to the durable outbox, which relays
// to Kafka topic sqms.contact.v1. Idempotent on the event id.

#include <string>

#include "absl/status/statusor.h"
#include "services/complaints/app/triage_source.h"
#include "services/complaints/domain/contact_event.h"
#include "services/complaints/ports/contact_event_store.h"
#include "sqms/runtime/clock.h"

namespace sqms::complaints::app {

struct ContactAccepted {
  std::string event_id;   // as sent, or made by the server
  bool duplicate = false; // the event id was seen before: acknowledged, not re-published
};

class ContactIntake {
 public:
  // `store`, `clock` and `triage` must outlive this object. `pii_key` keys
  // the events' fingerprints (an HMAC, as the complaints' request
  // fingerprints: a stored one does not let anyone test guesses of what an
  // event said). `triage` holds the departments an event may name.
  ContactIntake(ports::ContactEventStore& store, const runtime::Clock& clock, std::string pii_key,
                const TriageSource& triage, domain::ContactLimits limits = {});

  // INVALID_ARGUMENT (field violations) for a bad event — nothing stored:
  // domain::ValidateContactEvent's checks, a department that is not one of
  // the triage config's departments (domain::CheckListedDepartment; the
  // metrics service would count it under "other"), then
  // domain::CompleteContactEvent's against the contact's record (a
  // dimension differing from the contact's earlier events; an outage end
  // with neither a known start nor outage_seconds, less than 1 s after its
  // start, or on another platform; a consultation dispatch with another
  // agent or category than its recorded consultation's, or dated before
  // it).
  // FAILED_PRECONDITION naming "contact_id" for a second outage end of one
  // contact (an outage ends once), and for an outage start on another
  // platform than the contact's recorded start — nothing stored. A later
  // event inherits the dimensions it omits; an outage end gets its duration
  // from the recorded start when there is one; a consultation dispatch gets
  // its consultation's creation time, agent and category when its
  // consultation_created is recorded.
  // A retried event id is acknowledged (duplicate) without these record
  // checks — when it is the same event: the id is kept with a fingerprint
  // of the event as sent (domain::CanonicalContactEvent), and an event id
  // reused for a different event is FAILED_PRECONDITION naming "event_id"
  // (nothing stored; a new event needs a new id) — also when it names
  // another contact: the id is bound to its contact first
  // (ports::ContactEventStore::BindEventId; released again when the event
  // is refused, so a corrected event may reuse it). Ids stored before
  // fingerprints were kept are acknowledged as before. UNAVAILABLE when the store is down (retry
  // with the returned/same event_id); ABORTED when the contact's record changed under every attempt
  // (concurrent writers of one contact; retry). An empty event_id gets one
  // derived from the event (runtime::EventIdFromDigest of its keyed
  // fingerprint's digest): a retry of an event sent
  // without an id is recognised as its first attempt, and two events alike
  // in every field are one. One store round trip when the event
  // agrees with what is stored, plus the binding of a sent event id; more
  // when it omits what the record knows (a dispatch of a recorded
  // consultation always: it is completed from it).
  // Thread-safe; blocks on the store (call from worker threads, not gRPC
  // callback threads).
  absl::StatusOr<ContactAccepted> Accept(domain::ContactEvent event);

 private:
  // FAILED_PRECONDITION naming "event_id": used for a different event.
  static absl::Status ReusedEventId(const std::string& event_id);
  // A duplicate of `event_id` stored with `stored` (a fingerprint, "" =
  // unknown): acknowledged when it is the event fingerprinted `sent`.
  static absl::StatusOr<ContactAccepted> Duplicate(std::string event_id, const std::string& sent,
                                                   const std::string& stored);

  ports::ContactEventStore& store_;
  const runtime::Clock& clock_;
  const std::string pii_key_;
  const TriageSource& triage_;
  domain::ContactLimits limits_;
};

}  // namespace sqms::complaints::app
