#pragma once
// What the gateway remembers of one contact (call, consultation, outage)
// between its events, and how an event is completed from it: one call, one
// set of dimensions (the KPIs count every event of a call under the same
// department, station, region, channel and line), an outage's duration
// computed from its recorded start, and a consultation's dispatch dated,
// and filed under the agent and category, of its consultation. Pure.

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "services/complaints/domain/contact_event.h"

namespace sqms::complaints::domain {

struct ContactRecord {
  // The first non-empty value any event of the contact gave; "" = none yet.
  std::string department;
  std::string station;
  std::string region;
  std::string channel;
  std::string line;
  // occurred_at of the contact's first outage_started.
  std::optional<absl::Time> outage_started_at;
  // The platform of that start; kUnspecified when none is recorded (also a
  // start recorded before platforms were kept: then any platform agrees).
  Platform outage_platform = Platform::kUnspecified;
  // occurred_at of the contact's accepted outage_ended: an outage ends once,
  // or the reliability KPI counts its time twice.
  std::optional<absl::Time> outage_ended_at;
  // occurred_at, agent and category of the contact's first
  // consultation_created (all three or none: a creation carries both): the
  // one-time answer rate counts a dispatch in its consultation's windows,
  // under its agent and category.
  std::optional<absl::Time> consultation_created_at;
  std::string consultation_agent;
  std::string consultation_category;
  // occurred_at of the contact's accepted consultation_dispatched: a
  // consultation counts once among those dispatched as work orders.
  std::optional<absl::Time> consultation_dispatched_at;
  // occurred_at of the call's accepted call_offered, of its outcome
  // (call_answered or call_abandoned: `call_outcome` says which) and of its
  // call_ended, and of the contact's survey_answered: each counts once in
  // its KPIs (answer and abandonment rates, handle time, satisfaction).
  std::optional<absl::Time> call_offered_at;
  std::optional<absl::Time> call_outcome_at;
  ContactKind call_outcome = ContactKind::kUnspecified;
  std::optional<absl::Time> call_ended_at;
  std::optional<absl::Time> survey_answered_at;

  bool operator==(const ContactRecord&) const = default;
};

// The dimensions one contact shares, as (proto field name, event member,
// record member), in proto field order.
struct ContactDimension {
  const char* field;
  std::string ContactEvent::*event;
  std::string ContactRecord::*record;
};
inline constexpr ContactDimension kContactDimensions[] = {
    {"channel", &ContactEvent::channel, &ContactRecord::channel},
    {"department", &ContactEvent::department, &ContactRecord::department},
    {"region", &ContactEvent::region, &ContactRecord::region},
    {"station", &ContactEvent::station, &ContactRecord::station},
    {"line", &ContactEvent::line, &ContactRecord::line},
};

// Completes a validated `event` from its contact's `record`:
// - each dimension the event omits is filled from the record;
// - a dimension the event sends that differs from the record's non-empty
//   value is refused: INVALID_ARGUMENT naming the field ("department", ...)
//   — a call is counted under one unit, and which of two values is right is
//   the sender's to say;
// - outage_ended of an outage whose end is recorded already: FAILED_PRECONDITION
//   naming "contact_id", checked first (a retry of that end is recognised by
//   its event_id before this, see ports::ContactEventStore);
// - consultation_created of a contact whose creation is recorded already:
//   FAILED_PRECONDITION naming "contact_id" (the denominator would count it
//   twice), checked first too; likewise consultation_dispatched of one whose
//   dispatch is recorded (the numerator would, and the rate go below 0);
// - call_offered, call_answered or call_abandoned (one outcome: either),
//   call_ended and survey_answered of a contact that has that event
//   recorded already (OnceOnlySlot): FAILED_PRECONDITION naming
//   "contact_id", checked first too — a second answer would put the answer
//   rate above 100 %, a second survey count one caller's rating twice;
// - outage_started of an outage whose start is recorded on another platform:
//   FAILED_PRECONDITION naming "contact_id" ("this outage already started on
//   PLATFORM_… at …"), checked first too; another start on the recorded
//   platform (or on any, when the start's platform is not recorded) is
//   accepted and changes nothing (the first start wins, Remember);
// - outage_ended: outage_seconds = occurred_at − the recorded start (whole
//   seconds), replacing what was sent; INVALID_ARGUMENT "occurred_at" when
//   the end is less than 1 s after the start (durations are 1 s..max_outage),
//   "outage_ended.platform" when it differs from the recorded start's,
//   "outage_ended.outage_seconds" when the result exceeds limits.max_outage
//   or when no start is recorded and none was sent;
// - call_answered, call_abandoned: call_offered_at = the recorded offer
//   (nullopt when none is recorded: then the metrics service dates the
//   outcome by its wait_seconds); for every other kind nullopt;
// - call_ended: call_outcome = the recorded outcome (kCallAnswered or
//   kCallAbandoned; kUnspecified when none is recorded); for every other
//   kind kUnspecified;
// - consultation_dispatched: consultation_created_at = the recorded
//   creation (nullopt when none is recorded: then the dispatch is published
//   as sent, and the metrics service counts it at its own time); with a
//   recorded creation, agent and category are its consultation's (the
//   one-time answer rate by agent or category divides each unit's
//   dispatches by its consultations), and an agent sent that is not the
//   consultation's is kept as dispatched_by (else dispatched_by is empty);
//   an occurred_at before the creation: INVALID_ARGUMENT "occurred_at".
// On error `event` is unspecified. Pure and thread-safe.
absl::Status CompleteContactEvent(const ContactRecord& record, ContactEvent& event,
                                  const ContactLimits& limits = {});

// Whether a completed `event` may be appended on top of `stored`: each of its
// dimensions equals the stored one, or none is stored (an empty one only when
// none is stored); for outage_ended, `stored`'s outage (start, platform,
// end) is the one it was completed from (`basis`); for
// consultation_dispatched, `stored`'s consultation (creation, agent,
// category, dispatch) is `basis`'s, none included; for
// consultation_created, no creation is stored; for call_answered and
// call_abandoned, `stored`'s offer is `basis`'s (none included), and for
// call_ended its outcome (what CompleteContactEvent stamped them with); for
// the kinds of OnceOnlySlot, none of that kind is stored; for outage_started, no start is stored on
// another platform (CompleteContactEvent refuses these two once the caller re-completes from
// `stored`). The store's compare-and-set rule.
bool AgreesWith(const ContactEvent& event, const ContactRecord& basis,
                const ContactRecord& stored);

// The record's slot a `kind` of call or survey event fills once (both
// outcomes share one: a call is answered or abandoned), nullptr for the
// other kinds (the outage and consultation events have rules of their own).
std::optional<absl::Time> ContactRecord::*OnceOnlySlot(ContactKind kind);

// `record` after `event` was appended: dimensions not yet known are taken
// from the event; an outage_started records its time and platform unless a
// start is recorded already (the first start wins); an outage_ended records
// its time; a consultation_created records its time, agent and category
// unless a creation is recorded already (the first creation wins); an
// event of OnceOnlySlot records its time (and an outcome its kind) unless
// its slot is filled.
void Remember(const ContactEvent& event, ContactRecord& record);

}  // namespace sqms::complaints::domain
