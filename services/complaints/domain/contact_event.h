#pragma once
// A call-center contact event (requirements.md §2: the KPIs are computed from
// these) and its input checks. Pure: no protobuf; the codec maps
// sqms.events.v1.ContactEvent to and from this struct.

#include <cstdint>
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

struct ContactEvent {
  std::string event_id;       // "" = the server makes one
  std::string contact_id;     // required: call / consultation / outage id
  absl::Time occurred_at = absl::InfinitePast();  // InfinitePast = unset
  std::string channel;
  std::string department;
  std::string agent;
  std::string region;
  std::string station;
  std::string category;
  ContactKind kind = ContactKind::kUnspecified;
  // Payload of `kind`; only the fields of that kind are meaningful.
  std::string queue;              // call_offered
  int64_t wait_seconds = 0;       // call_answered, call_abandoned
  int64_t handle_seconds = 0;     // call_ended
  bool resolved_first_contact = false;  // call_ended
  bool dispatched_work_order = false;   // call_ended
  std::string topic;              // consultation_created
  std::string work_order_id;      // consultation_dispatched
  bool unsatisfied = false;       // survey_answered (95598 definition)
  int csat = 0;                   // survey_answered: 1..5, 0 = not asked
  int nps = -1;                   // survey_answered: 0..10, -1 = not asked
  std::string comment;            // survey_answered; masked before publishing
  Platform platform = Platform::kUnspecified;  // outage_started, outage_ended
  std::string description;        // outage_started
  int64_t outage_seconds = 0;     // outage_ended, as sent
};

struct ContactLimits {
  size_t max_id = 128;            // event_id, contact_id, work_order_id
  size_t max_short_field = 128;   // channel, department, agent, region, ...
  size_t max_text = 2000;         // comment, description
  absl::Duration max_past = absl::Hours(24 * 30);
  absl::Duration max_future_skew = absl::Minutes(5);
  absl::Duration max_duration = absl::Hours(24);  // waits, handles
  absl::Duration max_outage = absl::Hours(24 * 30);
};

// OK, or INVALID_ARGUMENT carrying one runtime::FieldViolation per bad field
// (proto paths: "contact_id", "occurred_at", "call_answered.wait_seconds",
// "survey_answered.csat", "outage_started.platform", "kind", ...). Checks:
// kind set; contact_id required; ids ≤ max_id; occurred_at set and within
// [now - max_past, now + max_future_skew]; waits/handles in
// [0, max_duration]; outage_seconds in [0, max_outage]; csat 0|1..5; nps
// -1|0..10; platform set for outages; every string valid UTF-8 and within
// its limit (code points). Pure and thread-safe.
absl::Status ValidateContactEvent(const ContactEvent& event, absl::Time now,
                                  const ContactLimits& limits = {});

}  // namespace sqms::complaints::domain
