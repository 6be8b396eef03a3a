#pragma once
// Durable intake of call-center contact events: appended to the outbox with
// idempotency on the event id, relayed to Kafka topic sqms.contact.v1, and
// the contact's record (domain::ContactRecord: its dimensions, an outage's
// start, platform and end, a consultation's creation, agent and category)
// kept beside it in the same atomic write.

#include <string>

#include "absl/status/statusor.h"
#include "services/complaints/domain/contact_event.h"
#include "services/complaints/domain/contact_record.h"

namespace sqms::complaints::ports {

struct ContactLookup {
  bool seen = false;              // the event id was appended before (within the TTL)
  // When seen: the fingerprint it was appended with ("" when unknown: an
  // event appended before fingerprints were kept).
  std::string fingerprint;
  domain::ContactRecord record;   // empty when none is stored (new contact, or expired)
};

enum class AppendResult {
  kAppended,   // appended now, the record updated
  kDuplicate,  // the event id was seen before: nothing written
  kStale,      // the record disagrees with the event: nothing written; see `current`
};

// What BindEventId found.
struct EventIdBinding {
  std::string contact_id;  // the contact the event id is bound to
  bool created = false;    // bound by this call (it was free)
};

struct AppendOutcome {
  AppendResult result = AppendResult::kAppended;
  domain::ContactRecord current;  // kStale: the record as stored now
  std::string fingerprint;        // kDuplicate: as ContactLookup::fingerprint
};

class ContactEventStore {
 public:
  virtual ~ContactEventStore() = default;

  // Whether `event_id` was seen (and its fingerprint), and the record of
  // `contact_id`.
  // UNAVAILABLE / DEADLINE_EXCEEDED when the store is down or slow.
  // Thread-safe.
  virtual absl::StatusOr<ContactLookup> Load(const std::string& contact_id,
                                             const std::string& event_id) = 0;

  // Appends a validated, completed event whose event_id is set, keyed by its
  // contact id, in one atomic step; `fingerprint` (of the event as sent,
  // app::ContactIntake) is kept with the event id:
  // 1. event id seen before (within the TTL) → kDuplicate, with the
  //    fingerprint it was appended with;
  // 2. !domain::AgreesWith(event, basis, stored record) → kStale with the
  //    stored record (the caller completes the event again from it);
  // 3. else the event goes to the outbox, the record becomes
  //    domain::Remember(event, record) and its TTL is renewed → kAppended.
  // `basis` is the record the event was completed from. How the event is
  // encoded on the topic is the adapter's business. UNAVAILABLE when the
  // store is down. Thread-safe.
  virtual absl::StatusOr<AppendOutcome> Append(const domain::ContactEvent& event,
                                               const domain::ContactRecord& basis,
                                               const std::string& fingerprint) = 0;

  // Binds `event_id` to `contact_id` for the TTL unless it is bound already,
  // in one atomic step, wherever the contacts' records live: returns the
  // contact it is bound to (`contact_id` and created=true when it was
  // free). Append's seen marker lives with the contact (one atomic write
  // with its record and outbox), so only this binding recognises a retry
  // that changed its contact id as another event; without it that retry
  // would be appended again under another contact. UNAVAILABLE /
  // DEADLINE_EXCEEDED when the store is down or slow. Thread-safe.
  virtual absl::StatusOr<EventIdBinding> BindEventId(const std::string& event_id,
                                                     const std::string& contact_id) = 0;

  // Undoes BindEventId(event_id, contact_id) when the event was refused and
  // nothing was appended, so that the sender may correct it and resend it
  // under its id: deletes the binding only when it is still to
  // `contact_id`. Thread-safe.
  virtual absl::Status ReleaseEventId(const std::string& event_id,
                                      const std::string& contact_id) = 0;
};

}  // namespace sqms::complaints::ports
