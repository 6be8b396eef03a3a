#pragma once
// A call-center contact event (requirements.md §2: the KPIs are computed from
// these) and its input checks. Pure: no protobuf; the codec maps
// sqms.events.v1.ContactEvent to and from this struct.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace sqms::complaints::domain {

// Which `kind` the event carries (the proto oneof, in field order).
enum class ContactKind {
  kUnspecified, kCallOffered, kCallAnswered, kCallAbandoned, kCallEnded,
  kConsultationCreated, kConsultationDispatched, kSurveyAnswered, kOutageStarted, kOutageEnded
};

// Mirrors sqms.events.v1.Platform by value.
enum class Platform { kUnspecified, kCallPlatform, kBackboneNetwork, kBusinessSupport,
                      kRegionalSystem };
inline constexpr int kPlatformMax = 4;

// "call_offered", "call_answered", ... ("unspecified" out of range): the
// suffix of the CloudEvents type "sqms.contact.v1.<name>".
std::string_view ContactKindName(ContactKind kind);
// The proto enum value name: "PLATFORM_BACKBONE_NETWORK", ...
// ("PLATFORM_UNSPECIFIED" out of range).
std::string_view PlatformName(Platform platform);

struct ContactEvent {
  std::string event_id;       // "" = the server makes one
  std::string contact_id;     // required: call / consultation / outage id
  absl::Time occurred_at = absl::InfinitePast();  // InfinitePast = unset
  // The contact's dimensions (see contact_record.h: one set per contact).
  std::string channel;
  std::string department;     // a department id ("ticketing-center"), never a display name
  std::string region;
  std::string station;
  std::string line;           // line / route
  std::string agent;          // required for consultation_created
  // Required for consultation_created; a consultation_dispatched gets both
  // from its consultation (contact_record.h).
  std::string category;
  bool drill = false;         // an event of a drill: passed through unchanged
  ContactKind kind = ContactKind::kUnspecified;
  // Payload of `kind`; only the fields of that kind are meaningful.
  std::string queue;                       // call_offered
  std::optional<int64_t> wait_seconds;     // call_answered, call_abandoned: required
  // call_answered, call_abandoned: when the call was offered, set by
  // CompleteContactEvent from the contact's record (never from the
  // sender); nullopt when the record knows no call_offered.
  std::optional<absl::Time> call_offered_at;
  std::optional<int64_t> handle_seconds;   // call_ended: required
  bool resolved_first_contact = false;     // call_ended
  bool dispatched_work_order = false;      // call_ended
  // call_ended: the call's recorded outcome (kCallAnswered, kCallAbandoned;
  // kUnspecified when none is recorded), set by CompleteContactEvent from
  // the contact's record (never from the sender).
  ContactKind call_outcome = ContactKind::kUnspecified;
  std::string topic;                       // consultation_created
  std::string work_order_id;               // consultation_dispatched
  // consultation_dispatched: when its consultation was created, set by
  // CompleteContactEvent from the contact's record (never from the sender);
  // nullopt when the record knows no consultation_created.
  std::optional<absl::Time> consultation_created_at;
  // consultation_dispatched: the agent it was sent with when that is not
  // its consultation's (CompleteContactEvent files it under the
  // consultation's); never from the sender's dispatched_by.
  std::string dispatched_by;
  // survey_answered: each answer present only when asked and answered.
  std::optional<bool> unsatisfied;         // 95598 definition
  std::optional<int> csat;                 // 1..5
  std::optional<int> nps;                  // 0..10
  std::map<std::string, int> csi;          // CSI dimension id → score 1..5
  std::string comment;                     // masked before publishing
  Platform platform = Platform::kUnspecified;  // outage_started, outage_ended
  std::string description;                 // outage_started
  // outage_ended: as sent (0 on the wire = not sent); CompleteContactEvent
  // computes it from the contact's recorded outage start when it knows it.
  std::optional<int64_t> outage_seconds;
};

struct ContactLimits {
  size_t max_id = 128;            // event_id, contact_id, work_order_id
  size_t max_short_field = 128;   // channel, agent, region, station, line, ...
  size_t max_department = 64;     // department id
  size_t max_csi_key = 32;        // CSI dimension id
  size_t max_csi = 16;            // CSI dimensions per survey
  size_t max_text = 2000;         // comment, description
  absl::Duration max_past = absl::Hours(24 * 30);
  absl::Duration max_future_skew = absl::Minutes(5);
  absl::Duration max_duration = absl::Hours(24);  // waits, handles
  absl::Duration max_outage = absl::Hours(24 * 30);
};

// OK, or INVALID_ARGUMENT carrying one runtime::FieldViolation per bad field
// (proto paths: "contact_id", "occurred_at", "department",
// "call_answered.wait_seconds", "survey_answered.csat",
// "survey_answered.csi[attitude]", "outage_started.platform", "kind", ...).
// Checks what the event says by itself (what depends on the contact's
// earlier events is CompleteContactEvent's, contact_record.h):
// - kind set; contact_id required; ids ≤ max_id; occurred_at set and within
//   [now - max_past, now + max_future_skew];
// - department, when given, a department id (validation.h, IsDepartmentId);
// - waits (call_answered, call_abandoned) and handle times (call_ended)
//   present and in [0, max_duration];
// - consultation_created: category and agent present;
// - survey_answered: csat 1..5, nps 0..10 when present; csi at most max_csi
//   entries (else "survey_answered.csi"), each key of the form
//   [a-z0-9][a-z0-9_-]* within max_csi_key (else "survey_answered.csi") and
//   each score 1..5 (else "survey_answered.csi[<key>]"); at least one of
//   unsatisfied, csat, nps, csi present (else "survey_answered");
// - outage_seconds, when sent, in [1, max_outage]; platform set for outages;
// - every string valid UTF-8 and within its limit (code points).
// Pure and thread-safe.
absl::Status ValidateContactEvent(const ContactEvent& event, absl::Time now,
                                  const ContactLimits& limits = {});

}  // namespace sqms::complaints::domain
