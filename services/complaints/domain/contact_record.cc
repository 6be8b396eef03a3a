#include "services/complaints/domain/contact_record.h"

#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "sqms/runtime/field_violation.h"

namespace sqms::complaints::domain {
namespace {

// The consultation a dispatch sends out, as the record knows it.
struct Consultation {
  std::optional<absl::Time> created_at;
  std::string agent;
  std::string category;
  std::optional<absl::Time> dispatched_at;
  bool operator==(const Consultation&) const = default;
};
Consultation ConsultationOf(const ContactRecord& r) {
  return {r.consultation_created_at, r.consultation_agent, r.consultation_category,
          r.consultation_dispatched_at};
}

// A dispatch is dated, and filed under the agent and category, of its
// consultation (CompleteContactEvent's contract).
void CompleteDispatch(const ContactRecord& record, ContactEvent& event,
                      std::vector<runtime::FieldViolation>& violations) {
  event.consultation_created_at = record.consultation_created_at;
  event.dispatched_by.clear();
  if (!record.consultation_created_at) return;
  // Who dispatched it may be another agent (a back office after a
  // transfer): kept, while the rate counts it under the consultation's.
  if (!event.agent.empty() && event.agent != record.consultation_agent) {
    event.dispatched_by = event.agent;
  }
  event.agent = record.consultation_agent;
  event.category = record.consultation_category;
  if (event.occurred_at < *record.consultation_created_at) {
    violations.push_back(
        {"occurred_at",
         absl::StrCat("is before its consultation's creation (",
                      absl::FormatTime(absl::RFC3339_sec, *record.consultation_created_at,
                                       absl::UTCTimeZone()),
                      ")")});
  }
}

// The events a contact has once. Another one (another event_id: a retry
// of the first is recognised by its event_id before CompleteContactEvent)
// would count twice: an outage's time in system reliability, a
// consultation in the one-time answer rate's denominator, or among those
// dispatched (the rate could fall below 0), a call among those offered or
// answered (the answer rate could pass 100 %), a rating in satisfaction.
struct OnceOnly {
  ContactKind kind;
  std::optional<absl::Time> ContactRecord::*recorded;
  const char* what;   // "this outage already ended"; nullptr: the call's outcome
  const char* event;  // its proto name
  const char* rule;
};
constexpr char kOneOutcome[] = "a call is answered or abandoned once";
// The outage's end and the consultation's events: recorded, and compared in
// the store, by rules of their own (Remember, AgreesWith).
constexpr OnceOnly kWithOwnRules[] = {
    {ContactKind::kOutageEnded, &ContactRecord::outage_ended_at, "this outage already ended",
     "outage_ended", "an outage ends once"},
    {ContactKind::kConsultationCreated, &ContactRecord::consultation_created_at,
     "this consultation was already created", "consultation_created",
     "a contact is one consultation"},
    {ContactKind::kConsultationDispatched, &ContactRecord::consultation_dispatched_at,
     "this consultation was already dispatched", "consultation_dispatched",
     "a consultation counts once"},
};
// The call's events and the survey: each fills its slot once, nothing more
// (OnceOnlySlot).
constexpr OnceOnly kPlain[] = {
    {ContactKind::kCallOffered, &ContactRecord::call_offered_at, "this call was already offered",
     "call_offered", "a call is offered once"},
    {ContactKind::kCallAnswered, &ContactRecord::call_outcome_at, nullptr, "call_answered",
     kOneOutcome},
    {ContactKind::kCallAbandoned, &ContactRecord::call_outcome_at, nullptr, "call_abandoned",
     kOneOutcome},
    {ContactKind::kCallEnded, &ContactRecord::call_ended_at, "this call already ended",
     "call_ended", "a call ends once"},
    {ContactKind::kSurveyAnswered, &ContactRecord::survey_answered_at,
     "this contact's survey was already answered", "survey_answered", "a contact is rated once"},
};

// The rule of `kind`'s events, nullptr for kinds that may repeat.
const OnceOnly* OnceOnlyOf(ContactKind kind) {
  for (std::span<const OnceOnly> table :
       {std::span<const OnceOnly>(kWithOwnRules), std::span<const OnceOnly>(kPlain)}) {
    for (const OnceOnly& once : table) {
      if (once.kind == kind) return &once;
    }
  }
  return nullptr;
}

// What the record holds of `once`'s event, for the refusal.
std::string Recorded(const OnceOnly& once, const ContactRecord& record) {
  if (once.what != nullptr) return once.what;
  return record.call_outcome == ContactKind::kCallAnswered ? "this call was already answered"
                                                           : "this call was already abandoned";
}

}  // namespace

absl::Status CompleteContactEvent(const ContactRecord& record, ContactEvent& event,
                                  const ContactLimits& limits) {
  if (const OnceOnly* once = OnceOnlyOf(event.kind); once && record.*once->recorded) {
    // Not the sender's input to fix: counted again, it would count twice.
    const std::string refused = absl::StrCat(
        Recorded(*once, record), " at ",
        absl::FormatTime(absl::RFC3339_sec, *(record.*once->recorded), absl::UTCTimeZone()),
        " (another ", once->event, "): ", once->rule);
    return runtime::WithFieldViolations(absl::FailedPreconditionError(refused),
                                        {{"contact_id", refused}});
  }
  if (event.kind == ContactKind::kOutageStarted && record.outage_started_at &&
      record.outage_platform != Platform::kUnspecified &&
      event.platform != record.outage_platform) {
    // Not a retry (that is recognised by its event_id before this) and not
    // the same outage: one outage, one platform, as for its end.
    const std::string started = absl::StrCat(
        "this outage already started on ", std::string(PlatformName(record.outage_platform)),
        " at ", absl::FormatTime(absl::RFC3339_sec, *record.outage_started_at, absl::UTCTimeZone()),
        " (another outage_started, on ", std::string(PlatformName(event.platform)),
        "): one outage, one platform");
    return runtime::WithFieldViolations(absl::FailedPreconditionError(started),
                                        {{"contact_id", started}});
  }
  std::vector<runtime::FieldViolation> violations;
  for (const ContactDimension& d : kContactDimensions) {
    const std::string& known = record.*d.record;
    std::string& sent = event.*d.event;
    if (known.empty()) continue;
    if (sent.empty()) {
      sent = known;
    } else if (sent != known) {
      violations.push_back({d.field, absl::StrCat("differs from this contact's earlier events (\"",
                                                  known, "\"): one contact, one ", d.field)});
    }
  }
  if (event.kind == ContactKind::kOutageEnded) {
    if (record.outage_platform != Platform::kUnspecified &&
        event.platform != record.outage_platform) {
      violations.push_back({"outage_ended.platform",
                            "differs from the platform of the outage's start: one outage, one "
                            "platform"});
    }
    if (record.outage_started_at) {
      const absl::Duration lasted = event.occurred_at - *record.outage_started_at;
      // Durations are whole seconds, at least 1: an end less than a second
      // after the start would be published as a 0 s outage.
      if (lasted < absl::Seconds(1)) {
        violations.push_back({"occurred_at", "must be at least 1 s after the outage's start"});
      } else if (lasted > limits.max_outage) {
        violations.push_back({"outage_ended.outage_seconds",
                              "the outage since its recorded start is too long"});
      } else {
        event.outage_seconds = absl::ToInt64Seconds(lasted);
      }
    } else if (!event.outage_seconds) {
      violations.push_back({"outage_ended.outage_seconds",
                            "is required: no outage_started of this contact_id is known"});
    }
  }
  if (event.kind == ContactKind::kConsultationDispatched) {
    CompleteDispatch(record, event, violations);
  }
  // An outcome is dated by its call's offer (the metrics service counts it
  // in the offer's windows): whole seconds of wait cannot place it there.
  const bool outcome =
      event.kind == ContactKind::kCallAnswered || event.kind == ContactKind::kCallAbandoned;
  event.call_offered_at = outcome ? record.call_offered_at : std::nullopt;
  // An end says whether its call was answered: an abandoned call's end is
  // no handled call (average handle time divides by answered calls).
  event.call_outcome = event.kind == ContactKind::kCallEnded && record.call_outcome_at
                           ? record.call_outcome
                           : ContactKind::kUnspecified;
  return runtime::InvalidArgument(std::move(violations));
}

std::optional<absl::Time> ContactRecord::*OnceOnlySlot(ContactKind kind) {
  for (const OnceOnly& once : kPlain) {
    if (once.kind == kind) return once.recorded;
  }
  return nullptr;
}

bool AgreesWith(const ContactEvent& event, const ContactRecord& basis,
                const ContactRecord& stored) {
  for (const ContactDimension& d : kContactDimensions) {
    const std::string& known = stored.*d.record;
    if (!known.empty() && known != event.*d.event) return false;
  }
  // A call's outcome is completed from its offer, its end from its outcome
  // (CompleteContactEvent): what it was completed from must still be stored.
  const bool outcome =
      event.kind == ContactKind::kCallAnswered || event.kind == ContactKind::kCallAbandoned;
  if (outcome && basis.call_offered_at != stored.call_offered_at) return false;
  if (event.kind == ContactKind::kCallEnded && basis.call_outcome != stored.call_outcome) {
    return false;
  }
  if (auto slot = OnceOnlySlot(event.kind)) return !(stored.*slot).has_value();
  if (event.kind == ContactKind::kConsultationCreated) {
    return !stored.consultation_created_at;  // created once (CompleteContactEvent)
  }
  if (event.kind == ContactKind::kOutageStarted) {
    return stored.outage_platform == Platform::kUnspecified ||
           stored.outage_platform == event.platform;
  }
  if (event.kind == ContactKind::kConsultationDispatched) {
    return ConsultationOf(basis) == ConsultationOf(stored);
  }
  return event.kind != ContactKind::kOutageEnded ||
         (basis.outage_started_at == stored.outage_started_at &&
          basis.outage_platform == stored.outage_platform &&
          basis.outage_ended_at == stored.outage_ended_at);
}

void Remember(const ContactEvent& event, ContactRecord& record) {
  for (const ContactDimension& d : kContactDimensions) {
    std::string& known = record.*d.record;
    if (known.empty()) known = event.*d.event;
  }
  if (event.kind == ContactKind::kOutageStarted && !record.outage_started_at) {
    record.outage_started_at = event.occurred_at;
    record.outage_platform = event.platform;
  }
  if (event.kind == ContactKind::kOutageEnded && !record.outage_ended_at) {
    record.outage_ended_at = event.occurred_at;
  }
  if (event.kind == ContactKind::kConsultationCreated && !record.consultation_created_at) {
    record.consultation_created_at = event.occurred_at;
    record.consultation_agent = event.agent;
    record.consultation_category = event.category;
  }
  if (event.kind == ContactKind::kConsultationDispatched && !record.consultation_dispatched_at) {
    record.consultation_dispatched_at = event.occurred_at;
  }
  if (auto slot = OnceOnlySlot(event.kind); slot && !(record.*slot)) {
    record.*slot = event.occurred_at;
    if (slot == &ContactRecord::call_outcome_at) record.call_outcome = event.kind;
  }
}

}  // namespace sqms::complaints::domain
